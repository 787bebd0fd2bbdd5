// This unit's own cluster address and the leader-settings keys derived from addresses.

import type { HookRuntime } from 'juju-reactive';
import { sinceConfigChanged } from '../../shared/kept-config/index.js';

/**
 * The address peers use to reach this unit: the first bind address of the `cluster` binding
 * (network-get), else its ingress address, else `unit-get private-address` where network-get
 * is unavailable.
 *
 * The bind address, not the ingress address: it is what the Python charm publishes and keys
 * its leader settings by (charms.openstack `cluster_address` → charmhelpers get_relation_ip →
 * `network-get --primary-address`, answered with Info[0].Addresses[0]:
 * juju worker/uniter/runner/jujuc/network-get.go), so an upgraded unit keeps the identity its
 * instance has in the cluster, its accounts on every peer and its leader-settings keys; and
 * Juju documents the bind address as "the address that should be advertised to its peers"
 * (same file, `--bind-address`). Where the two differ (NAT, fan, cross-model ingress), the
 * ingress address need not be an address the instance itself has, which MySQL's group
 * replication local address must be. docs/migrating-from-python-charm.md.
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
  const info = rt.juju.networkGet(endpoint, relationId);
  const bind = info.isOk() ? info.value.bindAddresses[0]?.addresses[0]?.value : undefined;
  if (bind) return bind;
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
