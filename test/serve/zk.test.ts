// `serve --zk`: cluster_url is the ZooKeeper discovery group, as Mysos answers
// (mysos/scheduler/scheduler.py: `posixpath.join(zk_url, "discover")` then
// `get_cluster_path(...)`, mysos/common/cluster.py), and each cluster's members are mirrored into
// it with Mysos' ServerSet layout and bytes (master/member_<10 digits>, slaves/member_<…>;
// data as twitter.common's ServiceInstance.pack), against a real ZooKeeper on loopback (Debian's
// zookeeper; under CI=true a server that cannot start fails these tests).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { ZkSession } from '../../src/discovery/zk-session.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { freePort, skipRealZooKeeper, useZooKeeper } from '../discovery/zookeeper.js';
import { form, pollCluster } from './helpers.js';

/** What Mysos writes for a member, byte for byte (json.dumps of ServiceInstance.to_dict). */
const instance = (host: string, port = 3306): string =>
  `{"serviceEndpoint": {"host": "${host}", "port": ${port}}, "additionalEndpoints": {}, "status": "ALIVE"}`;

interface UnitJson {
  name: string;
  leader: boolean;
  address: string;
  life: string;
  workload_status: { status: string };
}

/** `{ "master/member_0000000000": data, … }` of a group, or undefined when it does not exist. */
async function layout(zk: ZkSession, group: string): Promise<Record<string, string> | undefined> {
  const groups = await Promise.all(['master', 'slaves'].map((g) => zk.children(`${group}/${g}`)));
  if (groups.every((g) => g === undefined) && (await zk.children(group)) === undefined)
    return undefined;
  const out: Record<string, string> = {};
  for (const [i, g] of ['master', 'slaves'].entries())
    for (const id of (groups[i] ?? []).sort())
      out[`${g}/${id}`] = ((await zk.data(`${group}/${g}/${id}`)) ?? Buffer.alloc(0)).toString();
  return out;
}

