// The scenario catalogue (F1-F5 of the seed, both down, a leader change) through the CHARM on a
// simulated Juju model: failures are counted by the leader's hooks (update-status every
// `update-status-hook-interval`, default 5 min, as the simulator models Juju's uniter:
// worker/uniter/resolver.go, docs/testing.md fidelity table), the record lives in leader
// settings, killed hooks commit nothing. After each: exactly one writable server, the others
// read-only replicating from it, no acknowledged write that reached the new source lost.
import { afterAll, describe, expect, it } from 'vitest';
import {
  advanceUntilNewSource,
  type CharmScene,
  deployScene,
  expectCharmConverged,
  expectRowsEverywhere,
  promotedSince,
  writeThroughSource,
} from './charm-helpers.js';

const SEEDS = [1, 2, 3];
const SIZES = [3, 5];
const MINUTE = 60_000;
/** Model time from the source's failure to the committed new source, per run. */
const measured: number[] = [];

afterAll(() => {
  if (measured.length === 0) return;
  const minutes = measured.map((ms) => ms / MINUTE);
  console.log(
    `MEASURED model time from source failure to new source (failure-threshold 3, update-status 5m): min ${Math.min(...minutes)} min, max ${Math.max(...minutes)} min over ${measured.length} runs`,
  );
});

async function settled(units: number, seed: number): Promise<CharmScene> {
  const scene = await deployScene({ units, seed, app: 'mariadb' });
  expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
  expect(scene.record()).toMatchObject({ source: 'mariadb/0', failures: 0, generation: 1 });
  expectCharmConverged(scene);
  return scene;
}

/** Advance a minute at a time until the committed record counts `failures` failed checks. */
async function advanceUntilFailures(scene: CharmScene, failures: number): Promise<void> {
  for (let i = 0; i < 60 && scene.record().failures < failures; i++) {
    await scene.model.advance({ minutes: 1 });
  }
  expect(scene.record().failures).toBe(failures);
}

/** Servers back, time passes, everything rejoins: the invariants hold. */
async function recoverAndConverge(scene: CharmScene, units: readonly string[]): Promise<void> {
  for (const unit of units) scene.fleet.restart(unit);
  await scene.model.advance({ minutes: 20 });
  expectCharmConverged(scene);
}

const leaderStatus = (scene: CharmScene) =>
  scene.model.unit(scene.model.leader(scene.app) ?? '').status;

