// The ServerSet mirror, on an in-memory ZooKeeper and on a real one (Debian's zookeeper,
// started by this file on 127.0.0.1). Layout and data follow Mysos (mysos/common/cluster.py)
// and twitter.common's ServiceInstance (serverset/endpoint.py).
import { describe, expect, it } from 'vitest';
import { publishServerSet } from '../../src/discovery/publish.js';
import {
  decodeServiceInstance,
  encodeServiceInstance,
  membersFromServerSet,
  mirrorServerSet,
  readServerSet,
  serverSetPath,
} from '../../src/discovery/serverset.js';
import { connectZooKeeper, type ZkSession } from '../../src/discovery/zk-session.js';
import { parseZkUrl } from '../../src/discovery/zk-url.js';
import { member } from './builders.js';
import { FakeZk } from './fake-zk.js';
import { skipRealZooKeeper, useZooKeeper } from './zookeeper.js';

const instance = (n: number): string =>
  `{"serviceEndpoint": {"host": "10.1.0.${10 + n}", "port": 3306}, "additionalEndpoints": {}, "status": "ALIVE"}`;

describe('ServiceInstance data', () => {
  it('is byte for byte what twitter.common ServiceInstance.pack (json.dumps) writes for Mysos', () => {
    expect(encodeServiceInstance({ host: '10.0.0.1', port: 3306 }).toString('utf8')).toBe(
      '{"serviceEndpoint": {"host": "10.0.0.1", "port": 3306}, "additionalEndpoints": {}, "status": "ALIVE"}',
    );
  });

  it('reads members written with other key orders and spacing (unpack_json accepts any JSON)', () => {
    const compact =
      '{"status":"ALIVE","additionalEndpoints":{},"serviceEndpoint":{"port":3307,"host":"db.example"}}';
    expect(decodeServiceInstance(Buffer.from(compact))).toEqual({ host: 'db.example', port: 3307 });
  });

  it.each([
    ['not JSON', '{'],
    [
      'not ALIVE',
      '{"serviceEndpoint": {"host": "h", "port": 1}, "additionalEndpoints": {}, "status": "DEAD"}',
    ],
    [
      'a bad port',
      '{"serviceEndpoint": {"host": "h", "port": 0}, "additionalEndpoints": {}, "status": "ALIVE"}',
    ],
    ['no additionalEndpoints', '{"serviceEndpoint": {"host": "h", "port": 1}, "status": "ALIVE"}'],
    [
      'too large',
      `{"serviceEndpoint": {"host": "${'h'.repeat(5000)}", "port": 1}, "additionalEndpoints": {}, "status": "ALIVE"}`,
    ],
  ])('refuses data that is %s', (_what, data) => {
    expect(decodeServiceInstance(Buffer.from(data))).toBeUndefined();
  });
});

describe('serverSetPath', () => {
  it('is <path>/discover/<cluster>, as Mysos joins its zk_url with "discover" and the cluster name', () => {
    expect(serverSetPath('/mysos', 'shop')).toBe('/mysos/discover/shop');
    expect(serverSetPath('/', 'shop')).toBe('/discover/shop');
  });

  it('refuses a cluster name that is not one znode name', () => {
    expect(() => serverSetPath('/mysos', 'a/b')).toThrow(/cluster name holds "\/"/);
    expect(() => serverSetPath('/mysos', '..')).toThrow(/may not be/);
  });
});

