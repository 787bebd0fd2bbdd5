// mirrorView: the ServerSet mirror with a connect timeout and a deadline, on the in-memory
// ZooKeeper and against a port where nothing listens.
import { describe, expect, it } from 'vitest';
import {
  mirrorView,
  type ZkConnector,
} from '../../../examples/shared/cluster-view-publish/index.js';
import { readServerSet } from '../../../src/discovery/serverset.js';
import { ZkError, type ZkSession } from '../../../src/discovery/zk-session.js';
import { ZkUrlError } from '../../../src/discovery/zk-url.js';
import { member } from '../../discovery/builders.js';
import { FakeZk } from '../../discovery/fake-zk.js';
import { freePort } from '../../discovery/zookeeper.js';

const MEMBERS = [member(0, 'PRIMARY'), member(1, 'SECONDARY'), member(2, 'SECONDARY')];

function fakeConnector(zk: FakeZk, closed: string[] = []): ZkConnector {
  return async (url) => {
    closed.push(`open ${url.servers.join(',')}`);
    return Object.assign(Object.create(zk) as ZkSession, {
      close: async () => {
        closed.push('close');
      },
    });
  };
}

describe('mirrorView', () => {
  it('writes the serving members under <path>/discover/<cluster> and closes its session', async () => {
    const zk = new FakeZk();
    const log: string[] = [];
    const report = await mirrorView({
      url: 'zk://10.0.0.5:2181/mysos',
      cluster: 'shop',
      members: MEMBERS,
      connect: fakeConnector(zk, log),
    });
    expect(report.created).toHaveLength(3);
    expect(report.promoted).toHaveLength(1);
    const nodes = await readServerSet(zk, '/mysos/discover/shop');
    expect(nodes.map((n) => `${n.group} ${n.endpoint?.host}`).sort()).toEqual([
      'master 10.1.0.10',
      'slaves 10.1.0.11',
      'slaves 10.1.0.12',
    ]);
    expect(log).toEqual(['open 10.0.0.5:2181', 'close']);
  });

  it('changes nothing when called again with the same members (a retried hook)', async () => {
    const zk = new FakeZk();
    const options = {
      url: 'zk://z:2181/m',
      cluster: 'c',
      members: MEMBERS,
      connect: fakeConnector(zk),
    };
    await mirrorView(options);
    const writes = zk.writes.length;
    const again = await mirrorView(options);
    expect(again).toEqual({ created: [], promoted: [], removed: [], rewritten: [] });
    expect(zk.writes).toHaveLength(writes);
  });

  it('withdraws a member that became hidden', async () => {
    const zk = new FakeZk();
    const base = { url: 'zk://z:2181/m', cluster: 'c', connect: fakeConnector(zk) };
    await mirrorView({ ...base, members: MEMBERS });
    const hidden = [MEMBERS[0], { ...member(1, 'SECONDARY'), hidden: true }, MEMBERS[2]].filter(
      (m) => m !== undefined,
    );
    const report = await mirrorView({ ...base, members: hidden });
    expect(report.removed).toHaveLength(1);
    const nodes = await readServerSet(zk, '/m/discover/c');
    expect(nodes.map((n) => n.endpoint?.host).sort()).toEqual(['10.1.0.10', '10.1.0.12']);
  });

  it('refuses a bad URL with ZkUrlError before connecting', async () => {
    const log: string[] = [];
    await expect(
      mirrorView({
        url: 'http://z/m',
        cluster: 'c',
        members: MEMBERS,
        connect: fakeConnector(new FakeZk(), log),
      }),
    ).rejects.toBeInstanceOf(ZkUrlError);
    expect(log).toEqual([]);
  });

  it('gives up at the deadline when ZooKeeper stops answering, and closes the session', async () => {
    const log: string[] = [];
    const stuck: ZkConnector = async () => ({
      children: () => new Promise(() => undefined),
      data: () => new Promise(() => undefined),
      mkdirp: () => new Promise(() => undefined),
      createSequential: () => new Promise(() => undefined),
      multi: () => new Promise(() => undefined),
      close: async () => {
        log.push('close');
      },
    });
    const started = Date.now();
    const error = await mirrorView({
      url: 'zk://z:2181/m',
      cluster: 'c',
      members: MEMBERS,
      connect: stuck,
      deadlineMs: 200,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZkError);
    expect((error as ZkError).kind).toBe('connection');
    expect((error as ZkError).message).toBe(
      'no answer from ZooKeeper at zk://z:2181/m within 200 ms',
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(log).toEqual(['close']);
  });

  it('fails within the connect timeout when nothing listens (real node-zookeeper-client), never naming the credentials', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await mirrorView({
      url: `zk://user:s3cret-pw@127.0.0.1:${port}/m`,
      cluster: 'c',
      members: MEMBERS,
      connectTimeoutMs: 300,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZkError);
    expect((error as ZkError).message).toBe(
      `cannot reach ZooKeeper at 127.0.0.1:${port} within 300 ms`,
    );
    expect(String((error as Error).message)).not.toContain('s3cret-pw');
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