describe.each(SIZES)('the charm on %i simulated units', (units) => {
  describe.each(SEEDS)('seed %i', (seed) => {
    it('F1: the source killed; after failure-threshold update-status checks the most advanced replica is promoted; the old source rejoins read-only', async () => {
      const scene = await settled(units, seed);
      const keys = writeThroughSource(scene, 'f1', 20);
      scene.fleet.kill('mariadb/0');
      const took = await advanceUntilNewSource(scene);
      measured.push(took);
      // Three checks, one per update-status: after the second interval, by the third.
      expect(took).toBeGreaterThan(10 * MINUTE);
      expect(took).toBeLessThanOrEqual(15 * MINUTE);
      const next = scene.record().source ?? '';
      expect(scene.record()).toMatchObject({ generation: 2, failures: 0 });
      const promoted = scene.fleet.server(next);
      expect([promoted.readOnly, promoted.replica]).toEqual([false, undefined]);
      expect(scene.fleet.write(next, 'after-failover', 'ok')).toMatchObject({ ok: true });
      await recoverAndConverge(scene, ['mariadb/0']);
      expect(scene.fleet.server('mariadb/0').replica?.source).toBe(next);
      expectRowsEverywhere(scene, [...keys, 'after-failover']);
      expect(leaderStatus(scene).status).toBe('active');
    });

    it('F2: the new source fails before the old one rejoined; the next replica takes over; both rejoin', async () => {
      const scene = await settled(units, seed);
      const before = writeThroughSource(scene, 'f2a', 10);
      scene.fleet.kill('mariadb/0');
      await advanceUntilNewSource(scene);
      const second = scene.record().source ?? '';
      const middle = writeThroughSource(scene, 'f2b', 10);
      scene.fleet.kill(second);
      await advanceUntilNewSource(scene);
      const third = scene.record().source ?? '';
      expect(third).not.toBe('mariadb/0');
      expect(third).not.toBe(second);
      expect(scene.record().generation).toBe(3);
      expectRowsEverywhere(scene, [...before, ...middle]);
      await recoverAndConverge(scene, ['mariadb/0', second]);
      expectRowsEverywhere(scene, [...before, ...middle]);
    });

    it('F5: the source back before failure-threshold checks is not failed over', async () => {
      const scene = await settled(units, seed);
      const keys = writeThroughSource(scene, 'f5', 5);
      scene.fleet.kill('mariadb/0');
      await advanceUntilFailures(scene, 2);
      expect(leaderStatus(scene)).toEqual({
        status: 'active',
        message: expect.stringMatching(/^source mariadb\/0 failed health check 2\/3: unreachable/),
      });
      const logAt = scene.backend.log.length;
      await recoverAndConverge(scene, ['mariadb/0']);
      expect(scene.record()).toMatchObject({ source: 'mariadb/0', failures: 0, generation: 1 });
      // Restarted read-only (my.cnf), its writes are given back; nothing else promoted.
      expect(promotedSince(scene, logAt)).toEqual(['mariadb/0']);
      expectRowsEverywhere(scene, keys);
    });
  });
});

describe('killed hooks (the charm on 3 and 5 units)', () => {
  // Killed after n changes to the servers, then the whole hook fails: nothing it staged commits
  // (docs/testing.md "Commit on success"); the servers keep what was done, as databases do.
  for (const units of SIZES) {
    for (const n of [0, 1, 2, 3, 4, 5]) {
      it(`F3: the failover hook killed after ${n} server changes (${units} units), retried: converges, one promotion`, async () => {
        const scene = await settled(units, n + 1);
        const keys = writeThroughSource(scene, 'f3', 10);
        const leader = scene.model.leader(scene.app) ?? '';
        scene.fleet.kill('mariadb/0');
        await advanceUntilFailures(scene, 2);
        const logAt = scene.backend.log.length;
        scene.armKill(leader, n);
        scene.model.failNextHook(leader);
        await advanceUntilNewSource(scene);
        // wait-applied, promote, and one replicate per other reachable server: `units` changes.
        expect(scene.killStruck()).toBe(n < units);
        const promoted = promotedSince(scene, logAt);
        expect(promoted).toEqual([scene.record().source]);
        expect(scene.record().generation).toBe(2);
        await recoverAndConverge(scene, ['mariadb/0']);
        expectRowsEverywhere(scene, keys);
      });

      it(`F3: the rejoin hook killed after ${n} server changes (${units} units), retried: the old source rejoins`, async () => {
        const scene = await settled(units, n + 11);
        const leader = scene.model.leader(scene.app) ?? '';
        scene.fleet.kill('mariadb/0');
        await advanceUntilNewSource(scene);
        const next = scene.record().source;
        const keys = writeThroughSource(scene, 'f3r', 5);
        scene.fleet.restart('mariadb/0');
        scene.armKill(leader, n);
        scene.model.failNextHook(leader);
        await scene.model.advance({ minutes: 20 });
        // The rejoin is one change (replicate: it restarted read-only, nothing to fence).
        expect(scene.killStruck()).toBe(n < 1);
        expect(scene.record()).toMatchObject({ source: next, generation: 2 });
        expectCharmConverged(scene);
        expectRowsEverywhere(scene, keys);
      });

      it(`F4: the initial setup hook killed after ${n} server changes (${units} units), retried: one source`, async () => {
        const scene = await deployScene({ units, seed: n + 21, app: 'mariadb' });
        // The setup runs once three units are ready (minimumClusterSize): promote + 2 replicate.
        scene.armKill('mariadb/0', n, 3);
        // Fails the setup hook after its steps ran (signalClustered runs after checkTopology).
        scene.model.failNextHook('mariadb/0', { handler: 'signalClustered' });
        await scene.model.settle();
        await scene.model.advance({ minutes: 10 });
        expect(scene.killStruck()).toBe(n < 3);
        expect(promotedSince(scene, 0)).toEqual(['mariadb/0']);
        expect(scene.record()).toMatchObject({ source: 'mariadb/0', generation: 1 });
        expectCharmConverged(scene);
      });
    }
  }
});

