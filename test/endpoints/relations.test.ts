import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Charm } from '../../src/charm/charm.js';
import type { HookRuntime } from '../../src/charm/runtime.js';
import { Endpoint, type EndpointHandler } from '../../src/endpoints/endpoint.js';
import { decodeValue } from '../../src/endpoints/views.js';
import type { CharmMetadata } from '../../src/juju/metadata.js';
import { hookHarness } from '../helpers/hook.js';
import {
  HttpEndpoint,
  peerRelation,
  peersMeta,
  peerTools,
  peerUnits,
  TestPeers,
} from './builders.js';

const rel = { name: 'cluster', id: 'cluster:0' };

/** Run one hook and hand the runtime to `inspect` from inside a handler. */
async function withRuntime(
  tools: ReturnType<typeof peerTools>,
  inspect: (rt: HookRuntime) => void,
  metadata: CharmMetadata = peersMeta,
  hook: { hookName: string; relation?: { name: string; id: string }; remoteUnit?: string } = {
    hookName: 'update-status',
  },
) {
  const charm = new Charm().endpoint(TestPeers).endpoint(HttpEndpoint);
  charm.handler({ id: 'inspect' }, inspect);
  return hookHarness(charm, { tools, metadata }).run(hook);
}

describe('relations and units', () => {
  for (const n of [1, 3, 12]) {
    it(`lists all ${n} peers in numeric unit order`, async () => {
      let names: string[] = [];
      const r = await withRuntime(peerTools({ 'cluster:0': peerRelation(peerUnits(n)) }), (rt) => {
        names = rt.endpoint(TestPeers).allJoinedUnits.map((u) => u.unitName);
      });
      expect(r.ok).toBe(true);
      expect(names).toEqual(Array.from({ length: n }, (_, i) => `mysql/${i + 1}`));
    });
  }

  it('orders relation ids numerically and units by number across relations', async () => {
    const tools = peerTools({
      'website:10': { endpoint: 'website', app: 'b', units: { 'b/0': {} } },
      'website:2': { endpoint: 'website', app: 'a', units: { 'a/10': {}, 'a/9': {} } },
    });
    let seen: string[] = [];
    let apps: (string | undefined)[] = [];
    await withRuntime(
      tools,
      (rt) => {
        const web = rt.endpoint(HttpEndpoint);
        seen = web.allJoinedUnits.map((u) => `${u.relationId} ${u.unitName}`);
        apps = web.relations.map((r) => r.application);
      },
      { name: 'x', endpoints: [{ name: 'website', role: 'provides', interface: 'http' }] },
    );
    expect(seen).toEqual(['website:2 a/9', 'website:2 a/10', 'website:10 b/0']);
    expect(apps).toEqual(['a', 'b']);
  });

  it('binds one instance per matching endpoint and runs endpoint handlers once per endpoint', async () => {
    class Counting extends HttpEndpoint {
      protected override handlers(): readonly EndpointHandler[] {
        return [
          this.on(
            {
              id: 'mark',
              when: ['endpoint.{endpoint_name}.joined'],
              whenNot: ['{endpoint_name}.marked'],
            },
            (rt) => {
              rt.flags.set(this.expandName('{endpoint_name}.marked'));
            },
          ),
        ];
      }
    }
    const charm = new Charm().endpoint(Counting);
    const tools = peerTools({
      'db:1': { endpoint: 'db', app: 'pg', units: { 'pg/0': {} } },
      'cache:2': { endpoint: 'cache', app: 'redis', units: { 'redis/0': {} } },
    });
    const h = hookHarness(charm, {
      tools,
      metadata: {
        name: 'x',
        endpoints: [
          { name: 'db', role: 'requires', interface: 'http' },
          { name: 'cache', role: 'requires', interface: 'http' },
          { name: 'other', role: 'requires', interface: 'not-http' },
        ],
      },
    });
    const result = await h.run({ hookName: 'start' });
    expect(result.runs.map((r) => r.handler)).toEqual(['db:mark', 'cache:mark']);
    expect(h.store.load().flags).toEqual(expect.arrayContaining(['db.marked', 'cache.marked']));
  });

  it('finds endpoints by name and by flag, and expands flag names', async () => {
    await withRuntime(peerTools({}), (rt) => {
      const peers = rt.endpoint(TestPeers);
      expect(Endpoint.fromName(rt, 'cluster')).toBe(peers);
      expect(Endpoint.fromFlag(rt, 'endpoint.cluster.joined')).toBe(peers);
      expect(Endpoint.fromFlag(rt, 'cluster.available')).toBe(peers);
      expect(Endpoint.fromFlag(rt, 'nope.available')).toBeUndefined();
      expect(peers.expandName('{endpoint_name}.available')).toBe('cluster.available');
      expect(peers.expandName('changed')).toBe('endpoint.cluster.changed');
    });
  });

  it('reports broken, and leaves the broken relation out of relations', async () => {
    const tools = peerTools({
      'db:1': { endpoint: 'db', app: 'pg', units: {} },
      'db:3': { endpoint: 'db', app: 'pg2', units: { 'pg2/0': {} } },
    });
    let ids: string[] = [];
    const meta = {
      name: 'x',
      endpoints: [{ name: 'db', role: 'requires' as const, interface: 'http' }],
    };
    const charm = new Charm().endpoint(HttpEndpoint);
    charm.handler({ id: 'inspect' }, (rt) => {
      ids = rt.endpoint(HttpEndpoint).relations.map((r) => r.relationId);
    });
    const h = hookHarness(charm, { tools, metadata: meta });
    await h.run({ hookName: 'db-relation-broken', relation: { name: 'db', id: 'db:1' } });
    expect(ids).toEqual(['db:3']);
    expect(h.store.load().flags).toEqual(
      expect.arrayContaining(['endpoint.db.broken', 'endpoint.db.joined']),
    );
  });
});

