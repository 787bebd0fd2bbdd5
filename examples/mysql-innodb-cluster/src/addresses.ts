// This unit's own cluster address and the leader-settings keys derived from addresses.

import type { HookRuntime } from 'juju-reactive';
import { sinceConfigChanged } from './since-config-changed.js';

/**
 * The address peers use to reach this unit: the ingress address of the `cluster` binding
 * (network-get), falling back to `unit-get private-address` where network-get is unavailable.
 */
export function localClusterAddress(rt: HookRuntime, endpoint = 'cluster'): string {
  const relationId = rt.endpointByName(endpoint)?.relations[0]?.relationId;
  // A changed address gives a config-changed before any relation hook: kept in between.
  const kept = sinceConfigChanged(rt, `cluster.address.${endpoint}`, () => ({
    relationId: relationId ?? null,
    address: readAddress(rt, endpoint, relationId),
  }));
  if (kept.relationId === (relationId ?? null)) return kept.address;
  const address = readAddress(rt, endpoint, relationId);
  rt.state.set(`cluster.address.${endpoint}`, { relationId: relationId ?? null, address });
  return address;
}

function readAddress(rt: HookRuntime, endpoint: string, relationId: string | undefined): string {
  const ingress = rt.juju.ingressAddress(endpoint, relationId);
  if (ingress.isOk() && ingress.value) return ingress.value;
  const privateAddress = rt.juju.unitGet('private-address');
  if (privateAddress.isErr()) throw privateAddress.error;
  return privateAddress.value;
}

/** What every per-instance leader-settings key starts with. */
export const INSTANCE_KEY_PREFIX = 'cluster-instance-';

/** `cluster-instance-clustered-10-0-0-2`: Juju keys cannot hold dots or colons. */
export function instanceKey(what: 'configured' | 'clustered', address: string): string {
  return `${INSTANCE_KEY_PREFIX}${what}-${address.replace(/[.:]/g, '-')}`;
}
