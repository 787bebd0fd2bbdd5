// The unit's relation records (src/endpoints/relation-memory.ts): which relation calls a hook
// still makes once Juju's own rules fix the answer, and that answers stay right through
// join, depart, broken, upgrade, failed hooks and an address change.
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import type { HookRuntime } from '../../src/charm/runtime.js';
import { RELATION_MEMORY_KEY } from '../../src/endpoints/relation-memory.js';
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
const JUJU = { jujuVersion: '3.6.0' };

/** A peer charm whose handler runs `body` in every hook; the harness keeps state across runs. */
function peerCharm(units = peerUnits(2), body: (rt: HookRuntime) => void = () => {}) {
  const charm = new Charm().endpoint(TestPeers);
  charm.handler({ id: 'body' }, function body_(rt) {
    body(rt);
  });
  const tools = peerTools({ 'cluster:0': peerRelation(units) });
  const h = hookHarness(charm, { tools, metadata: peersMeta });
  const run = (hookName: string, extra: Record<string, unknown> = {}) =>
    h.run({ hookName, ...JUJU, ...extra });
  const relHook = (event: string, remoteUnit?: string) =>
    run(`cluster-relation-${event}`, {
      relation: rel,
      ...(remoteUnit === undefined ? {} : { remoteUnit }),
    });
  const calls = async (hook: () => Promise<unknown>) => {
    tools.calls.length = 0;
    await hook();
    return tools.calls.map(
      (c) => `${c.tool} ${c.args.filter((a) => typeof a === 'string').join(' ')}`,
    );
  };
  return { h, tools, run, relHook, calls, world: tools.world };
}

const publishConfigureReady = (rt: HookRuntime): void => {
  const relation = rt.endpoint(TestPeers).relations[0];
  if (relation) relation.toPublish['unit-configure-ready'] = true;
};