describe('received data views', () => {
  const tools = () =>
    peerTools({
      'cluster:0': peerRelation(
        { 'mysql/1': { addr: '"10.0.0.1"', ready: 'true', raw: 'not json {', n: '3' } },
        { localApp: { leader: '"mysql/1"' } },
      ),
    });

  it('decodes JSON values and falls back to the raw string', async () => {
    let received: Record<string, unknown> = {};
    let raw: Record<string, unknown> = {};
    let app: Record<string, unknown> = {};
    await withRuntime(tools(), (rt) => {
      const unit = rt.endpoint(TestPeers).allJoinedUnits[0];
      received = { ...unit?.received };
      raw = { ...unit?.receivedRaw };
      app = { ...rt.endpoint(TestPeers).relations[0]?.receivedApp };
    });
    expect(received).toEqual({ addr: '10.0.0.1', n: 3, ready: true, raw: 'not json {' });
    expect(raw).toEqual({ addr: '"10.0.0.1"', n: '3', ready: 'true', raw: 'not json {' });
    expect(app).toEqual({ leader: 'mysql/1' });
  });

  it('refuses writes with a message that says what to do instead', async () => {
    const result = await withRuntime(tools(), (rt) => {
      const unit = rt.endpoint(TestPeers).allJoinedUnits[0] as {
        received: Record<string, unknown>;
      };
      unit.received.addr = 'x';
    });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/read-only.*toPublish/);
  });

  it('parses with a schema into a Result naming the unit and the key, never throwing', async () => {
    const schema = z.object({ addr: z.string(), n: z.string() });
    let error = '';
    let ok: unknown;
    await withRuntime(tools(), (rt) => {
      const unit = rt.endpoint(TestPeers).allJoinedUnits[0];
      const parsed = unit?.parse(schema);
      if (parsed?.isErr())
        error = `${parsed.error.unit}|${parsed.error.key}|${parsed.error.message}`;
      const good = unit?.parse(z.object({ addr: z.string(), n: z.number() }));
      if (good?.isOk()) ok = good.value;
    });
    expect(error).toMatch(/^mysql\/1\|n\|mysql\/1 on cluster:0: n: /);
    expect(ok).toEqual({ addr: '10.0.0.1', n: 3 });
  });
});

