// The replication charm's leader withdraws the ServerSet it mirrored when `discovery-zookeeper`
// moves to another path: the old place must not keep showing the members (clients watching it
// would keep routing to them). Shared with mysql-innodb-cluster (examples/shared/cluster-view-publish/withdraw.ts).
import { describe, expect, it } from 'vitest';
import type { ZkConnector } from '../../../examples/shared/cluster-view-publish/index.js';
import { readServerSet } from '../../../src/discovery/serverset.js';
import type { ZkSession } from '../../../src/discovery/zk-session.js';
import { FakeZk } from '../../discovery/fake-zk.js';
import { deployScene } from './charm-helpers.js';

const APP = 'mariadb';

/** Three settled units mirroring to zk://10.9.0.1:2181/mysos on one in-memory ZooKeeper. */
async function mirroring(seed: number) {
  const zk = new FakeZk();
  const connect: ZkConnector = async () =>
    Object.assign(Object.create(zk) as ZkSession, { close: async () => undefined });
  const scene = await deployScene({
    units: 3,
    seed,
    app: APP,
    config: { 'discovery-zookeeper': 'zk://10.9.0.1:2181/mysos' },
    charm: { connectZooKeeper: connect },
  });
  expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
  return { zk, scene };
}

describe('mariadb-replication withdraws its ServerSet when discovery-zookeeper changes (in-memory)', () => {
  it('moving the path withdraws the old members and writes the new place; emptying it withdraws those', async () => {
    const { zk, scene } = await mirroring(11);
    expect(await readServerSet(zk, `/mysos/discover/${APP}`)).toHaveLength(3);

    scene.model.setConfig(APP, { 'discovery-zookeeper': 'zk://10.9.0.1:2181/moved' });
    expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(await readServerSet(zk, `/mysos/discover/${APP}`)).toEqual([]);
    expect(await readServerSet(zk, `/moved/discover/${APP}`)).toHaveLength(3);

    scene.model.setConfig(APP, { 'discovery-zookeeper': '' });
    expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(await readServerSet(zk, `/moved/discover/${APP}`)).toEqual([]);
  });

  it('removing every unit (the application going away: goal-state shows them all dying) withdraws the members; removing one does not', async () => {
    const { zk, scene } = await mirroring(12);
    const path = `/mysos/discover/${APP}`;
    expect(await readServerSet(zk, path)).toHaveLength(3);

    // One unit removed (a scale-down): the others stay alive, the view stays (now 2 members).
    scene.model.removeUnit('mariadb/2');
    expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(await readServerSet(zk, path)).toHaveLength(2);

    // Every remaining unit removed at once, as `juju remove-application` makes them all dying.
    for (const unit of scene.model.units(APP)) scene.model.removeUnit(unit);
    expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(scene.model.units(APP)).toEqual([]);
    expect(await readServerSet(zk, path)).toEqual([]);
    const withdrew = scene.model.trace.filter(
      (e) => e.kind === 'log' && e.message.includes('the application is being removed: withdrew'),
    );
    expect(withdrew.length).toBeGreaterThan(0);
  });
});