/** Poll the group until `done` holds for its layout. */
async function pollGroup(
  zk: ZkSession,
  group: string,
  done: (nodes: Record<string, string> | undefined) => boolean,
): Promise<Record<string, string> | undefined> {
  let last: Record<string, string> | undefined;
  for (let i = 0; i < 400; i++) {
    last = await layout(zk, group);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the group ${group} never got there; last: ${JSON.stringify(last)}`);
}

const converged = (status: number, body: Record<string, unknown>) =>
  status === 200 && body['phase'] === 'converged';

describe.skipIf(skipRealZooKeeper)(
  'serve --zk on a real ZooKeeper (Debian zookeeper, loopback)',
  () => {
    const zk = useZooKeeper();
    let server: RunningServer;
    let warnings: string[];

    beforeAll(async () => {
      warnings = [];
      server = await startServer({
        port: 0,
        zk: `zk://${zk.server().address}/mysos`,
        warn: (line) => warnings.push(line),
      });
    }, 60_000);
    afterAll(async () => {
      await server?.close();
    });

    async function create(name: string, fields: Record<string, string>) {
      const response = await fetch(`${server.url}/clusters/${name}`, {
        method: 'POST',
        body: form(fields),
      });
      return { status: response.status, text: await response.text() };
    }

    it('create answers cluster_url zk://<servers>/<path>/discover/<name> (Mysos scheduler.py create_cluster), members appear with Mysos bytes once converged, delete withdraws them and removes the group (launcher.py _shutdown)', async () => {
      const group = '/mysos/discover/shop';
      const created = await create('shop', { cluster_user: 'mysos', num_nodes: '3' });
      expect(created.status).toBe(200);
      const { cluster_url, cluster_password } = JSON.parse(created.text);
      expect(cluster_url).toBe(`zk://${zk.server().address}${group}`);

      const { body } = await pollCluster(server.url, 'shop', converged);
      const units = body['units'] as UnitJson[];
      expect(units.map((u) => u.workload_status.status)).toEqual(['active', 'active', 'active']);
      const leader = units.find((u) => u.leader);
      expect(leader).toBeDefined();
      const others = units.filter((u) => !u.leader).map((u) => instance(u.address));

      // The example charm reports no `role: primary`: the leader (the cluster's creator) is master.
      const nodes = await pollGroup(zk.session(), group, (n) => Object.keys(n ?? {}).length === 3);
      const masters = Object.entries(nodes ?? {}).filter(([k]) => k.startsWith('master/'));
      const slaves = Object.entries(nodes ?? {}).filter(([k]) => k.startsWith('slaves/'));
      expect(masters.map(([, v]) => v)).toEqual([instance(leader?.address ?? '')]);
      expect(slaves.map(([, v]) => v).sort()).toEqual(others.sort());
      for (const key of Object.keys(nodes ?? {}))
        expect(key).toMatch(/^(master|slaves)\/member_\d{10}$/);

      const view = await (await fetch(`${server.url}/clusters/shop`)).json();
      expect(view.cluster_url).toBe(cluster_url);
      expect(view.discovery.error).toBeNull();
      expect(view.discovery.published).toContainEqual({
        unit: leader?.name,
        group: 'master',
        host: leader?.address,
        port: 3306,
      });

      const deleted = await fetch(`${server.url}/clusters/shop`, {
        method: 'DELETE',
        body: form({ password: cluster_password }),
      });
      expect(deleted.status).toBe(200);
      expect(await deleted.json()).toEqual({ cluster_url });
      await pollCluster(server.url, 'shop', (status) => status === 404);
      expect(await pollGroup(zk.session(), group, (n) => n === undefined)).toBeUndefined();
      expect(warnings).toEqual([]);
    }, 120_000);

    it('withdraws a unit being removed and keeps the others under their member ids, though they now say waiting (the leader settings still record them clustered)', async () => {
      const group = '/mysos/discover/shrink';
      expect((await create('shrink', { cluster_user: 'mysos', num_nodes: '3' })).status).toBe(200);
      const { body } = await pollCluster(server.url, 'shrink', converged);
      const units = body['units'] as UnitJson[];
      const before = await pollGroup(zk.session(), group, (n) => Object.keys(n ?? {}).length === 3);
      const gone = units.find((u) => !u.leader);
      const number = gone?.name.split('/')[1];
      const removed = await fetch(`${server.url}/clusters/shrink/units/${number}`, {
        method: 'DELETE',
        headers: { 'x-juju-reactive-control': '1' },
      });
      expect(removed.status).toBe(200);
      const { body: shrunk } = await pollCluster(
        server.url,
        'shrink',
        (s, b) => converged(s, b) && (b['units'] as UnitJson[]).length === 2,
      );
      // Below its minimum cluster size (3) the example says waiting; its instances still serve.
      expect((shrunk['units'] as UnitJson[]).map((u) => u.workload_status.status)).toEqual([
        'waiting',
        'waiting',
      ]);
      await server.discovery?.idle();
      const after = await layout(zk.session(), group);
      const kept = Object.entries(before ?? {}).filter(
        ([, v]) => v !== instance(gone?.address ?? ''),
      );
      expect(after).toEqual(Object.fromEntries(kept));
    }, 120_000);

    it('publishes the unit that reports role: primary as master over the leader, the opened port, and only active units', async () => {
      const other = await startServer({
        port: 0,
        charmDir: fileURLToPath(new URL('./fixtures/primary-charm', import.meta.url)),
        zk: `zk://${zk.server().address}/roles`,
        warn: (line) => warnings.push(line),
      });
      try {
        const created = await fetch(`${other.url}/clusters/pick`, {
          method: 'POST',
          body: form({ cluster_user: 'mysos', num_nodes: '3' }),
        });
        expect(created.status).toBe(200);
        const { body } = await pollCluster(other.url, 'pick', converged);
        const units = body['units'] as UnitJson[];
        expect(units.find((u) => u.leader)?.name).toBe('primary/0');
        const address = (n: number) => units[n]?.address ?? '';
        const nodes = await pollGroup(
          zk.session(),
          '/roles/discover/pick',
          (n) => Object.keys(n ?? {}).length === 2,
        );
        expect(Object.entries(nodes ?? {}).map(([k, v]) => [k.split('/')[0], v])).toEqual([
          ['master', instance(address(1), 3307)],
          ['slaves', instance(address(0), 3307)],
        ]);
      } finally {
        await other.close();
      }
      // Closing the server withdraws what it published: its simulated clusters end with it.
      expect(await layout(zk.session(), '/roles/discover/pick')).toBeUndefined();
    }, 120_000);

    it('juju-reactive serve --zk prints where it publishes (no password) and serves zk cluster URLs', async () => {
      const out: string[] = [];
      let stop: () => void = () => {};
      const untilStopped = new Promise<void>((r) => {
        stop = r;
      });
      const { serve } = await import('../../src/cli/serve.js');
      const done = serve(
        ['--port', '0', '--quiet', '--zk', `zk://op:pw-hidden@${zk.server().address}/cli`],
        { stdout: (t) => out.push(t), stderr: (t) => out.push(t), untilStopped },
      );
      let url: string | undefined;
      for (let i = 0; i < 400 && url === undefined; i++) {
        url = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out.join(''))?.[1];
        if (url === undefined) await new Promise((r) => setTimeout(r, 25));
      }
      expect(out.join('')).toContain(
        `publishing clusters to zk://op:***@${zk.server().address}/cli`,
      );
      const created = await fetch(`${url}/clusters/viacli`, {
        method: 'POST',
        body: form({ cluster_user: 'mysos' }),
      });
      expect((await created.json()).cluster_url).toBe(
        `zk://${zk.server().address}/cli/discover/viacli`,
      );
      stop();
      expect(await done).toBe(0);
      expect(out.join('')).not.toContain('pw-hidden');
    }, 60_000);

    it('retries a write ZooKeeper refused until it lands (a parent node that cannot have children, then gone)', async () => {
      const zkLib = await import('node-zookeeper-client');
      const lib = (zkLib as unknown as { default?: typeof zkLib }).default ?? zkLib;
      const blocker = lib.createClient(zk.server().address);
      await new Promise<void>((resolve) => {
        blocker.once('connected', () => resolve());
        blocker.connect();
      });
      // An ephemeral node may not have children (ZooKeeper: NoChildrenForEphemerals).
      await new Promise<void>((resolve, reject) =>
        blocker.create('/blocked', Buffer.alloc(0), lib.CreateMode.EPHEMERAL, (error) =>
          error ? reject(error) : resolve(),
        ),
      );
      const lines: string[] = [];
      const other = await startServer({
        port: 0,
        zk: `zk://${zk.server().address}/blocked`,
        warn: (line) => lines.push(line),
      });
      try {
        const created = await fetch(`${other.url}/clusters/later`, {
          method: 'POST',
          body: form({ cluster_user: 'mysos', num_nodes: '3' }),
        });
        expect(created.status).toBe(200);
        await pollCluster(
          other.url,
          'later',
          (s, b) => s === 200 && (b['discovery'] as { error: string | null }).error !== null,
        );
        expect(lines).toHaveLength(1);
        blocker.close(); // the ephemeral node goes with its session
        const { body } = await pollCluster(
          other.url,
          'later',
          (s, b) =>
            converged(s, b) &&
            (b['discovery'] as { error: string | null; published: unknown[] }).error === null &&
            (b['discovery'] as { published: unknown[] }).published.length === 3,
        );
        const leader = (body['units'] as UnitJson[]).find((u) => u.leader);
        const nodes = (await layout(zk.session(), '/blocked/discover/later')) ?? {};
        expect(Object.keys(nodes)).toHaveLength(3);
        expect(Object.entries(nodes).find(([k]) => k.startsWith('master/'))?.[1]).toBe(
          instance(leader?.address ?? ''),
        );
      } finally {
        blocker.close();
        await other.close();
      }
    }, 60_000);

    it('refuses a cluster name ZooKeeper cannot hold as a group with 400, not a crash', async () => {
      const response = await create('zookeeper', { cluster_user: 'mysos' });
      expect(response.status).toBe(400);
      expect(response.text).toMatch(/^Invalid cluster name for ZooKeeper: .*reserved name/);
    });

    it('leaves the --zk credentials out of cluster_url (it is in every cluster view)', async () => {
      const other = await startServer({
        port: 0,
        zk: `zk://operator:s3cret@${zk.server().address}/auth`,
        warn: () => {},
      });
      try {
        const created = await fetch(`${other.url}/clusters/quiet`, {
          method: 'POST',
          body: form({ cluster_user: 'mysos' }),
        });
        const { cluster_url } = await created.json();
        expect(cluster_url).toBe(`zk://${zk.server().address}/auth/discover/quiet`);
      } finally {
        await other.close();
      }
    }, 60_000);
  },
);

