// Random schedules of the example charm on the simulator: hook failures injected on random
// units and handlers, leader changes, units removed and added, at random points of the run,
// with invariants checked after every hook (see invariantViolations and the failed-hook
// check in runSchedule) and once the model settled (settledViolations). Used by
// random-schedules.test.ts and, for a representative run, by secrets.test.ts.
import { instanceKey } from '../../examples/mysql-innodb-cluster/src/addresses.js';
import {
  deploySimulated,
  type SimulatedDeployment,
} from '../../examples/mysql-innodb-cluster/src/simulate.js';
import {
  type Model,
  mulberry32,
  type Random,
  type TimelineEntry,
} from '../../src/testing/index.js';
import { randomIndex } from '../../src/testing/random.js';

const MINIMUM = 3;

const HANDLERS = [
  'generateClusterPassword',
  'createLocalClusterUser',
  'sendClusterConnectionInfo',
  'createPeerUsers',
  'createPeerUsers#2',
  'createCluster',
  'addConfigureReadyPeers',
  'signalClustered',
  'removeDepartedInstances',
  'dropDepartedUsers',
  'assess-status',
  'forgetPeerChanges',
];
const HOOKS = ['cluster-relation-*', 'leader-*', 'config-changed', '*-departed', 'start'];

const pick = <T>(random: Random, list: readonly T[]): T =>
  list[randomIndex(random, list.length)] as T;

/** What a failed hook must not change. Flags are compared by identity: any save replaces them. */
interface Observed {
  readonly shared: string;
  readonly flags: ReadonlyMap<string, readonly string[]>;
}

function observe(model: Model, app: string, everyUnit: ReadonlySet<string>): Observed {
  const relationId = model.relationIds(app, 'cluster')[0] ?? '';
  const bags = [...everyUnit].map((u) => [u, model.relationData(relationId, u)]);
  const shared = JSON.stringify({
    leader: model.leaderSettings(app),
    bags,
    appBag: model.relationData(relationId, app),
    secrets: model.secrets(),
  });
  return { shared, flags: new Map([...everyUnit].map((u) => [u, model.unit(u).flags])) };
}

/** The invariants that hold after every hook. */
function invariantViolations(model: Model, app: string): string[] {
  const out: string[] = [];
  const relationId = model.relationIds(app, 'cluster')[0] ?? '';
  const settings = model.leaderSettings(app);
  for (const name of model.units(app)) {
    const unit = model.unit(name);
    if (unit.life !== 'alive') continue;
    if (unit.hasFlag('cluster.clustered') && !unit.hasFlag('cluster.available'))
      out.push(`${name} has cluster.clustered without cluster.available`);
    const published = model.relationData(relationId, name)['unit-clustered'];
    if (published === 'true' && settings[instanceKey('clustered', unit.address)] !== 'true')
      out.push(
        `${name} published unit-clustered before the leader settings mark its instance clustered`,
      );
  }
  return out;
}

/** Once settled: every remaining unit clustered, and the cluster made of exactly them. */
function settledViolations({ model, cluster, app }: SimulatedDeployment): string[] {
  const out: string[] = [];
  const units = model.units(app).filter((u) => model.unit(u).life === 'alive');
  const addresses = units.map((u) => model.unit(u).address).sort();
  for (const name of units) {
    const unit = model.unit(name);
    if (unit.inError) out.push(`${name} is in error: ${unit.error?.message}`);
    if (unit.status.status !== 'active')
      out.push(`${name} is ${unit.status.status}: ${unit.status.message}`);
    for (const flag of ['cluster.connected', 'cluster.available', 'cluster.clustered'])
      if (!unit.hasFlag(flag)) out.push(`${name} lacks ${flag}`);
    const users = cluster.usersOn(unit.address);
    const expected = addresses.map((a) => `clusteruser@${a}`);
    if (users.join() !== expected.join())
      out.push(`${name}'s instance has the users [${users}], expected [${expected}]`);
  }
  const members = [...cluster.members].sort();
  if (members.join() !== addresses.join())
    out.push(`the cluster holds [${members}], the remaining units are at [${addresses}]`);
  const clusteredKeys = Object.keys(model.leaderSettings(app))
    .filter((k) => k.startsWith('cluster-instance-clustered-'))
    .sort();
  const expectedKeys = addresses.map((a) => instanceKey('clustered', a)).sort();
  if (clusteredKeys.join() !== expectedKeys.join())
    out.push(`leader settings mark [${clusteredKeys}] clustered, expected [${expectedKeys}]`);
  return out;
}

/** True when `unit`'s instance is the only cluster member whose unit is not leaving. */
function lastMember({ model, cluster, app }: SimulatedDeployment, unit: string): boolean {
  const address = model.unit(unit).address;
  if (!cluster.members.includes(address)) return false;
  const staying = model
    .units(app)
    .filter((u) => u !== unit && model.unit(u).life === 'alive')
    .map((u) => model.unit(u).address);
  return !cluster.members.some((m) => staying.includes(m));
}

export interface RunResult {
  readonly settled: boolean;
  readonly violations: readonly string[];
  readonly hooks: number;
  readonly failedHooks: number;
  readonly actions: readonly string[];
}

/**
 * One random schedule of `size` units for `seed`, run until settled. `trace: 'full'` keeps
 * tool calls and log lines in the model's trace (slower; for leak checks and debugging).
 */