describe("this unit's own bag (only its own hooks write it: juju worker/uniter/runner/context/context.go doFlush)", () => {
  it('is read once, then a steady hook publishing the same value reads and writes nothing', async () => {
    const { relHook, calls } = peerCharm(peerUnits(2), publishConfigureReady);
    await relHook('joined', 'mysql/1');
    // This hook wrote the bag: the next one that needs it reads it once (the write may be lost
    // if the hook dies after its state save), and records it.
    expect(await calls(() => relHook('changed', 'mysql/1'))).toContain(
      'relation-get cluster:0 mysql/0 unit',
    );
    const steady = await calls(() => relHook('changed', 'mysql/2'));
    expect(steady).toEqual(['relation-get cluster:0 mysql/2 unit']);
  });

  it('answers reads of published keys from the record, and reads the bag for a key it does not keep', async () => {
    const seen: unknown[] = [];
    const { relHook, calls, world } = peerCharm(peerUnits(1), (rt) => {
      const relation = rt.endpoint(TestPeers).relations[0];
      if (!relation) return;
      relation.toPublish.port = 3306;
      seen.push(relation.toPublish.port, relation.toPublish.absent);
    });
    await relHook('joined', 'mysql/1');
    await relHook('changed', 'mysql/1');
    seen.length = 0;
    expect(await calls(() => relHook('changed', 'mysql/1'))).toEqual([
      'relation-get cluster:0 mysql/1 unit',
    ]);
    expect(seen).toEqual([3306, undefined]);
    expect(world.relations['cluster:0']?.local).toMatchObject({ port: '3306' });
  });

  it('writes a changed value without reading, then drops the record until the next read', async () => {
    let port = 1;
    const { relHook, calls, world } = peerCharm(peerUnits(1), (rt) => {
      const relation = rt.endpoint(TestPeers).relations[0];
      if (relation) relation.toPublish.port = port;
    });
    await relHook('joined', 'mysql/1');
    await relHook('changed', 'mysql/1');
    port = 2;
    const changed = await calls(() => relHook('changed', 'mysql/1'));
    expect(changed).not.toContain('relation-get cluster:0 mysql/0 unit');
    expect(changed).toContain('relation-set cluster:0 unit');
    expect(world.relations['cluster:0']?.local?.port).toBe('2');
    expect(await calls(() => relHook('changed', 'mysql/1'))).toContain(
      'relation-get cluster:0 mysql/0 unit',
    );
  });

  it('never vouches for the keys Juju writes itself: an address Juju changed is read and republished (apiserver/facades/agent/uniter updateUnitNetworkInfoOperation on config-changed)', async () => {
    const seen: unknown[] = [];
    const { relHook, run, calls, world } = peerCharm(peerUnits(1), (rt) => {
      const relation = rt.endpoint(TestPeers).relations[0];
      if (!relation) return;
      seen.push(relation.toPublishRaw['ingress-address']);
      relation.toPublishRaw['ingress-address'] = '10.0.0.5';
    });
    await relHook('joined', 'mysql/1');
    await relHook('changed', 'mysql/1');
    // Juju rewrites the unit's network settings when config-changed commits.
    const local = world.relations['cluster:0']?.local;
    if (!local) throw new Error('fixture');
    local['ingress-address'] = '192.168.0.9';
    seen.length = 0;
    const hook = await calls(() => run('config-changed'));
    expect(seen).toEqual(['192.168.0.9']);
    expect(hook).toContain('relation-get cluster:0 mysql/0 unit');
    expect(world.relations['cluster:0']?.local?.['ingress-address']).toBe('10.0.0.5');
  });

  it('keeps no password in the unit state: a credential-like value is kept as a hash, and the same password still writes nothing', async () => {
    const password = 'correct-horse-battery-staple';
    const { relHook, calls, h, world } = peerCharm(peerUnits(1), (rt) => {
      const relation = rt.endpoint(TestPeers).relations[0];
      if (!relation) return;
      relation.toPublish['cluster-password'] = password;
      relation.toPublish['cluster-password-secret'] = 'secret:cqp1aqvmp25c77bhg7t0';
    });
    await relHook('joined', 'mysql/1');
    await relHook('changed', 'mysql/1');
    const state = JSON.stringify(h.store.load());
    expect(state).not.toContain(password);
    // A secret URI is a reference, not a credential: kept as is.
    expect(state).toContain('cqp1aqvmp25c77bhg7t0');
    const steady = await calls(() => relHook('changed', 'mysql/1'));
    expect(steady).toEqual(['relation-get cluster:0 mysql/1 unit']);
    expect(world.relations['cluster:0']?.local?.['cluster-password']).toBe(`"${password}"`);
  });

  it('reads the bag for a value kept only as a hash', async () => {
    const seen: unknown[] = [];
    let read = false;
    const { relHook, calls } = peerCharm(peerUnits(1), (rt) => {
      const relation = rt.endpoint(TestPeers).relations[0];
      if (!relation) return;
      if (read) seen.push(relation.toPublish.token);
      else relation.toPublish.token = 's3cr3t-token';
    });
    await relHook('joined', 'mysql/1');
    await relHook('changed', 'mysql/1');
    read = true;
    const hook = await calls(() => relHook('changed', 'mysql/1'));
    expect(hook).toContain('relation-get cluster:0 mysql/0 unit');
    expect(seen).toEqual(['s3cr3t-token']);
  });
});

describe('relation-list (Juju lists the units whose -joined committed and whose -departed did not: worker/uniter/relation/state.go UpdateStateForHook, runner/context/contextfactory.go HookContext)', () => {
  it('is asked once, then kept through -joined and -departed hooks, with the joining unit listed in its -joined and the departing one left out of its -departed', async () => {
    const lists: string[][] = [];
    const { relHook, run, calls, world } = peerCharm({ 'mysql/1': {} }, (rt) => {
      lists.push(rt.endpoint(TestPeers).allJoinedUnits.map((u) => u.unitName));
    });
    const r = world.relations['cluster:0'];
    if (!r) throw new Error('fixture');
    expect(await calls(() => relHook('joined', 'mysql/1'))).toContain('relation-list cluster:0');
    // mysql/2 enters: Juju lists it from its -joined on.
    r.units['mysql/2'] = {};
    expect(await calls(() => relHook('joined', 'mysql/2'))).not.toContain(
      'relation-list cluster:0',
    );
    expect(lists.at(-1)).toEqual(['mysql/1', 'mysql/2']);
    // mysql/1 leaves: not listed in its -departed, nor after.
    delete r.units['mysql/1'];
    r.departed = { 'mysql/1': {} };
    expect(await calls(() => relHook('departed', 'mysql/1'))).not.toContain(
      'relation-list cluster:0',
    );
    expect(lists.at(-1)).toEqual(['mysql/2']);
    // The peer endpoint's relation-ids is asked once outside its own relation hooks (in them
    // the id is JUJU_RELATION_ID), then kept; the members are not asked.
    expect(await calls(() => run('update-status'))).toEqual(['relation-ids cluster']);
    expect(await calls(() => run('update-status'))).toEqual([]);
    expect(lists.at(-1)).toEqual(['mysql/2']);
  });

  it('is asked again in upgrade-charm, which re-reads everything', async () => {
    const { relHook, run, calls } = peerCharm();
    await relHook('joined', 'mysql/1');
    await run('update-status');
    const upgrade = await calls(() => run('upgrade-charm'));
    expect(upgrade).toContain('relation-list cluster:0');
    expect(upgrade).toContain('relation-ids cluster');
  });

  it('a failed hook changes no record, and the hook after a failure asks again (it may have been skipped: worker/uniter/operation/skip.go)', async () => {
    let fail = false;
    const { relHook, run, calls, h } = peerCharm(peerUnits(2), () => {
      if (fail) throw new Error('boom');
    });
    await relHook('joined', 'mysql/1');
    await run('update-status');
    const before = h.store.load().data[RELATION_MEMORY_KEY];
    fail = true;
    const failed = await relHook('joined', 'mysql/3');
    expect(failed.ok).toBe(false);
    expect(h.store.load().data[RELATION_MEMORY_KEY]).toEqual(before);
    fail = false;
    const after = await calls(() => run('update-status'));
    expect(after).toEqual(['relation-ids cluster', 'relation-list cluster:0']);
    // Once a hook succeeded, the records are trusted again.
    expect(await calls(() => run('update-status'))).toEqual([]);
  });
});

