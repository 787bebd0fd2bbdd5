// Relation scope: what Juju does when a unit enters a relation's scope, and the network settings
// it keeps in the unit's own bag for that relation.
import { isIPv4, isIPv6 } from 'node:net';
import type { RelationData } from '../juju/hook-tools.js';
import type { TraceRecorder } from './trace.js';
import type { RelationRecord, UnitRecord } from './world.js';

/**
 * The address a unit has on an endpoint: its binding (`model.setBinding`), else its default
 * address. `network-get` and the settings Juju writes at scope entry both answer with it.
 */
export function bindingAddress(unit: UnitRecord, endpoint: string): string {
  return unit.bindings.get(endpoint) ?? unit.address;
}

/**
 * An address as a CIDR, as Juju's FormatAsCIDR does (network/firewall): an address already in
 * CIDR form is kept, an IPv4 address gets `/32`, anything else `/128`.
 */
export function asCidr(address: string): string {
  const slash = address.lastIndexOf('/');
  if (slash > 0) {
    const ip = address.slice(0, slash);
    if (isIPv4(ip) || isIPv6(ip)) return address;
  }
  return isIPv4(address) ? `${address}/32` : `${address}/128`;
}

/**
 * The settings Juju writes for a unit in a relation, from the unit's ingress address on the
 * relation's endpoint (apiserver/facades/agent/uniter/uniter.go, EnterScope and
 * updateUnitNetworkInfoOperation): `private-address` and `ingress-address` are that address and
 * `egress-subnets` defaults to it as a CIDR (no egress-subnets model config is modelled).
 */
export function networkSettings(unit: UnitRecord, relation: RelationRecord): RelationData {
  const endpoint = relation.sideOf(unit.app.name)?.endpoint ?? '';
  const address = bindingAddress(unit, endpoint);
  // Keys in sorted order, as the trace lists changed keys.
  return {
    'egress-subnets': asCidr(address),
    'ingress-address': address,
    'private-address': address,
  };
}

/**
 * A unit enters a relation's scope (apiserver/facades/agent/uniter/uniter.go EnterScope, then
 * state/relationunit.go EnterScope): its settings for the relation are created holding
 * networkSettings(), before any other unit sees it join, so the first `-relation-changed` a
 * remote unit runs for it can already read them. Recorded as a `published` event without a hook.
 */
export function enterScope(
  unit: UnitRecord,
  relation: RelationRecord,
  recorder: TraceRecorder,
): void {
  const relationId = relation.idFor(unit.app.name);
  unit.relations.set(relationId, { created: false, members: new Set() });
  const settings = networkSettings(unit, relation);
  relation.unitBags.set(unit.name, { ...(relation.unitBags.get(unit.name) ?? {}), ...settings });
  recorder.push({ kind: 'published', unit: unit.name, relationId, changes: { ...settings } });
}