describe('the topology record in leader settings', () => {
  it('fails over within failure-threshold update-status intervals of the model (1m here: at most 3 min)', async () => {
    const scene = await deployScene({
      units: 3,
      seed: 4,
      app: 'mariadb',
      modelConfig: { 'update-status-hook-interval': '1m' },
    });
    await scene.model.settle();
    scene.fleet.kill('mariadb/0');
    const took = await advanceUntilNewSource(scene);
    console.log(
      `MEASURED model time to new source with update-status-hook-interval 1m: ${took / MINUTE} min`,
    );
    expect(took).toBeGreaterThan(2 * MINUTE);
    expect(took).toBeLessThanOrEqual(3 * MINUTE);
  });

  it('survives a leader change: the new leader goes on counting failed checks from the record', async () => {
    const scene = await settled(3, 7);
    scene.fleet.kill('mariadb/0');
    await advanceUntilFailures(scene, 2);
    scene.model.setLeader('mariadb/2');
    // leader-elected is a check on the new leader: the third failed one, so the failover.
    await scene.model.settle();
    expect(scene.record()).toMatchObject({ source: 'mariadb/1', generation: 2 });
    const elected = scene.model.timeline('mariadb/2').filter((e) => e.hook === 'leader-elected');
    expect(elected.map((e) => e.ok)).toEqual([true]);
    await recoverAndConverge(scene, ['mariadb/0']);
  });

  it('source and every replica down: blocked naming what is down, one alert; recovers by itself', async () => {
    const scene = await settled(3, 8);
    const keys = writeThroughSource(scene, 'down', 5);
    for (const unit of scene.model.units(scene.app)) scene.fleet.kill(unit);
    await scene.model.advance({ minutes: 6 });
    expect(leaderStatus(scene)).toEqual({
      status: 'blocked',
      message: expect.stringMatching(
        /^source mariadb\/0 unreachable .*; no replica can take over: mariadb\/1 unreachable, mariadb\/2 unreachable$/,
      ),
    });
    const alerts = scene.model.trace.filter(
      (e) =>
        e.kind === 'log' && e.level === 'WARNING' && e.message.includes('no replica can take over'),
    );
    expect(alerts.length).toBeGreaterThan(0);
    await recoverAndConverge(scene, scene.model.units(scene.app));
    expect(scene.record().source).toBe('mariadb/0');
    expectRowsEverywhere(scene, keys);
  });

  it('a failure-threshold out of range blocks the leader naming the option, and no failover happens', async () => {
    const scene = await settled(3, 9);
    scene.model.setConfig(scene.app, { 'failure-threshold': 0 });
    scene.fleet.kill('mariadb/0');
    await scene.model.advance({ minutes: 30 });
    expect(leaderStatus(scene)).toEqual({
      status: 'blocked',
      message: 'failure-threshold must be a whole number from 1 to 100 (got 0)',
    });
    expect(scene.record().source).toBe('mariadb/0');
    scene.model.setConfig(scene.app, { 'failure-threshold': 1 });
    await scene.model.settle();
    await scene.model.advance({ minutes: 5 });
    expect(scene.record().source).not.toBe('mariadb/0');
  });
});