describe('publishing', () => {
  it('JSON-encodes values with sorted keys and flushes one relation-set per relation with only changed keys', async () => {
    const tools = peerTools({
      'cluster:0': peerRelation(peerUnits(1), { local: { same: '"v"', gone: '"x"' } }),
      'cluster:1': peerRelation(peerUnits(1)),
    });
    const r = await withRuntime(tools, (rt) => {
      const [a, b] = rt.endpoint(TestPeers).relations;
      if (!a || !b) throw new Error('fixture');
      a.toPublish.same = 'v';
      a.toPublish.obj = { z: 1, a: [true, null] };
      a.toPublish.gone = undefined;
      a.toPublishRaw.addr = '10.0.0.9';
      b.toPublish.flag = true;
      delete b.toPublish.absent;
    });
    expect(r.ok).toBe(true);
    expect(tools.callsOf('relation-set').map((c) => c.args)).toEqual([
      ['cluster:0', { addr: '10.0.0.9', gone: '', obj: '{"a":[true,null],"z":1}' }, 'unit'],
      ['cluster:1', { flag: 'true' }, 'unit'],
    ]);
  });

  it('reads back its own pending writes within the hook', async () => {
    let seen: unknown;
    await withRuntime(
      peerTools({ 'cluster:0': peerRelation(peerUnits(1), { local: { a: '"1"' } }) }),
      (rt) => {
        const r = rt.endpoint(TestPeers).relations[0];
        if (!r) throw new Error('fixture');
        r.toPublish.b = 2;
        seen = { ...r.toPublish };
      },
    );
    expect(seen).toEqual({ a: '1', b: 2 });
  });

  it('refuses non-string raw values', async () => {
    const r = await withRuntime(peerTools({ 'cluster:0': peerRelation(peerUnits(1)) }), (rt) => {
      const relation = rt.endpoint(TestPeers).relations[0] as {
        toPublishRaw: Record<string, unknown>;
      };
      relation.toPublishRaw.n = 5;
    });
    expect(r.error).toMatch(/raw values must be strings/);
  });

  it('lets only the leader publish application data', async () => {
    const follower = await withRuntime(
      peerTools({ 'cluster:0': peerRelation(peerUnits(1)) }, false),
      (rt) => {
        const relation = rt.endpoint(TestPeers).relations[0] as {
          toPublishApp: Record<string, unknown>;
        };
        relation.toPublishApp.k = 'v';
      },
    );
    expect(follower.ok).toBe(false);
    expect(follower.error).toMatch(/not the leader.*leadership\.is_leader/);

    const tools = peerTools({ 'cluster:0': peerRelation(peerUnits(1)) }, true);
    const leader = await withRuntime(tools, (rt) => {
      const relation = rt.endpoint(TestPeers).relations[0] as {
        toPublishApp: Record<string, unknown>;
      };
      relation.toPublishApp.k = 'v';
    });
    expect(leader.ok).toBe(true);
    expect(tools.callsOf('relation-set').map((c) => c.args)).toEqual([
      ['cluster:0', { k: '"v"' }, 'app'],
    ]);
  });

  it('writes nothing when the hook fails after publishing', async () => {
    const tools = peerTools({ 'cluster:0': peerRelation(peerUnits(1)) });
    const r = await withRuntime(tools, (rt) => {
      const relation = rt.endpoint(TestPeers).relations[0];
      if (relation) relation.toPublish.a = 1;
      throw new Error('boom');
    });
    expect(r.exitCode).toBe(1);
    expect(tools.callsOf('relation-set')).toEqual([]);
  });

  it('counts hook-tool calls for a non-relation hook on a joined 3-unit peer relation', async () => {
    const charm = new Charm().endpoint(TestPeers);
    const tools = peerTools({ 'cluster:0': peerRelation(peerUnits(2, () => ({ a: '"x"' }))) });
    const h = hookHarness(charm, { tools, metadata: peersMeta });
    await h.run({ hookName: 'cluster-relation-joined', relation: rel, remoteUnit: 'mysql/1' });
    tools.calls.length = 0;
    await h.run({ hookName: 'config-changed' });
    // The re-check of `joined` (charms.reactive endpoints.py, Endpoint._manage_flags); no data.
    // relation-list is answered from the members recorded by the -joined hook
    // (worker/uniter/relation/state.go UpdateStateForHook); no JUJU_VERSION here: relation-ids.
    expect(tools.toolNames()).toEqual(['relation-ids']);
  });
});

describe('decoding received values', () => {
  it('decodes JSON numbers and leaves number-like raw values (addresses, versions) as strings', async () => {
    expect(['10.0.0.1', '1.2.3', '01', '1e', '-', '2001:db8::1', '-x'].map(decodeValue)).toEqual([
      '10.0.0.1',
      '1.2.3',
      '01',
      '1e',
      '-',
      '2001:db8::1',
      '-x',
    ]);
    expect(['1', '-1', '1.5', '1e5', '-0.25E-2', '0'].map(decodeValue)).toEqual([
      1, -1, 1.5, 1e5, -0.0025, 0,
    ]);
  });
});
