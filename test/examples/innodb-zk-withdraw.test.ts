// The leader withdraws the ServerSet it mirrored when the operator empties or moves
// `discovery-zookeeper`: clients watching the old place must not keep routing to the last
// members written there. Where it mirrored survives a leader change in leader settings (Juju
// keeps leader settings for the application: juju/juju docs/reference/hook.md, leader-settings-changed).
import type { Model } from 'juju-reactive/testing';
import { describe, expect, it } from 'vitest';
import { deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import {
  MIRRORED_AT_KEY,
  WITHDRAW_KEY,
  type ZkConnector,
} from '../../examples/shared/cluster-view-publish/index.js';
import { encodeServiceInstance, readServerSet } from '../../src/discovery/serverset.js';
import { ZkError, type ZkSession } from '../../src/discovery/zk-session.js';
import { FakeZk } from '../discovery/fake-zk.js';
import { skipRealZooKeeper, useZooKeeper } from '../discovery/zookeeper.js';

const OLD = '/mysos/discover/jujuCluster';
const NEW = '/elsewhere/discover/jujuCluster';

function logs(model: Model, level: string): string[] {
  return model.trace.flatMap((e) => (e.kind === 'log' && e.level === level ? [e.message] : []));
}

/** A connector onto one shared in-memory ZooKeeper; `down` makes every connect fail. */
function fakeZooKeeper() {
  const zk = new FakeZk();
  const state = { down: false };
  const connect: ZkConnector = async (url) => {
    if (state.down)
      throw new ZkError(
        'connection',
        `cannot reach ZooKeeper at ${url.servers.join(',')} within 5000 ms`,
      );
    return Object.assign(Object.create(zk) as ZkSession, { close: async () => undefined });
  };
  return { zk, state, connect };
}

/** Three clustered units mirroring to `url` (no client relation: ZooKeeper is the only reader). */
async function mirroring(connect: ZkConnector | undefined, url: string) {
  const { model } = await deploySimulated({
    units: 3,
    seed: 7,
    charm: connect === undefined ? {} : { connectZooKeeper: connect },
  });
  model.setConfig('mysql', { 'discovery-zookeeper': url });
  expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
  return model;
}

async function reconfigure(model: Model, url: string): Promise<void> {
  model.setConfig('mysql', { 'discovery-zookeeper': url });
  expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
}

describe('mysql-innodb-cluster withdraws its ServerSet when discovery-zookeeper changes (in-memory)', () => {
  it('emptying the config withdraws the member nodes it wrote, and only those', async () => {
    const fake = fakeZooKeeper();
    const model = await mirroring(fake.connect, 'zk://10.9.0.1:2181/mysos');
    expect(await readServerSet(fake.zk, OLD)).toHaveLength(3);
    // Another writer's member (an endpoint this charm never published) stays.
    fake.zk.put(
      `${OLD}/slaves/member_0000000099`,
      encodeServiceInstance({ host: '10.99.0.1', port: 3306 }).toString(),
    );
    await reconfigure(model, '');
    const left = await readServerSet(fake.zk, OLD);
    expect(left.map((n) => n.endpoint)).toEqual([{ host: '10.99.0.1', port: 3306 }]);
    expect(model.leaderSettings('mysql')[MIRRORED_AT_KEY]).toBeUndefined();
    expect(model.leaderSettings('mysql')[WITHDRAW_KEY]).toBeUndefined();
    expect(
      logs(model, 'INFO').some((m) =>
        m.startsWith(
          `discovery-zookeeper: withdrew the cluster view from zk://10.9.0.1:2181${OLD}: removed `,
        ),
      ),
    ).toBe(true);
  });

  it('changing the path withdraws the old ServerSet and writes the new one', async () => {
    const fake = fakeZooKeeper();
    const model = await mirroring(fake.connect, 'zk://10.9.0.1:2181/mysos');
    await reconfigure(model, 'zk://10.9.0.1:2181/elsewhere');
    expect(await readServerSet(fake.zk, OLD)).toEqual([]);
    const now = await readServerSet(fake.zk, NEW);
    expect(now.filter((n) => n.group === 'master')).toHaveLength(1);
    expect(now.filter((n) => n.group === 'slaves')).toHaveLength(2);
    expect(JSON.parse(model.leaderSettings('mysql')[MIRRORED_AT_KEY] ?? '{}')).toMatchObject({
      servers: ['10.9.0.1:2181'],
      path: NEW,
    });
  });

  it('an unreachable old ZooKeeper is a logged error, not a failed hook; a later leader hook withdraws', async () => {
    const fake = fakeZooKeeper();
    const model = await mirroring(fake.connect, 'zk://10.9.0.1:2181/mysos');
    fake.state.down = true;
    await reconfigure(model, '');
    expect(await readServerSet(fake.zk, OLD)).toHaveLength(3);
    expect(logs(model, 'ERROR')).toContain(
      `discovery-zookeeper: cannot withdraw the cluster view from zk://10.9.0.1:2181${OLD}: ` +
        'cannot reach ZooKeeper at 10.9.0.1:2181 within 5000 ms; clients reading it still see the old members until a later hook succeeds',
    );
    expect(model.leaderSettings('mysql')[WITHDRAW_KEY]).toContain(OLD);
    fake.state.down = false;
    model.fireHook(model.leader('mysql') ?? '', 'update-status');
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(await readServerSet(fake.zk, OLD)).toEqual([]);
    expect(model.leaderSettings('mysql')[WITHDRAW_KEY]).toBeUndefined();
  });

  it('a new leader withdraws what the old leader could not (leader settings survive the change)', async () => {
    const fake = fakeZooKeeper();
    const model = await mirroring(fake.connect, 'zk://10.9.0.1:2181/mysos');
    fake.state.down = true;
    await reconfigure(model, 'zk://10.9.0.1:2181/elsewhere');
    const other = model.units('mysql').find((u) => u !== model.leader('mysql')) ?? '';
    model.setLeader(other);
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    fake.state.down = false;
    model.fireHook(other, 'update-status');
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(await readServerSet(fake.zk, OLD)).toEqual([]);
    expect(await readServerSet(fake.zk, NEW)).toHaveLength(3);
  });

  it('an ensemble that stays down costs one attempt per hook and does not starve the others', async () => {
    const fake = fakeZooKeeper();
    const attempts = new Map<string, number>();
    const down = new Set<string>();
    const connect: ZkConnector = async (url, options) => {
      const server = url.servers.join(',');
      attempts.set(server, (attempts.get(server) ?? 0) + 1);
      if (down.has(server))
        throw new ZkError('connection', `cannot reach ZooKeeper at ${server} within 5000 ms`);
      return fake.connect(url, options);
    };
    const model = await mirroring(connect, 'zk://10.9.0.1:2181/mysos');
    down.add('10.9.0.1:2181');
    await reconfigure(model, 'zk://10.9.0.2:2181/elsewhere');
    await reconfigure(model, 'zk://10.9.0.3:2181/third');
    // A (down) and B (up) pending: a hook that fails on A leaves B for the next, and puts A last.
    attempts.clear();
    model.fireHook(model.leader('mysql') ?? '', 'update-status');
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(await readServerSet(fake.zk, NEW)).toEqual([]);
    expect(await readServerSet(fake.zk, '/third/discover/jujuCluster')).toHaveLength(3);
    expect(await readServerSet(fake.zk, OLD)).toHaveLength(3);
    expect(attempts.get('10.9.0.1:2181')).toBe(1);
    expect(JSON.parse(model.leaderSettings('mysql')[WITHDRAW_KEY] ?? '[]')).toMatchObject([
      { servers: ['10.9.0.1:2181'], path: OLD },
    ]);
  });

  it('an invalid URL withdraws nothing (a typo does not take the members away)', async () => {
    const fake = fakeZooKeeper();
    const model = await mirroring(fake.connect, 'zk://10.9.0.1:2181/mysos');
    await reconfigure(model, 'http://10.9.0.1:2181/mysos');
    expect(await readServerSet(fake.zk, OLD)).toHaveLength(3);
    expect(model.leaderSettings('mysql')[MIRRORED_AT_KEY]).toContain(OLD);
  });

  it('pointing back at the old place keeps its members (nothing withdrawn there)', async () => {
    const fake = fakeZooKeeper();
    const model = await mirroring(fake.connect, 'zk://10.9.0.1:2181/mysos');
    fake.state.down = true;
    await reconfigure(model, 'zk://10.9.0.1:2181/elsewhere');
    fake.state.down = false;
    await reconfigure(model, 'zk://10.9.0.1:2181/mysos');
    expect(await readServerSet(fake.zk, OLD)).toHaveLength(3);
    expect(model.leaderSettings('mysql')[WITHDRAW_KEY]).toBeUndefined();
  });

  it('the URL credentials never reach leader settings; withdrawal reuses them for the same user', async () => {
    const fake = fakeZooKeeper();
    const seen: (string | undefined)[] = [];
    const connect: ZkConnector = (url, options) => {
      seen.push(url.credentials?.password);
      return fake.connect(url, options);
    };
    const model = await mirroring(connect, 'zk://u:pw-secret@10.9.0.1:2181/mysos');
    const settings = JSON.stringify(model.leaderSettings('mysql'));
    expect(settings).not.toContain('pw-secret');
    expect(JSON.parse(model.leaderSettings('mysql')[MIRRORED_AT_KEY] ?? '{}')).toMatchObject({
      user: 'u',
    });
    seen.length = 0;
    await reconfigure(model, 'zk://u:pw-secret@10.9.0.1:2181/elsewhere');
    expect(seen[0]).toBe('pw-secret');
    expect(await readServerSet(fake.zk, OLD)).toEqual([]);
  });
});

describe('mysql-innodb-cluster withdraws its ServerSet when the application is removed (goal-state: every unit dying)', () => {
  it('the stop hooks of the last units withdraw it; a scale-down keeps it', async () => {
    const fake = fakeZooKeeper();
    const model = await mirroring(fake.connect, 'zk://10.9.0.1:2181/mysos');
    model.removeUnit('mysql/2');
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(await readServerSet(fake.zk, OLD)).toHaveLength(2);
    for (const unit of model.units('mysql')) model.removeUnit(unit);
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(await readServerSet(fake.zk, OLD)).toEqual([]);
  });

  it('ZooKeeper down at removal: an error naming the nodes to remove by hand, and the removal goes on', async () => {
    const fake = fakeZooKeeper();
    const model = await mirroring(fake.connect, 'zk://10.9.0.1:2181/mysos');
    fake.state.down = true;
    for (const unit of model.units('mysql')) model.removeUnit(unit);
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    expect(model.units('mysql')).toEqual([]);
    expect(logs(model, 'ERROR').join('\n')).toContain(
      'the application is being removed but the cluster view at zk://10.9.0.1:2181/mysos/discover/jujuCluster cannot be withdrawn',
    );
  });
});

describe.skipIf(skipRealZooKeeper)(
  'mysql-innodb-cluster withdraws its ServerSet on a real ZooKeeper (Debian zookeeper, loopback)',
  () => {
    const zk = useZooKeeper();

    it('moving discovery-zookeeper to another path withdraws the old members', async () => {
      const model = await mirroring(undefined, `zk://${zk.server().address}/juju`);
      expect(await readServerSet(zk.session(), '/juju/discover/jujuCluster')).toHaveLength(3);
      await reconfigure(model, `zk://${zk.server().address}/moved`);
      expect(await readServerSet(zk.session(), '/juju/discover/jujuCluster')).toEqual([]);
      expect(await readServerSet(zk.session(), '/moved/discover/jujuCluster')).toHaveLength(3);
    }, 60_000);
  },
);