describe('relation-ids (relation-created and relation-broken bracket a relation: worker/uniter/relation/statetracker.go, relation/resolver.go createdRelationsResolver)', () => {
  const meta = {
    name: 'mysql',
    endpoints: [
      { name: 'cluster', role: 'peers' as const, interface: 'test-peers' },
      { name: 'website', role: 'provides' as const, interface: 'http' },
    ],
  };

  function twoEndpoints() {
    const charm = new Charm().endpoint(TestPeers).endpoint(HttpEndpoint);
    const seen: string[][] = [];
    charm.handler({ id: 'look' }, function look(rt) {
      seen.push(rt.endpoint(HttpEndpoint).relations.map((r) => r.relationId));
    });
    const tools = peerTools({ 'cluster:0': peerRelation(peerUnits(1)) });
    const h = hookHarness(charm, { tools, metadata: meta });
    const calls = async (hook: Parameters<typeof h.run>[0]) => {
      tools.calls.length = 0;
      await h.run({ ...JUJU, ...hook });
      return tools.calls.map((c) => `${c.tool} ${String(c.args[0])}`);
    };
    return { h, tools, seen, calls, world: tools.world };
  }

  it('asks once, then follows relation-created and relation-broken without asking', async () => {
    const { calls, seen, world } = twoEndpoints();
    expect(await calls({ hookName: 'update-status' })).toContain('relation-ids website');
    expect(await calls({ hookName: 'update-status' })).not.toContain('relation-ids website');
    // A relation is added: Juju runs relation-created before any other hook for it.
    world.relations['website:4'] = { endpoint: 'website', app: 'web', units: {} };
    const created = await calls({
      hookName: 'website-relation-created',
      relation: { name: 'website', id: 'website:4' },
      remoteApp: 'web',
    });
    expect(created).not.toContain('relation-ids website');
    expect(seen.at(-1)).toEqual(['website:4']);
    expect(
      await calls({ hookName: 'cluster-relation-changed', relation: rel, remoteUnit: 'mysql/1' }),
    ).not.toContain('relation-ids website');
    expect(seen.at(-1)).toEqual(['website:4']);
    // Broken: gone from relation-ids once its -broken hook committed.
    const broken = await calls({
      hookName: 'website-relation-broken',
      relation: { name: 'website', id: 'website:4' },
      remoteApp: 'web',
    });
    expect(broken).not.toContain('relation-ids website');
    delete world.relations['website:4'];
    expect(await calls({ hookName: 'update-status' })).toEqual([]);
    expect(seen.at(-1)).toEqual([]);
  });

  it('asks on every hook under a Juju older than 2.8 (no relation-created) or an unknown one', async () => {
    const { h, tools } = twoEndpoints();
    for (const jujuVersion of ['2.7.8', undefined]) {
      await h.run({ hookName: 'update-status', ...(jujuVersion ? { jujuVersion } : {}) });
      tools.calls.length = 0;
      await h.run({ hookName: 'update-status', ...(jujuVersion ? { jujuVersion } : {}) });
      expect(tools.toolNames()).toContain('relation-ids');
    }
  });
});
