// The mysql-innodb-cluster example publishes who the primary is: a client charm related to its
// `view` endpoint (interface cluster-view) sees the members and follows a primary change; with
// `discovery-zookeeper` the leader mirrors the same members into ZooKeeper (in-memory here, and
// a real Debian ZooKeeper on loopback), and a ZooKeeper outage is logged and retried, never a
// failed hook.
import type { ClusterMember } from 'juju-reactive/interfaces/cluster-view';
import type { Model } from 'juju-reactive/testing';
import { describe, expect, it } from 'vitest';
import { localClusterAddress } from '../../examples/mysql-innodb-cluster/src/addresses.js';
import { deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import type { ZkConnector } from '../../examples/shared/cluster-view-publish/index.js';
import { readServerSet } from '../../src/discovery/serverset.js';
import { ZkError, type ZkSession } from '../../src/discovery/zk-session.js';
import { FakeZk } from '../discovery/fake-zk.js';
import { skipRealZooKeeper, useZooKeeper } from '../discovery/zookeeper.js';
import { clientCharm, clientMetadata } from '../interfaces/cluster-view/fixtures/charms.js';
import { publishedMembers } from './view-bag.js';

type Published = ClusterMember;
const published = publishedMembers;

function logs(model: Model, level: string): string[] {
  return model.trace.flatMap((e) => (e.kind === 'log' && e.level === level ? [e.message] : []));
}

/** Three clustered units and one client unit related to `view`. */
async function deployed(connect?: ZkConnector, config: Record<string, unknown> = {}) {
  const deployment = await deploySimulated({
    units: 3,
    seed: 7,
    charm: connect === undefined ? {} : { connectZooKeeper: connect },
  });
  const { model } = deployment;
  if (Object.keys(config).length > 0) model.setConfig('mysql', config);
  await model.deploy('app', { charm: clientCharm, metadata: clientMetadata, units: 1 });
  model.relate('app:db', 'mysql:view');
  const report = await model.settle();
  expect(report).toMatchObject({ settled: true, hooksFailed: 0 });
  return deployment;
}

/** The unit whose instance is the cluster's primary, by the published view. */
function primaryUnit(model: Model): Published {
  const primary = published(model).find((m) => m.role === 'PRIMARY');
  if (primary === undefined) throw new Error('no primary published');
  return primary;
}

/** A connector onto one shared in-memory ZooKeeper; `down` makes every connect fail. */
function fakeZooKeeper() {
  const zk = new FakeZk();
  const state = { down: false, opened: 0 };
  const connect: ZkConnector = async (url) => {
    if (state.down)
      throw new ZkError(
        'connection',
        `cannot reach ZooKeeper at ${url.servers.join(',')} within 5000 ms`,
      );
    state.opened++;
    return Object.assign(Object.create(zk) as ZkSession, { close: async () => undefined });
  };
  return { zk, state, connect };
}

describe('mysql-innodb-cluster publishes the cluster view', () => {
  it('the client sees every member, one PRIMARY, with weights from config', async () => {
    const { model } = await deployed(undefined, { weight: '1, mysql/2=3' });
    const members = published(model);
    expect(members.map((m) => m.name)).toEqual(['mysql/0', 'mysql/1', 'mysql/2']);
    expect(members.filter((m) => m.role === 'PRIMARY')).toHaveLength(1);
    expect(members.filter((m) => m.role === 'SECONDARY')).toHaveLength(2);
    expect(members.map((m) => m.weight)).toEqual([1, 1, 3]);
    expect(members.map((m) => m.address)).toEqual(
      ['mysql/0', 'mysql/1', 'mysql/2'].map((u) => model.unit(u).address),
    );
    const primary = primaryUnit(model);
    expect(model.unit('app/0').flags).toContain('db.available');
    expect(model.unit('app/0').data['primaries']).toEqual([`${primary.name}@${primary.address}`]);
  });

  it('after the primary unit is removed, the client follows the new primary and the generation grows', async () => {
    const { model, cluster } = await deployed();
    const [relation] = model.relationIds('mysql', 'view');
    const before = Number(model.relationData(relation ?? '', 'mysql')['generation']);
    const old = primaryUnit(model);
    model.removeUnit(old.name);
    const report = await model.settle();
    expect(report).toMatchObject({ settled: true, hooksFailed: 0 });
    const now = primaryUnit(model);
    expect(now.name).not.toBe(old.name);
    expect(published(model).map((m) => m.name)).not.toContain(old.name);
    expect([...cluster.members]).toContain(now.address);
    expect(Number(model.relationData(relation ?? '', 'mysql')['generation'])).toBeGreaterThan(
      before,
    );
    expect(model.unit('app/0').data['primaries']).toEqual([
      `${old.name}@${old.address}`,
      `${now.name}@${now.address}`,
    ]);
  });

  it('a cluster status that cannot be read keeps the published view and fails no hook', async () => {
    let broken = false;
    const deployment = await deploySimulated({
      units: 3,
      seed: 7,
      backendFor: (rt, cluster) => {
        const backend = cluster.backendFor(localClusterAddress(rt));
        const operations = backend.cluster;
        // The simulated backend's methods live on its prototype: override status only.
        const failing = Object.create(operations) as typeof operations;
        failing.status = async (...args) => {
          if (broken) throw new Error('mysqlsh exited 1: the cluster is unreachable');
          return operations.status(...args);
        };
        return { users: backend.users, cluster: failing };
      },
    });
    const { model } = deployment;
    await model.deploy('app', { charm: clientCharm, metadata: clientMetadata, units: 1 });
    model.relate('app:db', 'mysql:view');
    await model.settle();
    const before = published(model);
    expect(before).toHaveLength(3);
    broken = true;
    const leader = model.leader('mysql') ?? '';
    model.fireHook(leader, 'update-status');
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(published(model)).toEqual(before);
    expect(logs(model, 'WARNING')).toContain(
      'cannot read the cluster status to publish the view: mysqlsh exited 1: the cluster is unreachable; the published view stays as it was',
    );
  });

  it('a bad weight config is logged and every member gets weight 1', async () => {
    const { model } = await deployed(undefined, { weight: 'mysql/1=heavy' });
    expect(published(model).map((m) => m.weight)).toEqual([1, 1, 1]);
    expect(logs(model, 'ERROR')).toContain(
      'weight: mysql/1 must be a number greater than 0 and at most 1000; publishing every member with weight 1',
    );
  });
});

describe('mysql-innodb-cluster mirrors the view into ZooKeeper (in-memory)', () => {
  it('writes the primary to master and the secondaries to slaves under <path>/discover/<cluster-name>', async () => {
    const fake = fakeZooKeeper();
    const { model } = await deployed(fake.connect, {
      'discovery-zookeeper': 'zk://10.9.0.1:2181/mysos',
    });
    const nodes = await readServerSet(fake.zk, '/mysos/discover/jujuCluster');
    const primary = primaryUnit(model);
    expect(nodes.filter((n) => n.group === 'master').map((n) => n.endpoint)).toEqual([
      { host: primary.address, port: 3306 },
    ]);
    expect(nodes.filter((n) => n.group === 'slaves')).toHaveLength(2);
  });

  it('a promotion keeps the member id in ZooKeeper (Mysos promote_member)', async () => {
    const fake = fakeZooKeeper();
    const { model } = await deployed(fake.connect, {
      'discovery-zookeeper': 'zk://10.9.0.1:2181/mysos',
    });
    const path = '/mysos/discover/jujuCluster';
    const old = primaryUnit(model);
    model.removeUnit(old.name);
    await model.settle();
    const now = primaryUnit(model);
    const before = fake.zk.writes.filter((w) => w.startsWith(`create ${path}/slaves/member_`));
    const nodes = await readServerSet(fake.zk, path);
    const master = nodes.find((n) => n.group === 'master');
    expect(master?.endpoint).toEqual({ host: now.address, port: 3306 });
    expect(before.map((w) => w.split('/').pop())).toContain(master?.id);
    expect(nodes.filter((n) => n.group === 'slaves')).toHaveLength(1);
  });

  it('ZooKeeper down: the leader logs an error and its hooks succeed; a later hook mirrors', async () => {
    const fake = fakeZooKeeper();
    fake.state.down = true;
    const { model } = await deployed(fake.connect, {
      'discovery-zookeeper': 'zk://u:pw-123@10.9.0.1:2181/m',
    });
    for (const unit of model.units('mysql')) expect(model.unit(unit).inError).toBe(false);
    expect(published(model)).toHaveLength(3); // the relation is published regardless
    const errors = logs(model, 'ERROR').filter((m) => m.startsWith('discovery-zookeeper'));
    expect(errors[0]).toBe(
      'discovery-zookeeper: cannot mirror the cluster view to ZooKeeper at zk://u:***@10.9.0.1:2181/m: ' +
        'cannot reach ZooKeeper at 10.9.0.1:2181 within 5000 ms; clients reading ZooKeeper see the previous view until a later hook succeeds',
    );
    expect(JSON.stringify(model.trace)).not.toContain('pw-123');
    expect(await readServerSet(fake.zk, '/m/discover/jujuCluster')).toEqual([]);
    fake.state.down = false;
    model.fireHook(model.leader('mysql') ?? '', 'update-status');
    await model.settle();
    expect(await readServerSet(fake.zk, '/m/discover/jujuCluster')).toHaveLength(3);
    // Mirrored once: later hooks with the same members open no session.
    const opened = fake.state.opened;
    model.fireHook(model.leader('mysql') ?? '', 'update-status');
    await model.settle();
    expect(fake.state.opened).toBe(opened);
  });

  it('an invalid discovery-zookeeper URL is a logged error, not a failed hook', async () => {
    const fake = fakeZooKeeper();
    const { model } = await deployed(fake.connect, { 'discovery-zookeeper': 'http://zk:2181/m' });
    for (const unit of model.units('mysql')) expect(model.unit(unit).inError).toBe(false);
    expect(
      logs(model, 'ERROR').some(
        (m) =>
          m.startsWith('discovery-zookeeper: ') && m.endsWith('; not mirroring the cluster view'),
      ),
    ).toBe(true);
    expect(fake.state.opened).toBe(0);
  });

  it('a new leader mirrors again (idempotent: nothing changes in ZooKeeper)', async () => {
    const fake = fakeZooKeeper();
    const { model } = await deployed(fake.connect, {
      'discovery-zookeeper': 'zk://10.9.0.1:2181/mysos',
    });
    const writes = fake.zk.writes.length;
    const opened = fake.state.opened;
    const other = model.units('mysql').find((u) => u !== model.leader('mysql')) ?? '';
    model.setLeader(other);
    await model.settle();
    expect(fake.state.opened).toBeGreaterThan(opened);
    expect(fake.zk.writes).toHaveLength(writes);
  });
});

describe.skipIf(skipRealZooKeeper)(
  'mysql-innodb-cluster on a real ZooKeeper (Debian zookeeper, loopback)',
  () => {
    const zk = useZooKeeper();

    it('the leader mirrors the members and follows the primary after its unit is removed', async () => {
      const url = `zk://${zk.server().address}/juju`;
      const { model } = await deployed(undefined, { 'discovery-zookeeper': url });
      const path = '/juju/discover/jujuCluster';
      const first = await readServerSet(zk.session(), path);
      const old = primaryUnit(model);
      expect(first.filter((n) => n.group === 'master').map((n) => n.endpoint?.host)).toEqual([
        old.address,
      ]);
      expect(first.filter((n) => n.group === 'slaves')).toHaveLength(2);
      model.removeUnit(old.name);
      expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
      const now = primaryUnit(model);
      const after = await readServerSet(zk.session(), path);
      const master = after.find((n) => n.group === 'master');
      expect(master?.endpoint?.host).toBe(now.address);
      expect(first.find((n) => n.endpoint?.host === now.address)?.id).toBe(master?.id);
      expect(after.map((n) => n.endpoint?.host)).not.toContain(old.address);
    }, 60_000);
  },
);