/** The same behaviour on any ZkSession: the fake and the real server. */
function mirrorSuite(label: string, session: () => ZkSession) {
  let n = 0;
  const group = (): string => `/t${label}${++n}/discover/shop`;
  const layout = async (zk: ZkSession, path: string): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const g of ['master', 'slaves']) {
      for (const id of ((await zk.children(`${path}/${g}`)) ?? []).sort())
        out[`${g}/${id}`] = ((await zk.data(`${path}/${g}/${id}`)) ?? Buffer.alloc(0)).toString(
          'utf8',
        );
    }
    return out;
  };

  describe(`mirrorServerSet (${label})`, () => {
    it('writes the primary to master and the secondaries to slaves as persistent sequential member_ nodes, data byte for byte', async () => {
      const zk = session();
      const path = group();
      await mirrorServerSet(zk, path, [
        member(0, 'PRIMARY'),
        member(1, 'SECONDARY'),
        member(2, 'SECONDARY'),
      ]);
      expect(await layout(zk, path)).toEqual({
        'master/member_0000000000': instance(0),
        'slaves/member_0000000001': instance(1),
        'slaves/member_0000000002': instance(2),
      });
    });

    it('promotes a secondary by moving its node to master under the same member id (Mysos promote_member)', async () => {
      const zk = session();
      const path = group();
      await mirrorServerSet(zk, path, [member(0, 'PRIMARY'), member(1, 'SECONDARY')]);
      const before = await layout(zk, path);
      const id = Object.keys(before)
        .find((k) => before[k] === instance(1))
        ?.split('/')[1];
      const report = await mirrorServerSet(zk, path, [member(0, 'FAULTY'), member(1, 'PRIMARY')]);
      expect(report.promoted).toEqual([id]);
      expect(await layout(zk, path)).toEqual({ [`master/${id}`]: instance(1) });
    });

    it('puts a demoted primary that still serves back in slaves under a new id', async () => {
      const zk = session();
      const path = group();
      await mirrorServerSet(zk, path, [member(0, 'PRIMARY'), member(1, 'SECONDARY')]);
      await mirrorServerSet(zk, path, [member(0, 'SECONDARY'), member(1, 'PRIMARY')]);
      const now = await layout(zk, path);
      expect(
        Object.entries(now)
          .filter(([k]) => k.startsWith('master/'))
          .map(([, v]) => v),
      ).toEqual([instance(1)]);
      expect(
        Object.entries(now)
          .filter(([k]) => k.startsWith('slaves/'))
          .map(([, v]) => v),
      ).toEqual([instance(0)]);
    });

    it.each([
      ['hidden', { hidden: true }],
      ['disconnecting', { disconnect: true }],
    ])('withdraws a %s member', async (_what, tag) => {
      const zk = session();
      const path = group();
      await mirrorServerSet(zk, path, [
        member(0, 'PRIMARY'),
        member(1, 'SECONDARY'),
        member(2, 'SECONDARY'),
      ]);
      const report = await mirrorServerSet(zk, path, [
        member(0, 'PRIMARY'),
        member(1, 'SECONDARY', tag),
        member(2, 'SECONDARY'),
      ]);
      expect(report.removed).toHaveLength(1);
      expect(Object.values(await layout(zk, path))).toEqual([instance(0), instance(2)]);
    });

    it('withdraws SPARE and FAULTY members, and a hidden primary leaves master empty', async () => {
      const zk = session();
      const path = group();
      await mirrorServerSet(zk, path, [
        member(0, 'PRIMARY'),
        member(1, 'SECONDARY'),
        member(2, 'SECONDARY'),
      ]);
      await mirrorServerSet(zk, path, [
        member(0, 'PRIMARY', { hidden: true }),
        member(1, 'SPARE'),
        member(2, 'FAULTY'),
      ]);
      expect(await layout(zk, path)).toEqual({});
    });

    it('changes nothing when run again (a retried hook), and a new leader converges on the same nodes', async () => {
      const zk = session();
      const path = group();
      const members = [member(0, 'PRIMARY'), member(1, 'SECONDARY')];
      await mirrorServerSet(zk, path, members);
      const first = await layout(zk, path);
      const again = await mirrorServerSet(zk, path, members);
      expect(again).toEqual({ created: [], promoted: [], removed: [], rewritten: [] });
      expect(await layout(zk, path)).toEqual(first);
    });

    it('finishes a promotion a failed hook left half done (primary added to slaves, not yet moved)', async () => {
      const zk = session();
      const path = group();
      await zk.mkdirp(`${path}/master`);
      await zk.mkdirp(`${path}/slaves`);
      const created = await zk.createSequential(
        `${path}/slaves/member_`,
        encodeServiceInstance({ host: '10.1.0.10', port: 3306 }),
      );
      const id = created.split('/').at(-1);
      await mirrorServerSet(zk, path, [member(0, 'PRIMARY')]);
      expect(await layout(zk, path)).toEqual({ [`master/${id}`]: instance(0) });
    });

    it('removes nodes that are not ours and duplicates, and rewrites a non-canonical node in place', async () => {
      const zk = session();
      const path = group();
      await mirrorServerSet(zk, path, [member(0, 'PRIMARY'), member(1, 'SECONDARY')]);
      await zk.createSequential(`${path}/slaves/member_`, Buffer.from('garbage'));
      await zk.createSequential(
        `${path}/slaves/member_`,
        encodeServiceInstance({ host: '10.1.0.11', port: 3306 }),
      );
      const compact = await zk.createSequential(
        `${path}/slaves/member_`,
        Buffer.from(
          '{"status":"ALIVE","additionalEndpoints":{},"serviceEndpoint":{"host":"10.1.0.12","port":3306}}',
        ),
      );
      const report = await mirrorServerSet(zk, path, [
        member(0, 'PRIMARY'),
        member(1, 'SECONDARY'),
        member(2, 'SECONDARY'),
      ]);
      expect(report.removed).toHaveLength(2);
      expect(report.rewritten).toEqual([`slaves/${compact.split('/').at(-1)}`]);
      expect(Object.values(await layout(zk, path)).sort()).toEqual(
        [instance(0), instance(1), instance(2)].sort(),
      );
    });

    it('reads back as a view: master is the PRIMARY, slaves are SECONDARY members named by member id', async () => {
      const zk = session();
      const path = group();
      await mirrorServerSet(zk, path, [member(0, 'PRIMARY'), member(1, 'SECONDARY')]);
      const members = membersFromServerSet(await readServerSet(zk, path));
      expect(members.map((m) => [m.role, m.address, m.port])).toEqual([
        ['PRIMARY', '10.1.0.10', 3306],
        ['SECONDARY', '10.1.0.11', 3306],
      ]);
      expect(members[0]?.name).toMatch(/^member_[0-9]{10}$/);
    });
  });
}

