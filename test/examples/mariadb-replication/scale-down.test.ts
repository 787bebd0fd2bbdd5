// Scale-down through the charm on a simulated model: `juju remove-unit` of the source's unit.
// Juju runs the departing unit's teardown (its -departed hooks, stop, remove: worker/uniter/
// resolver.go nextOp, case Dying) while each peer runs cluster-relation-departed for it with
// JUJU_DEPARTING_UNIT set (worker/uniter/runner/context/context.go HookVars). The leader moves
// the source the planned way (fence, catch-up, promote) in that hook: writes the replicas had
// not fetched yet survive; the removed server is left read-only (fenced by its own stop hook).
import { describe, expect, it } from 'vitest';
import {
  type CharmScene,
  deployScene,
  expectCharmConverged,
  expectRowsEverywhere,
  writeThroughSource,
} from './charm-helpers.js';

async function settled(units: number, seed: number): Promise<CharmScene> {
  const scene = await deployScene({ units, seed, app: 'mariadb' });
  expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
  expect(scene.record()).toMatchObject({ source: 'mariadb/0', generation: 1 });
  return scene;
}

/** Writes the source acknowledged and no replica fetched yet (no replication tick). */
function unreplicatedWrites(scene: CharmScene, prefix: string, count: number): string[] {
  const source = scene.record().source ?? '';
  return Array.from({ length: count }, (_, i) => {
    const key = `${prefix}-${i}`;
    expect(scene.fleet.write(source, key, `v-${i}`)).toMatchObject({ ok: true });
    return key;
  });
}

describe.each([3, 5])('removing the source unit of %i units', (units) => {
  describe.each([1, 2, 3])('seed %i', (seed) => {
    it('worker/uniter/resolver.go Dying + JUJU_DEPARTING_UNIT: the leader fences the departing source, then promotes, in its -departed hook; no write lost; the removed server stays read-only', async () => {
      const scene = await settled(units, seed);
      scene.model.setLeader('mariadb/1');
      expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
      const replicated = writeThroughSource(scene, 'old', 5);
      const pending = unreplicatedWrites(scene, 'late', 5);
      const before = scene.record().generation;
      const logFrom = scene.backend.log.length;

      scene.model.removeUnit('mariadb/0');
      expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });

      const record = scene.record();
      expect(record.source).not.toBe('mariadb/0');
      expect([record.source, ...record.replicas].sort()).toEqual(scene.model.units(scene.app));
      expect(record.generation).toBe(before + 1);
      // The record changed in the leader's -departed hook for the source, not later.
      const moved = scene.model
        .timeline('mariadb/1')
        .filter((e) => e.ok && e.leaderKeys.includes('replication-topology'))
        .at(-1);
      expect(moved).toMatchObject({
        hook: 'cluster-relation-departed',
        remoteUnit: 'mariadb/0',
        departingUnit: 'mariadb/0',
      });
      // Planned: the departing source is fenced before anything is promoted, so no client write
      // lands on it after the new source took over.
      const steps = scene.backend.log.slice(logFrom);
      const fenced = steps.indexOf('fence mariadb/0');
      const promoted = steps.findIndex((l) => l.startsWith('promote '));
      expect(fenced, 'the departing source was fenced').toBeGreaterThanOrEqual(0);
      expect(fenced).toBeLessThan(promoted);
      expectRowsEverywhere(scene, [...replicated, ...pending]);
      expect(scene.fleet.server('mariadb/0').readOnly, 'the removed server stays read-only').toBe(
        true,
      );
      expect(scene.fleet.write(record.source ?? '', 'after', 'ok')).toMatchObject({ ok: true });
      await scene.model.advance({ minutes: 10 });
      expectCharmConverged(scene);
    });
  });
});

describe('removing the leader when it is also the source', () => {
  it('the next leader moves the source in its -departed hook for the old one; nothing is lost', async () => {
    const scene = await settled(3, 1);
    expect(scene.model.leader(scene.app)).toBe('mariadb/0');
    const keys = [...writeThroughSource(scene, 'old', 5), ...unreplicatedWrites(scene, 'late', 5)];
    scene.model.removeUnit('mariadb/0');
    expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(scene.model.leader(scene.app)).not.toBe('mariadb/0');
    expect(scene.record().source).not.toBe('mariadb/0');
    expectRowsEverywhere(scene, keys);
    expect(scene.fleet.server('mariadb/0').readOnly).toBe(true);
    await scene.model.advance({ minutes: 10 });
    expectCharmConverged(scene);
  });

  it('a clustered unit below the minimum after a scale-down shows its role, not "waiting for peers"', async () => {
    const scene = await settled(3, 2);
    scene.model.removeUnit('mariadb/2');
    expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    const leader = scene.model.leader(scene.app) ?? '';
    const other = scene.model.units(scene.app).find((u) => u !== leader) ?? '';
    const status = scene.model.unit(other).status;
    expect(status.status).toBe('active');
    expect(status.message).toMatch(
      /^(source \(read-write\)|replica of mariadb\/\d \(read-only\))$/,
    );
  });
});

describe('a source unit removed after its server died', () => {
  it('the leader cannot reach it: the regular check promotes the most advanced replica at once', async () => {
    const scene = await settled(3, 3);
    scene.model.setLeader('mariadb/1');
    await scene.model.settle();
    const keys = writeThroughSource(scene, 'old', 5);
    scene.fleet.kill('mariadb/0');
    scene.model.removeUnit('mariadb/0');
    expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(scene.record().source).toMatch(/^mariadb\/[12]$/);
    expectRowsEverywhere(scene, keys);
    await scene.model.advance({ minutes: 10 });
    expectCharmConverged(scene);
  });
});
