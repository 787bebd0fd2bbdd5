// The operator's actions (actions.yaml): cluster-status on any unit; switchover, failover and
// rejoin-instance on the leader, the single writer of the topology record. Each reads the
// record and the databases afresh, runs the engine's own plans (src/failover) and commits the
// new record with the action. A refused plan fails the action with the engine's reason.
import type { Charm, HookRuntime } from 'juju-reactive';
import type { ReplicationBackend } from './backend/types.js';
import {
  failoverConfig,
  readTopology,
  replicationCredentials,
  type TopologyServer,
  topologyServers,
  writeTopology,
} from './charm-state.js';
import { clusterStatus } from './failover/cluster-status.js';
import { decide, type FailoverConfig } from './failover/decide.js';
import { describeStep, executeSteps } from './failover/execute.js';
import { sourceHealth } from './failover/health.js';
import { messageOf, type Observation, observe } from './failover/observation.js';
import type { TopologyRecord } from './failover/record.js';
import { planSwitchover } from './failover/switchover.js';

/** What the actions need from the charm definition. */
export interface ActionHelpers {
  readonly backendFor: (rt: HookRuntime, servers: readonly TopologyServer[]) => ReplicationBackend;
  readonly applyTimeoutMs: number;
  /** This unit created the replication users for its peers (its server is in the topology). */
  readonly usersCreated: (rt: HookRuntime) => boolean;
  /** Called after an action changed the topology, with the record it commits (the view). */
  readonly afterChange?: (rt: HookRuntime, record: TopologyRecord) => Promise<void>;
}

/** Juju's unit-name shape, to refuse a bad `unit`/`target` param before anything runs. */
const UNIT_NAME = /^[a-z][a-z0-9-]{0,62}\/\d{1,6}$/;

/** Where one action stands: the record, the servers, a backend and one observation. */
interface Scene {
  readonly record: TopologyRecord;
  readonly backend: ReplicationBackend;
  readonly observation: Observation;
}

