// A planned switchover (what the future `switchover` action runs on the leader): move the
// source to a named replica, or to the best one, losing nothing. The source is fenced first,
// the target waits until it applied everything the source binlogged, then it is promoted and
// every other server, the old source included, replicates from it. Pure: returns the plan.
// A switchover killed half-way is finished or undone by the next regular check (decide.ts):
// a fenced source with no promoted server gets its writes back; a promoted target that holds
// everything the old source held is kept.
import { compareUnitNames } from 'juju-reactive';
import { rankCandidates } from './candidate.js';
import type { Decision, FailoverConfig, Step } from './decide.js';
import { replicaState, sourceHealth } from './health.js';
import type { Observation } from './observation.js';
import { afterPromotion, type TopologyRecord } from './record.js';

/** The plan, or why there is none (for `action-fail`). */
export type SwitchoverPlan =
  | { readonly ok: true; readonly decision: Decision }
  | { readonly ok: false; readonly reason: string };

/** Plan a switchover from the recorded source to `target` (or the best replica). */
export function planSwitchover(
  record: TopologyRecord,
  observation: Observation,
  config: FailoverConfig,
  target?: string,
): SwitchoverPlan {
  const source = record.source;
  if (source === undefined)
    return { ok: false, reason: 'no source yet: the initial setup has not run' };
  const health = sourceHealth(observation, source);
  if (!health.healthy) {
    return {
      ok: false,
      reason: `source ${source} ${health.reason}: a switchover needs a healthy source (failover handles a failed one)`,
    };
  }
  const next = target ?? rankCandidates(observation, record, source, config)[0]?.server;
  if (next === undefined) return { ok: false, reason: 'no replica can take over' };
  if (next === source) return { ok: false, reason: `${next} is already the source` };
  if (!(next in observation))
    return { ok: false, reason: `${next} is not a unit of this application` };
  const state = replicaState(observation, next, source);
  if (state.kind !== 'replicating') {
    return { ok: false, reason: `${next} is not replicating from ${source} (${state.kind})` };
  }
  const servers = Object.keys(observation).sort(compareUnitNames);
  const steps: Step[] = [
    { kind: 'fence', server: source, required: true },
    { kind: 'catch-up', server: next, source },
    { kind: 'promote', server: next },
    ...servers
      .filter((s) => s !== next && observation[s]?.probe.reachable)
      .map((s): Step => ({ kind: 'replicate', server: s, source: next })),
  ];
  return {
    ok: true,
    decision: {
      record: afterPromotion(record, servers, next),
      steps,
      status: { status: 'maintenance', message: `switching over from ${source} to ${next}` },
      alerts: [],
    },
  };
}
