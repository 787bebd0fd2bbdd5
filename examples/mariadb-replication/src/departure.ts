// A unit leaving the application (`juju remove-unit`, scale-down). Juju runs the departing
// unit's teardown (its -relation-departed hooks, then `stop`, then `remove`: worker/uniter/
// resolver.go nextOp, case Dying) while every peer runs `cluster-relation-departed` for it
// with JUJU_DEPARTING_UNIT set (worker/uniter/runner/context/context.go HookVars). Two rules:
// - the leader moves the source away from a departing source's server the planned way (fence,
//   wait until the new source holds everything, promote), since that server is still up when
//   the leader hears of the departure; when it is already gone, the regular check promotes the
//   most advanced replica, as for a failed source;
// - every unit makes its own server read-only in `stop`, so a removed unit's server never takes
//   a write after the source moved (best effort: a failing stop hook would block the removal).
import type { HookRuntime } from 'juju-reactive';
import { compareUnitNames } from 'juju-reactive';
import { KEYS, MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import type { ReplicationBackend } from './backend/types.js';
import type { TopologyServer } from './charm-state.js';
import { rankCandidates } from './failover/candidate.js';
import {
  type Decision,
  type FailoverConfig,
  hiddenSourceAlert,
  type Step,
} from './failover/decide.js';
import { describeStep, type ExecuteOptions, executeSteps } from './failover/execute.js';
import { messageOf, type Observation, observe } from './failover/observation.js';
import { afterPromotion, type TopologyRecord } from './failover/record.js';

/**
 * The recorded source's server, when this hook is a peer's `cluster-relation-departed` for the
 * source's own unit: the unit is leaving (JUJU_DEPARTING_UNIT), its address is the one it last
 * published (kept for departed units by the endpoint). Otherwise undefined.
 */
export function departingSource(
  rt: HookRuntime,
  record: TopologyRecord,
): TopologyServer | undefined {
  const { hookName, departingUnit, remoteUnit } = rt.context;
  if (hookName !== 'cluster-relation-departed') return undefined;
  if (departingUnit === undefined || departingUnit !== record.source) return undefined;
  // The source's unit is leaving: the hook is the leader's -departed for it (the source's own
  // -departed hooks, where the remote unit is a staying peer, leave the move to the leader).
  if (remoteUnit !== departingUnit) return undefined;
  const departed = rt
    .endpoint(MySQLInnoDBClusterPeers)
    .allDepartedUnits.find((d) => d.unitName === departingUnit);
  const address = departed?.received[KEYS.clusterAddress];
  return { unit: departingUnit, address: typeof address === 'string' ? address : undefined };
}

/**
 * The planned move off a departing source that can still be reached: fence it (it may already
 * be read-only, fenced by its own `stop`), wait until the best replica applied everything it
 * binlogged, promote that replica, point the other staying servers at it. Undefined when the
 * departing server cannot be reached or no replica can take over (the regular check decides).
 */
export function planDeparture(
  record: TopologyRecord,
  observation: Observation,
  config: FailoverConfig,
  departing: string,
): Decision | undefined {
  if (!observation[departing]?.probe.reachable) return undefined;
  const next = rankCandidates(observation, record, departing, config)[0]?.server;
  if (next === undefined) return undefined;
  const staying = Object.keys(observation)
    .filter((s) => s !== departing)
    .sort(compareUnitNames);
  const steps: Step[] = [
    { kind: 'fence', server: departing, required: true },
    { kind: 'catch-up', server: next, source: departing },
    { kind: 'promote', server: next },
    ...staying
      .filter((s) => s !== next && observation[s]?.probe.reachable)
      .map((s): Step => ({ kind: 'replicate', server: s, source: next })),
  ];
  return {
    record: afterPromotion(record, staying, next),
    steps,
    status: {
      status: 'active',
      message: `source moved from departing ${departing} to ${next}`,
    },
    alerts: config.avoid?.has(next) === true ? [hiddenSourceAlert(next)] : [],
  };
}

/** What {@link moveDepartingSource} needs from the charm. */
export interface DepartureDeps {
  readonly backendFor: (rt: HookRuntime, servers: readonly TopologyServer[]) => ReplicationBackend;
  readonly execute: ExecuteOptions;
}

/**
 * In the leader's `cluster-relation-departed` for the source's unit: observe the staying
 * servers and the departing one, and run the planned move. Returns the decision taken (its
 * record is the caller's to commit), or undefined when there was nothing to do here. A step
 * that must succeed and fails (the fence, the catch-up) throws: the hook fails, commits nothing,
 * and Juju retries it; by then the server may be gone and the regular check takes over.
 */
export async function moveDepartingSource(
  rt: HookRuntime,
  record: TopologyRecord,
  config: FailoverConfig,
  staying: readonly TopologyServer[],
  deps: DepartureDeps,
): Promise<{ decision: Decision; observation: Observation } | undefined> {
  const departing = departingSource(rt, record);
  if (departing === undefined || departing.address === undefined) return undefined;
  const backend = deps.backendFor(rt, [
    ...staying.filter((s) => s.unit !== departing.unit),
    departing,
  ]);
  const observation = await observe(backend, record);
  const decision = planDeparture(record, observation, config, departing.unit);
  if (decision === undefined) return undefined;
  for (const alert of decision.alerts) rt.log.warning(alert);
  const failures = await executeSteps(backend, decision.steps, deps.execute);
  for (const f of failures) rt.log.warning(`${describeStep(f.step)} failed: ${f.error}`);
  return { decision, observation };
}

/** `stop`: make this unit's own server read-only. Never fails the hook. */
export async function fenceOwnServer(
  rt: HookRuntime,
  server: TopologyServer,
  backendFor: DepartureDeps['backendFor'],
): Promise<void> {
  if (server.address === undefined) return;
  try {
    await backendFor(rt, [server]).fence(server.unit);
    rt.log.info(`made this unit's server read-only: the unit is being removed`);
  } catch (error) {
    rt.log.warning(`cannot make this unit's server read-only on removal: ${messageOf(error)}`);
  }
}
