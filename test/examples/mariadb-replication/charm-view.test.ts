// The replication charm publishes who the source is (issue 19): a client charm related to its
// `view` endpoint (interface cluster-view) sees the recorded source as PRIMARY, follows a
// failover in the hook that decided it (`{endpoint}.primary.changed`), and sees a replica the
// operator hid with `tag:_hidden` as hidden; with `discovery-zookeeper` the leader mirrors the
// same members into ZooKeeper (in-memory here) as a Mysos ServerSet.
import type { ClusterMember } from 'juju-reactive/interfaces/cluster-view';
import { describe, expect, it } from 'vitest';
import type { ZkConnector } from '../../../examples/shared/cluster-view-publish/index.js';
import { readServerSet } from '../../../src/discovery/serverset.js';
import { clientCharm, clientMetadata } from '../../interfaces/cluster-view/fixtures/charms.js';
import { memoryZooKeeper, publishedMembers } from '../view-bag.js';
import { advanceUntilNewSource, type CharmScene, deployScene } from './charm-helpers.js';

const APP = 'mariadb';
const published = (scene: CharmScene) => publishedMembers(scene.model, APP);
const roles = (scene: CharmScene) =>
  Object.fromEntries(published(scene).map((m) => [m.name, m.role]));
const primaryOf = (scene: CharmScene): ClusterMember | undefined =>
  published(scene).find((m) => m.role === 'PRIMARY');
const leader = (scene: CharmScene) => scene.model.leader(APP) ?? '';

/** Three units, settled, and a client unit related to `view`. */
async function deployed(
  config: Record<string, string> = {},
  connectZooKeeper?: ZkConnector,
): Promise<CharmScene> {
  const scene = await deployScene({
    units: 3,
    seed: 11,
    app: APP,
    config,
    ...(connectZooKeeper && { charm: { connectZooKeeper } }),
  });
  await scene.model.deploy('app', { charm: clientCharm, metadata: clientMetadata, units: 1 });
  scene.model.relate('app:db', `${APP}:view`);
  expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
  return scene;
}

describe('mariadb-replication publishes the cluster view', () => {
  it('the client sees the recorded source as PRIMARY (read_write) and the replicas as SECONDARY, weights from config', async () => {
    const scene = await deployed({ weight: '1, mariadb/2=3' });
    const source = scene.record().source ?? '';
    expect(roles(scene)).toEqual({
      'mariadb/0': 'SECONDARY',
      'mariadb/1': 'SECONDARY',
      'mariadb/2': 'SECONDARY',
      [source]: 'PRIMARY',
    });
    const members = published(scene);
    expect(members.map((m) => [m.address, m.port, m.mode, m.weight])).toEqual(
      ['mariadb/0', 'mariadb/1', 'mariadb/2'].map((u) => [
        scene.model.unit(u).address,
        3306,
        u === source ? 'read_write' : 'read_only',
        u === 'mariadb/2' ? 3 : 1,
      ]),
    );
    expect(scene.model.unit('app/0').flags).toContain('db.available');
    expect(scene.model.unit('app/0').data['primaries']).toEqual([
      `${source}@${scene.model.unit(source).address}`,
    ]);
  });

  it('after the source is killed the client follows the failover: the view changes in the hook that commits the new source; the old source is FAULTY, then SECONDARY once it rejoins', async () => {
    const scene = await deployed();
    const [relation] = scene.model.relationIds(APP, 'view');
    const generation = () => Number(scene.model.relationData(relation ?? '', APP)['generation']);
    const before = generation();
    const old = scene.record().source ?? '';
    scene.fleet.kill(old);
    // Minute by minute: whatever the leader committed, the published PRIMARY is the same unit.
    const start = scene.model.now;
    for (let i = 0; i < 60 && scene.record().source === old; i++) {
      await scene.model.advance({ minutes: 1 });
      expect(primaryOf(scene)?.name).toBe(scene.record().source);
    }
    expect(scene.model.now - start).toBeGreaterThan(0);
    const now = scene.record().source ?? '';
    expect(now).not.toBe(old);
    expect(roles(scene)[old]).toBe('FAULTY');
    expect(generation()).toBeGreaterThan(before);
    await scene.model.settle();
    expect(scene.model.unit('app/0').data['primaries']).toEqual([
      `${old}@${scene.model.unit(old).address}`,
      `${now}@${scene.model.unit(now).address}`,
    ]);
    scene.fleet.restart(old);
    await scene.model.advance({ minutes: 20 });
    expect(roles(scene)[old]).toBe('SECONDARY');
    expect(primaryOf(scene)?.name).toBe(now);
  });

  it('the switchover action publishes its target as PRIMARY within the action', async () => {
    const scene = await deployed();
    const target = scene.model.units(APP).find((u) => u !== scene.record().source) ?? '';
    const result = await scene.model.runAction(leader(scene), 'switchover', { target });
    expect(result.status).toBe('completed');
    expect(primaryOf(scene)?.name).toBe(target);
    expect(published(scene).filter((m) => m.role === 'PRIMARY')).toHaveLength(1);
  });

  it('set-instance-option tag:_hidden hides the replica from the view within the action; null brings it back', async () => {
    const scene = await deployed();
    const replica = scene.model.units(APP).find((u) => u !== scene.record().source) ?? '';
    const hide = await scene.model.runAction(leader(scene), 'set-instance-option', {
      instance: replica,
      option: 'tag:_hidden',
      value: 'true',
    });
    expect(hide.status).toBe('completed');
    const hidden = published(scene).find((m) => m.name === replica);
    expect(hidden).toMatchObject({ role: 'SECONDARY', hidden: true, disconnect: true });
    expect(published(scene).filter((m) => m.hidden)).toHaveLength(1);
    await scene.model.runAction(leader(scene), 'set-instance-option', {
      instance: replica,
      option: 'tag:_disconnect_existing_sessions_when_hidden',
      value: 'false',
    });
    expect(published(scene).find((m) => m.name === replica)).toMatchObject({
      hidden: true,
      disconnect: false,
    });
    await scene.model.runAction(leader(scene), 'set-instance-option', {
      instance: replica,
      option: 'tag:_hidden',
      value: 'null',
    });
    expect(published(scene).find((m) => m.name === replica)?.hidden).toBe(false);
  });
});

