// View sources: a static list, a cluster-view relation, and a watched ZooKeeper ServerSet
// (on the in-memory fake and on a real ZooKeeper started by this file).
import {
  ClusterClient,
  ClusterClientError,
  relationView,
  staticView,
  zookeeperView,
} from 'juju-reactive/client';
import { describe, expect, it } from 'vitest';
import { mirrorServerSet } from '../../src/discovery/serverset.js';
import type { ZkSession } from '../../src/discovery/zk-session.js';
import { FakeZk } from '../discovery/fake-zk.js';
import { skipRealZooKeeper, useZooKeeper } from '../discovery/zookeeper.js';
import { type FakeConnection, FakeFactory, ManualClock, member } from './builders.js';

describe('staticView', () => {
  it('serves the given members as generation 1', async () => {
    expect(await staticView([member(0, 'PRIMARY')]).read()).toEqual({
      generation: 1,
      members: [member(0, 'PRIMARY')],
    });
  });
});

describe('relationView', () => {
  it('serves what the relation holds now, and says so when it holds nothing valid', async () => {
    let view: { generation: number; members: ReturnType<typeof member>[] } | undefined;
    const source = relationView(() => view);
    await expect(source.read()).rejects.toThrow(ClusterClientError);
    view = { generation: 4, members: [member(1, 'PRIMARY')] };
    expect((await source.read()).generation).toBe(4);
  });
});

function zkSuite(label: string, session: () => ZkSession) {
  let n = 0;
  describe(`zookeeperView (${label})`, () => {
    it('reads master as the PRIMARY and slaves as SECONDARY members', async () => {
      const zk = session();
      const root = `/v${label}${++n}`;
      await mirrorServerSet(zk, `${root}/discover/shop`, [
        member(0, 'PRIMARY'),
        member(1, 'SECONDARY'),
      ]);
      const source = zookeeperView({
        url: `zk://127.0.0.1:2181${root}`,
        cluster: 'shop',
        session: zk,
      });
      const view = await source.read();
      expect(view.members.map((m) => `${m.role} ${m.address}:${m.port}`)).toEqual([
        'PRIMARY 10.1.0.10:3306',
        'SECONDARY 10.1.0.11:3306',
      ]);
    });

    it('tells the client to drop its cache when the ServerSet changes (watch), within the TTL', async () => {
      const zk = session();
      const root = `/v${label}${++n}`;
      const path = `${root}/discover/shop`;
      await mirrorServerSet(zk, path, [member(0, 'PRIMARY'), member(1, 'SECONDARY')]);
      const source = zookeeperView({
        url: `zk://127.0.0.1:2181${root}`,
        cluster: 'shop',
        session: zk,
      });
      const client = new ClusterClient<FakeConnection>({
        source,
        connect: new FakeFactory().connect,
        clock: new ManualClock(),
      });
      expect((await client.pick('read_write')).address).toBe('10.1.0.10');
      const changed = new Promise<void>((resolve) => source.subscribe?.(resolve));
      await mirrorServerSet(zk, path, [member(0, 'FAULTY'), member(1, 'PRIMARY')]);
      await changed;
      expect((await client.pick('read_write')).address).toBe('10.1.0.11');
      expect((await client.view()).generation).toBe(2);
    });
  });
}

zkSuite('fake', () => new FakeZk());

describe('zookeeperView watches', () => {
  it('keeps one children watch per group however often it reads, and re-arms only the group whose watch fired (ZooKeeper watches fire once)', async () => {
    const zk = new FakeZk();
    const path = '/w/discover/shop';
    await mirrorServerSet(zk, path, [member(0, 'PRIMARY'), member(1, 'SECONDARY')]);
    const armed: string[] = [];
    const children = zk.children.bind(zk);
    zk.children = (p, watch) => {
      if (watch !== undefined) armed.push(p.slice(path.length + 1));
      return children(p, watch);
    };
    const source = zookeeperView({ url: 'zk://127.0.0.1:2181/w', cluster: 'shop', session: zk });
    for (let i = 0; i < 20; i++) await source.read();
    expect(armed).toEqual(['master', 'slaves']);
    const changed = new Promise<void>((resolve) => source.subscribe?.(resolve));
    await mirrorServerSet(zk, path, [
      member(0, 'PRIMARY'),
      member(1, 'SECONDARY'),
      member(2, 'SECONDARY'),
    ]);
    await changed;
    await source.read();
    await source.read();
    expect(armed).toEqual(['master', 'slaves', 'slaves']);
  });
});

describe('zookeeperView when ZooKeeper fails', () => {
  it('raises no-view (the URL without its password) with the cause, and a ZooKeeper that does not answer times out', async () => {
    const broken = new FakeZk();
    broken.children = () => Promise.reject(new Error('connection loss'));
    const source = zookeeperView({
      url: 'zk://u:pw-123@127.0.0.1:2181/x',
      cluster: 'shop',
      session: broken,
    });
    const error = (await source.read().catch((e: unknown) => e)) as ClusterClientError;
    expect(error).toBeInstanceOf(ClusterClientError);
    expect(error.message).toBe('cannot read the ServerSet at zk://u:***@127.0.0.1:2181/x');
    expect((error.cause as Error).message).toBe('connection loss');

    const silent = new FakeZk();
    silent.children = () => new Promise(() => {});
    const slow = zookeeperView({
      url: 'zk://127.0.0.1:2181/x',
      cluster: 'shop',
      session: silent,
      timeoutMs: 50,
    });
    const timeout = (await slow.read().catch((e: unknown) => e)) as ClusterClientError;
    expect((timeout.cause as Error).message).toBe('no answer from ZooKeeper within 50 ms');
  });
});

describe.skipIf(skipRealZooKeeper)('zookeeperView on a real ZooKeeper', () => {
  const zk = useZooKeeper();

  zkSuite('real', () => zk.session());

  it('connects by itself from the zk:// URL', async () => {
    await mirrorServerSet(zk.session(), '/own/discover/shop', [member(3, 'PRIMARY')]);
    const source = zookeeperView({ url: `zk://${zk.server().address}/own`, cluster: 'shop' });
    expect((await source.read()).members[0]?.address).toBe('10.1.0.13');
    await source.close?.();
  });

  it('raises no-view with the URL (no password) when ZooKeeper cannot be reached', async () => {
    const source = zookeeperView({
      url: 'zk://app:secret-pw@127.0.0.1:1/x',
      cluster: 'shop',
      timeoutMs: 500,
    });
    const error = (await source.read().catch((e: unknown) => e)) as ClusterClientError;
    expect(error.kind).toBe('no-view');
    expect(error.message).toBe('cannot read the ServerSet at zk://app:***@127.0.0.1:1/x');
  });
});
