// Withdrawing the ServerSet when the whole application goes away (`juju remove-application`,
// or its last units removed): otherwise clients watching ZooKeeper keep routing to servers that
// no longer exist. Juju runs `stop` then `remove` on each unit, for one removed unit as for the
// whole application (docs/reference/hook.md), so a unit tells the two apart with `goal-state`:
// its units' status is `dying` once their life is dying (hook-command goal-state: "We also use a
// unit status value of dying when the unit's life becomes dying"). When every unit of the
// application is dying, each stopping unit withdraws what the leader recorded in leader settings
// (readable by every unit; the leader may already be gone): idempotent, so several units doing it
// is harmless. Never fails the `stop` hook: a failing stop would block the removal.
import type { Charm, HookRuntime } from 'juju-reactive';
import { leaderGet } from 'juju-reactive';
import { parseZkUrl, type ZkUrl, ZkUrlError } from '../../../src/discovery/zk-url.js';
import {
  describeLocation,
  MIRRORED_AT_KEY,
  type MirrorLocation,
  parseLocations,
  WITHDRAW_KEY,
  withdrawalUrl,
  withdrawFrom,
} from './withdraw.js';
import { type SessionBounds, withZkSession } from './zookeeper.js';

/** True when `goal-state` lists this application's units and every one of them is dying. */
export function applicationDying(rt: HookRuntime): boolean {
  const goal = rt.juju.goalState();
  if (goal.isErr()) {
    rt.log.warning(`goal-state failed (${goal.error.message}): not withdrawing the cluster view`);
    return false;
  }
  const units = Object.values(goal.value.units);
  return units.length > 0 && units.every((u) => u.status === 'dying');
}

/** Where the leader mirrored, and what is still pending withdrawal: from leader settings. */
function recordedLocations(rt: HookRuntime): MirrorLocation[] {
  return parseLocations(leaderGet(rt, MIRRORED_AT_KEY), leaderGet(rt, WITHDRAW_KEY));
}

/**
 * In `stop`: when the whole application is going away, withdraw every ServerSet the leader
 * mirrored (credentials from the current `discovery-zookeeper` URL when it names the same
 * user). Logs what it removed or why it could not; never throws.
 */
export async function withdrawOnApplicationRemoval(
  rt: HookRuntime,
  bounds: SessionBounds = {},
): Promise<void> {
  try {
    const locations = recordedLocations(rt);
    if (locations.length === 0 || !applicationDying(rt)) return;
    let current: ZkUrl | undefined;
    const configured = String(rt.config()['discovery-zookeeper'] ?? '');
    try {
      current = configured === '' ? undefined : parseZkUrl(configured);
    } catch (error) {
      if (!(error instanceof ZkUrlError)) throw error;
    }
    for (const location of locations) {
      try {
        const removed = await withZkSession(withdrawalUrl(location, current), bounds, (session) =>
          withdrawFrom(session, location),
        );
        rt.log.info(
          `discovery-zookeeper: the application is being removed: withdrew the cluster view from ${describeLocation(location)}` +
            (removed.length > 0 ? `: removed ${removed.join(', ')}` : ' (nothing left there)'),
        );
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        rt.log.error(
          `discovery-zookeeper: the application is being removed but the cluster view at ` +
            `${describeLocation(location)} cannot be withdrawn: ${reason}; remove its member nodes by hand`,
        );
      }
    }
  } catch (error) {
    rt.log.error(
      `discovery-zookeeper: withdrawing on removal failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Register the `stop` handler that withdraws the ServerSet when the application goes away. */
export function registerWithdrawOnRemoval(charm: Charm, bounds: () => SessionBounds): void {
  charm.hook('stop').run(async function withdrawClusterViewOnRemoval(rt) {
    await withdrawOnApplicationRemoval(rt, bounds());
  });
}
