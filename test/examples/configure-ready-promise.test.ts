// When a unit of the example says unit-configure-ready. The leader acts on that promise at once,
// connecting to the unit's instance with the leader's own cluster account; so the promise waits
// until every unit Juju means to keep (goal-state) is a peer this unit has met and seen publish.
// relation-list names a peer only once its -joined hook ran here (worker/uniter/relation/
// statetracker.go CommitHook), and a unit may run other peers' hooks first: before this rule, a
// unit promised before it met the leader, and the leader's hook failed (4 units seed 54).
import { describe, expect, it } from 'vitest';
import { deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import type { Model, TraceEvent } from '../../src/testing/index.js';

const CONFIGURE_READY = 'unit-configure-ready';

/**
 * Each unit-configure-ready publication that came before its unit had run -joined for every
 * other unit, or before that unit had published its connection info: [publisher, missing].
 */
function earlyPromises(trace: readonly TraceEvent[], units: readonly string[]): string[] {
  const met = new Map<string, Set<string>>(units.map((u) => [u, new Set()]));
  const published = new Set<string>();
  const early: string[] = [];
  let running: { unit: string; hook: string; remote?: string } | undefined;
  for (const event of trace) {
    if (event.kind === 'hook')
      running = { unit: event.unit, hook: event.hook, remote: event.remoteUnit };
    if (event.kind === 'hook-end' && event.ok && running?.hook === 'cluster-relation-joined')
      if (running.remote !== undefined) met.get(running.unit)?.add(running.remote);
    if (event.kind !== 'published') continue;
    if (event.changes['cluster-address'] !== undefined) published.add(event.unit);
    if (event.changes[CONFIGURE_READY] === undefined) continue;
    // The publication is in the trace at the hook's commit; the hook's own -joined commits with it.
    const seen = new Set(met.get(event.unit));
    if (running?.unit === event.unit && running.hook === 'cluster-relation-joined')
      if (running.remote !== undefined) seen.add(running.remote);
    const missing = units.filter((u) => u !== event.unit && !(seen.has(u) && published.has(u)));
    if (missing.length > 0) early.push(`${event.unit} before ${missing.join(', ')}`);
  }
  return early;
}

/** Run the hooks of `units` only, in turn, until none of them has one to run. */
async function runOnly(model: Model, units: readonly string[]): Promise<void> {
  for (let ran = true; ran; ) {
    ran = false;
    for (const unit of units) if (await model.step(unit)) ran = true;
  }
}

describe('the example promises unit-configure-ready only once it has met every unit Juju keeps', () => {
  it('no unit promises before it ran -joined for, and saw the connection info of, every other unit (statetracker.go CommitHook): 4-6 units, 25 seeds each', async () => {
    for (const units of [4, 5, 6]) {
      for (let seed = 50; seed < 75; seed++) {
        const { model, app } = await deploySimulated({ units, seed });
        const report = await model.settle();
        expect(report, `${units} units seed ${seed}`).toMatchObject({ hooksFailed: 0 });
        expect(earlyPromises(model.trace, model.units(app)), `${units} units seed ${seed}`).toEqual(
          [],
        );
      }
    }
  }, 120_000);

  it('the runs where a unit promised before it met the leader settle with no failed hook, every unit clustered', async () => {
    for (const [units, seed] of [
      [4, 54],
      [4, 69],
      [6, 119],
    ] as const) {
      const { model, app, cluster } = await deploySimulated({ units, seed });
      const report = await model.settle();
      expect(report, `${units} units seed ${seed}`).toMatchObject({
        settled: true,
        hooksFailed: 0,
      });
      for (const unit of model.units(app)) expect(model.unit(unit).status.status).toBe('active');
      expect([...cluster.members].sort()).toEqual(
        model
          .units(app)
          .map((u) => model.unit(u).address)
          .sort(),
      );
    }
  });

  it('a unit that has not met a unit goal-state names waits, says which, and promises once it has', async () => {
    const { model, app } = await deploySimulated({ units: 4, seed: 3 });
    const [first, second, third, late] = model.units(app) as [string, string, string, string];
    // Every hook of three units, none of the fourth's: they cannot meet it.
    await runOnly(model, [first, second, third]);
    for (const unit of [first, second, third]) {
      expect(model.unit(unit).status, unit).toEqual({
        status: 'waiting',
        message: `Waiting for ${late} to share cluster connection info`,
      });
      expect(model.unit(unit).published('cluster')[CONFIGURE_READY], unit).toBeUndefined();
    }
    const report = await model.settle();
    expect(report).toMatchObject({ settled: true, hooksFailed: 0 });
    for (const unit of model.units(app))
      expect(model.unit(unit).status, unit).toEqual({
        status: 'active',
        message: 'Unit is ready and clustered',
      });
  });

  it('a unit waited for that Juju removes before it ever joined is waited for no more', async () => {
    const { model, app } = await deploySimulated({ units: 4, seed: 5 });
    const [first, second, third, late] = model.units(app) as [string, string, string, string];
    await runOnly(model, [first, second, third]);
    expect(model.unit(first).status.message).toBe(
      `Waiting for ${late} to share cluster connection info`,
    );
    model.removeUnit(late);
    // Goal-state no longer names it; the next hook that is not a peer's arrival looks again
    // (update-status at the latest: every 5 minutes).
    const report = await model.advance({ minutes: 5 });
    expect(report).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(model.units(app)).toEqual([first, second, third]);
    for (const unit of model.units(app))
      expect(model.unit(unit).status, unit).toEqual({
        status: 'active',
        message: 'Unit is ready and clustered',
      });
  });
});