describe('serve --zk with ZooKeeper unreachable', () => {
  it('still creates the cluster, reports the error in its view and one warning line without the password', async () => {
    const warnings: string[] = [];
    const port = await freePort();
    const server = await startServer({
      port: 0,
      zk: `zk://user:hunter2@127.0.0.1:${port}/mysos`,
      warn: (line) => warnings.push(line),
    });
    try {
      const created = await fetch(`${server.url}/clusters/lost`, {
        method: 'POST',
        body: form({ cluster_user: 'mysos' }),
      });
      expect(created.status).toBe(200);
      expect((await created.json()).cluster_url).toBe(`zk://127.0.0.1:${port}/mysos/discover/lost`);
      const { body } = await pollCluster(
        server.url,
        'lost',
        (s, b) => s === 200 && (b['discovery'] as { error: string | null }).error !== null,
      );
      expect((body['discovery'] as { error: string }).error).toMatch(/cannot reach ZooKeeper/);
      expect(warnings[0]).toMatch(/cannot publish cluster 'lost'.*retrying/);
      expect(warnings.join('\n')).not.toContain('hunter2');
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('juju-reactive serve --zk', () => {
  it.each([
    ['http://127.0.0.1:2181/mysos', 'must start with zk://'],
    ['zk:///mysos', 'names no server'],
    ['zk://127.0.0.1:99999/mysos', 'the port must be a number from 1 to 65535'],
    ['zk://127.0.0.1:2181/a/../b', 'may not be "." or ".."'],
    ['zk://:s3cret@127.0.0.1/mysos', 'credentials must be user:password@'],
  ])('answers --zk %j with one line and exit 2', async (value, message) => {
    const err: string[] = [];
    const io = { stdout: () => {}, stderr: (t: string) => err.push(t) };
    expect(await runCli(['serve', '--zk', value, '--port', '0'], io)).toBe(2);
    const text = err.join('');
    expect(text).toContain(`--zk: `);
    expect(text).toContain(message);
    expect(text).toContain('see juju-reactive serve --help');
    expect(text).not.toContain('s3cret');
    expect(text.trimEnd().split('\n')).toHaveLength(1);
  });
});