mirrorSuite('fake', () => new FakeZk());

describe.skipIf(skipRealZooKeeper)('on a real ZooKeeper (Debian zookeeper, loopback)', () => {
  const zk = useZooKeeper();

  it('is reachable through a zk:// URL with a path', async () => {
    const url = parseZkUrl(`zk://${zk.server().address}/mysos`);
    const other = await connectZooKeeper(url);
    await other.mkdirp(serverSetPath(url.path, 'probe'));
    expect(await other.children('/mysos/discover')).toEqual(['probe']);
    await other.close();
  });

  it('publishServerSet connects from the zk:// URL, mirrors, and is a no-op when repeated', async () => {
    const url = `zk://${zk.server().address}/published`;
    const members = [member(0, 'PRIMARY'), member(1, 'SECONDARY')];
    const first = await publishServerSet({ url, cluster: 'shop', members });
    expect(first.promoted).toEqual(['member_0000000000']);
    expect(await publishServerSet({ url, cluster: 'shop', members })).toEqual({
      created: [],
      promoted: [],
      removed: [],
      rewritten: [],
    });
    expect(
      (await zk.session().data('/published/discover/shop/master/member_0000000000'))?.toString(),
    ).toBe(instance(0));
  });

  it('publishServerSet refuses a bad URL before connecting', async () => {
    await expect(
      publishServerSet({ url: 'http://x/y', cluster: 'shop', members: [] }),
    ).rejects.toThrow(/must start with zk:\/\//);
  });

  mirrorSuite('real', () => zk.session());
});