export async function runSchedule(
  size: number,
  seed: number,
  trace: 'hooks' | 'full' = 'hooks',
): Promise<RunResult & { readonly deployment: SimulatedDeployment }> {
  const deployment = await deploySimulated({ units: size, seed, trace, maxRetries: 1000 });
  const { model, app } = deployment;
  const random = mulberry32(seed * 7919 + size);
  const everyUnit = new Set(model.units(app));
  const violations: string[] = [];
  const actions: string[] = [];
  let hooks = 0;
  let failedHooks = 0;
  let before = observe(model, app, everyUnit);

  const onHook = (entry: TimelineEntry): void => {
    hooks++;
    const now = observe(model, app, everyUnit);
    if (!entry.ok) {
      failedHooks++;
      if (now.shared !== before.shared)
        violations.push(
          `failed ${entry.unit} ${entry.label} changed relation data, leader settings or secrets`,
        );
      for (const [unit, flags] of now.flags)
        if (before.flags.get(unit) !== flags)
          violations.push(`failed ${entry.unit} ${entry.label} saved the unit state of ${unit}`);
    }
    before = now;
    for (const v of invariantViolations(model, app))
      violations.push(`after ${entry.unit} ${entry.label}: ${v}`);
  };

  const alive = () => model.units(app).filter((u) => model.unit(u).life === 'alive');
  const steps = 3 + randomIndex(random, 6);
  for (let step = 0; step < steps; step++) {
    await model.settle({ maxHooks: randomIndex(random, 80), onHook });
    const count = 1 + randomIndex(random, 2);
    for (let i = 0; i < count; i++) {
      const units = alive();
      const roll = random();
      if (roll < 0.45) {
        const unit = pick(random, units);
        const what = random();
        const match =
          what < 0.6
            ? { handler: pick(random, HANDLERS) }
            : what < 0.85
              ? { hook: pick(random, HOOKS) }
              : {};
        model.failNextHook(unit, match);
        actions.push(`fail ${unit} ${JSON.stringify(match)}`);
      } else if (roll < 0.65) {
        const others = units.filter((u) => !model.unit(u).isLeader);
        if (others.length === 0) continue;
        const unit = pick(random, others);
        model.setLeader(unit);
        actions.push(`leader ${unit}`);
      } else if (roll < 0.85) {
        // Never the last instance the cluster holds: losing every member loses the cluster
        // (and its data); bringing it back is an operator's job, not the charm's.
        const removable = units.filter((u) => !lastMember(deployment, u));
        if (units.length <= 1 || removable.length === 0) continue;
        const unit = pick(random, removable);
        model.removeUnit(unit);
        actions.push(`remove ${unit}`);
      } else {
        if (units.length >= size + 2) continue;
        const unit = model.addUnit(app);
        everyUnit.add(unit);
        actions.push(`add ${unit}`);
      }
    }
    before = observe(model, app, everyUnit);
  }
  while (alive().length < MINIMUM) {
    const unit = model.addUnit(app);
    everyUnit.add(unit);
    actions.push(`add ${unit}`);
  }
  before = observe(model, app, everyUnit);
  const report = await model.settle({ onHook });
  if (report.settled) violations.push(...settledViolations(deployment));
  return { settled: report.settled, violations, hooks, failedHooks, actions, deployment };
}

/**
 * When to remove the leader: after a number of hooks from the deployment, or a number of hooks
 * after the hook in which the cluster first held `members` instances (1: the leader's own
 * instance only, the window right after it created the cluster).
 */
export type RemovalPoint =
  | { readonly afterHooks: number }
  | { readonly members: number; readonly extraHooks: number };

export interface LeaderRemovalResult extends RunResult {
  /** Cluster members when the leader was removed (0: no cluster yet). */
  readonly membersAtRemoval: number;
  /** The removed leader's instance was the cluster's only member: the cluster went with it. */
  readonly lastMemberRemoved: boolean;
}

/**
 * Deploy `size` units, run to `at`, then remove the leader (whatever the clustering has
 * reached: nothing yet, password shared, cluster just created with the leader as its only
 * member, some instances added, complete) and add a unit in its place; settle, checking the
 * same invariants as runSchedule. Juju may remove the leader at any time: the remaining units
 * must converge, re-creating the cluster when its only member left with the leader.
 */
export async function runLeaderRemoval(
  size: number,
  seed: number,
  at: RemovalPoint,
): Promise<LeaderRemovalResult & { readonly deployment: SimulatedDeployment }> {
  const deployment = await deploySimulated({ units: size, seed, trace: 'hooks', maxRetries: 1000 });
  const { model, app, cluster } = deployment;
  const violations: string[] = [];
  let hooks = 0;
  let failedHooks = 0;
  const onHook = (entry: TimelineEntry): void => {
    hooks++;
    if (!entry.ok) failedHooks++;
    for (const v of invariantViolations(model, app))
      violations.push(`after ${entry.unit} ${entry.label}: ${v}`);
  };
  if ('afterHooks' in at) await model.settle({ maxHooks: at.afterHooks, onHook });
  else {
    // One hook at a time until the cluster holds `members` instances (or the model settled).
    while (cluster.members.length < at.members)
      if ((await model.settle({ maxHooks: 1, onHook })).settled) break;
    await model.settle({ maxHooks: at.extraHooks, onHook });
  }
  const leader = model.leader(app) ?? '';
  const membersAtRemoval = cluster.members.length;
  const lastMemberRemoved = lastMember(deployment, leader);
  model.removeUnit(leader);
  const added = model.addUnit(app);
  const report = await model.settle({ onHook });
  if (report.settled) violations.push(...settledViolations(deployment));
  return {
    settled: report.settled,
    violations,
    hooks,
    failedHooks,
    actions: [JSON.stringify(at), `remove ${leader}`, `add ${added}`],
    membersAtRemoval,
    lastMemberRemoved,
    deployment,
  };
}
