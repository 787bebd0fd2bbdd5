// Which instances hold the cluster, read from what Juju committed: leader settings (which
// instances the leader clustered), goal-state (which units Juju keeps) and peer data. Used by
// the leader's handlers in charm.ts; no hook-tool call beyond those reads.
import { type GoalState, type HookRuntime, leaderGet, leaderSet } from 'juju-reactive';
import { MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { INSTANCE_KEY_PREFIX, instanceKey, localClusterAddress } from './addresses.js';
import { isTrue } from './migration.js';

/**
 * An instance the cluster holds, to run cluster operations through: this unit's when the
 * leader settings mark it clustered, else that of a ready peer Juju is not removing.
 */
export function clusterMember(rt: HookRuntime, self: string): string | undefined {
  const clustered = (address: string) => isTrue(leaderGet(rt, instanceKey('clustered', address)));
  if (clustered(self)) return self;
  const ready = rt.endpoint(MySQLInnoDBClusterPeers).readyPeers;
  const staying = stayingUnits(
    rt,
    ready.map((peer) => peer.unitName),
  );
  return ready
    .filter((peer) => staying.has(peer.unitName))
    .map((peer) => peer.connectionInfo.address)
    .find(clustered);
}

/**
 * True when every other unit Juju means to keep (goal-state) is a joined peer that published
 * its connection info: then every instance that could hold the cluster can be asked.
 */
export function everyStayingUnitReady(rt: HookRuntime): boolean {
  const ready = rt.endpoint(MySQLInnoDBClusterPeers).readyPeers.map((p) => p.unitName);
  return stayingUnitsNotIn(rt, new Set(ready)).length === 0;
}

/**
 * The other units Juju means to keep (goal-state: neither dying nor gone) that are not in
 * `units`, in goal-state order. Goal-state names a unit as soon as Juju means to have it, before
 * this unit has run its -joined hook (relation-list names a peer only once that hook committed:
 * worker/uniter/relation/statetracker.go CommitHook).
 */
export function stayingUnitsNotIn(rt: HookRuntime, units: ReadonlySet<string>): string[] {
  return Object.entries(goalUnits(rt))
    .filter(([unit, { status }]) => unit !== rt.unitName && status !== 'dying' && !units.has(unit))
    .map(([unit]) => unit);
}

/**
 * The leader settings say a cluster exists, yet neither this instance nor any staying ready
 * peer's holds it (adoptMembers asked each), and every unit Juju means to keep is such a peer:
 * the instances the settings mark clustered are all gone with their units (the leader removed
 * right after creating the cluster, before adding another instance). The cluster went with
 * them; forget it, so createCluster bootstraps a new one from the instances that are left.
 */
export function forgetLostCluster(rt: HookRuntime): void {
  if (!everyStayingUnitReady(rt)) return;
  const staying = new Set([
    localClusterAddress(rt),
    ...rt.endpoint(MySQLInnoDBClusterPeers).readyPeers.map((p) => p.connectionInfo.address),
  ]);
  if ([...staying].some((a) => isTrue(leaderGet(rt, instanceKey('clustered', a))))) return;
  rt.log.warning(
    'no instance left holds the cluster (the leader settings name only instances that are gone): creating it again',
  );
  leaderSet(rt, { 'cluster-created': null, ...instanceKeysOf(rt, () => true) });
}

/** Of `units`, those Juju means to keep (goal-state): neither dying nor gone. */
export function stayingUnits(rt: HookRuntime, units: readonly string[]): Set<string> {
  if (units.length === 0) return new Set();
  const goal = goalUnits(rt);
  return new Set(
    units.filter((unit) => {
      const status = goal[unit]?.status;
      return status !== undefined && status !== 'dying';
    }),
  );
}

/** The units goal-state names (a failed call fails the hook: it cannot be decided without). */
function goalUnits(rt: HookRuntime): GoalState['units'] {
  const goal = rt.juju.goalState();
  if (goal.isErr()) throw goal.error;
  return goal.value.units;
}

/** Deletions of the per-instance leader settings whose key passes `select`. */
export function instanceKeysOf(
  rt: HookRuntime,
  select: (key: string) => boolean,
): Record<string, null> {
  const keys = Object.keys(leaderGet(rt)).filter(
    (k) => k.startsWith(INSTANCE_KEY_PREFIX) && select(k),
  );
  return Object.fromEntries(keys.map((k) => [k, null]));
}
