// A replica hidden from clients (instance tag `_hidden`: MySQL Router excludes it from the
// application's destinations, seed 003) is not promoted while another server can take over:
// as the source it would receive no client connection. When it is the only one left, it is
// promoted, with an alert telling the operator to clear the tag.
import { describe, expect, it } from 'vitest';
import {
  advanceUntilNewSource,
  type CharmScene,
  deployScene,
  expectCharmConverged,
  writeThroughSource,
} from './charm-helpers.js';

async function settledWithHidden(seed: number, hidden: string): Promise<CharmScene> {
  const scene = await deployScene({ units: 3, seed, app: 'mariadb' });
  expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
  const leader = scene.model.leader(scene.app) ?? '';
  const tagged = await scene.model.runAction(leader, 'set-instance-option', {
    instance: hidden,
    option: 'tag:_hidden',
    value: 'true',
  });
  expect(tagged.status).toBe('completed');
  return scene;
}

const warnings = (scene: CharmScene, text: string) =>
  scene.model.trace.filter(
    (e) => e.kind === 'log' && e.level === 'WARNING' && e.message.includes(text),
  );

describe('failover and hidden instances (tag:_hidden)', () => {
  it.each([1, 2, 3])(
    'seed %i: the source killed; the visible replica is promoted, not the hidden one that ranks first by unit name',
    async (seed) => {
      const scene = await settledWithHidden(seed, 'mariadb/1');
      writeThroughSource(scene, 'h', 5); // both replicas hold the same GTIDs: a tie
      scene.fleet.kill('mariadb/0');
      await advanceUntilNewSource(scene);
      expect(scene.record().source).toBe('mariadb/2');
      expect(warnings(scene, 'hides from clients')).toEqual([]);
      scene.fleet.restart('mariadb/0');
      await scene.model.advance({ minutes: 20 });
      expectCharmConverged(scene);
    },
  );

  it('the hidden replica is the only one left: promoted, with an alert naming the tag to clear', async () => {
    const scene = await settledWithHidden(4, 'mariadb/1');
    writeThroughSource(scene, 'h', 5);
    scene.fleet.kill('mariadb/2');
    scene.fleet.kill('mariadb/0');
    await advanceUntilNewSource(scene);
    expect(scene.record().source).toBe('mariadb/1');
    const alert = warnings(scene, 'mariadb/1, which its _hidden tag hides from clients');
    expect(alert.length).toBeGreaterThan(0);
    expect(JSON.stringify(alert[0])).toContain('option=tag:_hidden value=false');
  });

  it('switchover without a target picks the visible replica', async () => {
    const scene = await settledWithHidden(5, 'mariadb/1');
    const leader = scene.model.leader(scene.app) ?? '';
    const result = await scene.model.runAction(leader, 'switchover', {});
    expect(result.status).toBe('completed');
    expect(scene.record().source).toBe('mariadb/2');
  });
});