/** Register the actions on `charm`. */
export function registerActions(charm: Charm, helpers: ActionHelpers): Charm {
  /** The scene, or undefined after failing the action with why. */
  const scene = async (
    rt: HookRuntime,
    fail: (message: string) => void,
    leaderOnly: boolean,
  ): Promise<Scene | undefined> => {
    if (leaderOnly && !rt.isLeader()) {
      fail(
        `${rt.unitName} is not the leader: run this action on the leader unit (marked * in juju status), the single writer of the topology`,
      );
      return undefined;
    }
    let record: TopologyRecord;
    try {
      record = readTopology(rt);
    } catch (error) {
      fail(messageOf(error));
      return undefined;
    }
    if (record.source === undefined) {
      fail('no topology yet: the leader has not set up replication; wait for the units to settle');
      return undefined;
    }
    const backend = helpers.backendFor(rt, topologyServers(rt, helpers.usersCreated(rt)));
    return { record, backend, observation: await observe(backend, record) };
  };
  const config = (rt: HookRuntime, fail: (m: string) => void): FailoverConfig | undefined => {
    const parsed = failoverConfig(rt);
    if (parsed.ok) return parsed.config;
    fail(parsed.errors.join('; '));
    return undefined;
  };
  const options = (rt: HookRuntime, log: (m: string) => void) => ({
    credentials: replicationCredentials(rt),
    applyTimeoutMs: helpers.applyTimeoutMs,
    onStep: (step: Parameters<typeof describeStep>[0]) => log(describeStep(step)),
  });

  charm.action('cluster-status').run(async function clusterStatusAction(rt, action) {
    const at = await scene(rt, (m) => action.fail(m), false);
    if (at === undefined) return;
    const status = clusterStatus(at.record, at.observation);
    action.set({
      'cluster-status': JSON.stringify(status),
      source: status.source ?? '',
      generation: status.generation,
    });
  });

  charm.action<{ target?: string }>('switchover').run(async function switchover(rt, action) {
    const fail = (m: string) => action.fail(m);
    const { target } = action.params;
    if (target !== undefined && !UNIT_NAME.test(target)) {
      fail(`target ${JSON.stringify(target.slice(0, 80))} is not a unit name (app/N)`);
      return;
    }
    const limits = config(rt, fail);
    const at = limits && (await scene(rt, fail, true));
    if (limits === undefined || at === undefined) return;
    const plan = planSwitchover(at.record, at.observation, limits, target);
    if (!plan.ok) return fail(plan.reason);
    try {
      const failures = await executeSteps(
        at.backend,
        plan.decision.steps,
        options(rt, (m) => action.log(m)),
      );
      for (const f of failures) action.log(`${describeStep(f.step)} failed: ${f.error}`);
    } catch (error) {
      // Nothing committed: the next check gives the fenced source its writes back, or keeps
      // a promoted target that holds everything (decide.ts).
      return fail(`switchover stopped: ${messageOf(error)}`);
    }
    writeTopology(rt, plan.decision.record);
    await helpers.afterChange?.(rt, plan.decision.record);
    action.set({ source: plan.decision.record.source ?? '', previous: at.record.source ?? '' });
  });

  charm.action('failover').run(async function failover(rt, action) {
    const fail = (m: string) => action.fail(m);
    const limits = config(rt, fail);
    const at = limits && (await scene(rt, fail, true));
    if (limits === undefined || at === undefined) return;
    const source = at.record.source ?? '';
    const health = sourceHealth(at.observation, source);
    if (health.healthy) {
      return fail(`source ${source} is healthy: use the switchover action for a planned move`);
    }
    // The operator's word replaces the threshold: the next failed check is the last one.
    const decision = decide(at.record, at.observation, { ...limits, failureThreshold: 1 });
    if (decision.record.source === source) return fail(decision.status.message);
    try {
      const failures = await executeSteps(
        at.backend,
        decision.steps,
        options(rt, (m) => action.log(m)),
      );
      for (const f of failures) action.log(`${describeStep(f.step)} failed: ${f.error}`);
    } catch (error) {
      return fail(`failover stopped: ${messageOf(error)}`);
    }
    for (const alert of decision.alerts) rt.log.warning(alert);
    writeTopology(rt, decision.record);
    await helpers.afterChange?.(rt, decision.record);
    action.set({ source: decision.record.source ?? '', previous: source });
  });

  charm.action<{ unit: string }>('rejoin-instance').run(async function rejoinInstance(rt, action) {
    const fail = (m: string) => action.fail(m);
    const { unit } = action.params;
    if (!UNIT_NAME.test(unit)) {
      return fail(`unit ${JSON.stringify(unit.slice(0, 80))} is not a unit name (app/N)`);
    }
    const limits = config(rt, fail);
    const at = limits && (await scene(rt, fail, true));
    if (limits === undefined || at === undefined) return;
    const source = at.record.source ?? '';
    if (unit === source) return fail(`${unit} is the source`);
    const seen = at.observation[unit];
    if (seen === undefined) {
      return fail(`${unit} is not in the topology (not a ready peer of this application)`);
    }
    if (!seen.probe.reachable) return fail(`${unit} is unreachable: ${seen.probe.reason}`);
    const health = sourceHealth(at.observation, source);
    if (!health.healthy) {
      return fail(
        `source ${source} ${health.reason}: nothing to rejoin to until it recovers or fails over`,
      );
    }
    // The regular check's own plan for this unit: replicate when its history is a prefix of
    // the source's, rebuild from a dump otherwise, restart stopped threads.
    const decision = decide(at.record, at.observation, limits);
    const steps = decision.steps.filter((s) => s.server === unit);
    const failures = await executeSteps(
      at.backend,
      steps,
      options(rt, (m) => action.log(m)),
    );
    for (const alert of decision.alerts.filter((a) => a.startsWith(`${unit} `))) {
      rt.log.warning(alert);
    }
    const failed = failures[0];
    if (failed) return fail(`${describeStep(failed.step)} failed: ${failed.error}`);
    if (steps.length > 0) await helpers.afterChange?.(rt, at.record);
    action.set({
      outcome:
        steps.length === 0
          ? `${unit} already replicates from ${source}`
          : steps.map((s) => describeStep(s)).join('; '),
    });
  });

  return charm;
}