describe('mariadb-replication view: late clients and leader changes', () => {
  it('a client related after the topology settled gets the view from the leader in view-relation-joined', async () => {
    const scene = await deployScene({ units: 3, seed: 12, app: APP });
    expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    await scene.model.deploy('app', { charm: clientCharm, metadata: clientMetadata, units: 1 });
    scene.model.relate('app:db', `${APP}:view`);
    expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(primaryOf(scene)?.name).toBe(scene.record().source);
    expect(published(scene)).toHaveLength(3);
    const hooks = scene.model.timeline(leader(scene)).map((e) => e.hook);
    expect(hooks).toContain('view-relation-joined');
  });

  it('a hidden replica stays hidden after a leader change (the tags live in leader settings)', async () => {
    const scene = await deployed();
    const replica = scene.model.units(APP).find((u) => u !== scene.record().source) ?? '';
    await scene.model.runAction(leader(scene), 'set-instance-option', {
      instance: replica,
      option: 'tag:_hidden',
      value: 'true',
    });
    const other = scene.model.units(APP).find((u) => u !== leader(scene) && u !== replica) ?? '';
    scene.model.setLeader(other);
    expect(await scene.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(leader(scene)).toBe(other);
    await scene.model.advance({ minutes: 10 });
    expect(published(scene).find((m) => m.name === replica)?.hidden).toBe(true);
    expect(primaryOf(scene)?.name).toBe(scene.record().source);
  });
});

describe('mariadb-replication mirrors the view into ZooKeeper (in-memory)', () => {
  it('the source under master, the replicas under slaves; a failover moves the new source keeping its member id (Mysos promote_member)', async () => {
    const fake = memoryZooKeeper();
    const scene = await deployed(
      { 'discovery-zookeeper': 'zk://10.9.0.1:2181/mysos' },
      fake.connect,
    );
    const path = `/mysos/discover/${APP}`;
    const first = await readServerSet(fake.zk, path);
    const old = scene.record().source ?? '';
    expect(first.filter((n) => n.group === 'master').map((n) => n.endpoint)).toEqual([
      { host: scene.model.unit(old).address, port: 3306 },
    ]);
    expect(first.filter((n) => n.group === 'slaves')).toHaveLength(2);
    scene.fleet.kill(old);
    await advanceUntilNewSource(scene);
    const now = scene.record().source ?? '';
    const after = await readServerSet(fake.zk, path);
    const master = after.find((n) => n.group === 'master');
    expect(master?.endpoint).toEqual({ host: scene.model.unit(now).address, port: 3306 });
    expect(first.find((n) => n.endpoint?.host === scene.model.unit(now).address)?.id).toBe(
      master?.id,
    );
    // The FAULTY old source is no candidate: withdrawn from the ServerSet.
    expect(after.map((n) => n.endpoint?.host)).not.toContain(scene.model.unit(old).address);
  });
});
