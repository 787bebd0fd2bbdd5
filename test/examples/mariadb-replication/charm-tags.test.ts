// AdminAPI tags on the replication charm (issue 18), through model.runAction with the shared
// module's rules and messages (examples/shared/adminapi-tags, MySQL Shell's
// modules/adminapi/common/base_cluster_impl.cc): leader only, kept in leader settings (so they
// survive a leader change), listed by `options`, pruned when a unit leaves.
import { beforeEach, describe, expect, it } from 'vitest';
import { type CharmScene, deployScene } from './charm-helpers.js';

let scene: CharmScene;
beforeEach(async () => {
  scene = await deployScene({ units: 3, seed: 6, app: 'mariadb' });
  expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
});

const run = (unit: string, action: string, params: Record<string, unknown> = {}) =>
  scene.model.runAction(unit, action, params);
const leader = () => scene.model.leader(scene.app) ?? '';
type Options = { clusterName: string; defaultReplicaSet: { tags: Record<string, unknown[]> } };
const optionsOf = async (unit: string): Promise<Options> =>
  JSON.parse((await run(unit, 'options')).results['options'] ?? '{}') as Options;

describe('AdminAPI tags on mariadb-replication', () => {
  it('set-instance-option by unit name stores a built-in as Bool in leader settings; options lists it under the label', async () => {
    const result = await run(leader(), 'set-instance-option', {
      instance: 'mariadb/1',
      option: 'tag:_hidden',
      value: '"true"',
    });
    expect(result).toMatchObject({
      status: 'completed',
      results: { instance: 'mariadb/1', option: 'tag:_hidden', stored: 'true' },
    });
    expect(scene.model.leaderSettings(scene.app)['adminapi-tags-unit-mariadb-1']).toBe(
      '{"_hidden":true}',
    );
    const label = `${scene.model.unit('mariadb/1').address}:3306`;
    const options = await optionsOf('mariadb/2');
    expect(options.clusterName).toBe('mariadb');
    expect(options.defaultReplicaSet.tags[label]).toEqual([{ option: '_hidden', value: true }]);
    expect(Object.keys(options.defaultReplicaSet.tags)).toHaveLength(4); // global + 3 servers
  });

  it('set-option writes a cluster tag; a new leader keeps it', async () => {
    await run(leader(), 'set-option', { option: 'tag:location', value: '"US East"' });
    scene.model.setLeader('mariadb/2');
    await scene.model.settle();
    const options = await optionsOf('mariadb/2');
    expect(options.defaultReplicaSet.tags['global']).toEqual([
      { option: 'location', value: 'US East' },
    ]);
  });

  it('refuses on a non-leader naming the leader, and MySQL Shell errors verbatim', async () => {
    const other = await run('mariadb/1', 'set-option', { option: 'tag:a', value: '1' });
    expect(other.message).toBe(
      `set-option writes leader settings and runs on the leader only: mariadb/1 is not the leader (the leader is ${leader()}); run it on mariadb/leader`,
    );
    const ns = await run(leader(), 'set-option', { option: 'foo:bar', value: '1' });
    expect(ns.message).toBe("Namespace 'foo' not supported.");
    const stranger = await run(leader(), 'set-instance-option', {
      instance: 'other/1',
      option: 'tag:a',
      value: '1',
    });
    expect(stranger.message).toBe("The instance 'other/1' does not belong to the Cluster.");
    expect(
      Object.keys(scene.model.leaderSettings(scene.app)).filter((k) => k.includes('tags-unit')),
    ).toEqual([]);
  });

  it("removing a unit prunes its instance's tags", async () => {
    await run(leader(), 'set-instance-option', {
      instance: 'mariadb/2',
      option: 'tag:rack',
      value: '"r2"',
    });
    scene.model.removeUnit('mariadb/2');
    await scene.model.settle();
    expect(scene.model.leaderSettings(scene.app)['adminapi-tags-unit-mariadb-2']).toBeUndefined();
  });
});
