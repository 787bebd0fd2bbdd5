import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
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

function setup(
  units = peerUnits(2, (i) => ({ 'cluster-address': JSON.stringify(`10.0.0.${i}`) })),
) {
  const charm = new Charm().endpoint(TestPeers);
  const tools = peerTools({ 'cluster:0': peerRelation(units) });
  const h = hookHarness(charm, { tools, metadata: peersMeta });
  const flags = () => h.store.load().flags;
  return { h, tools, flags, world: tools.world };
}

describe('endpoint.<name>.joined', () => {
  it('is set in a joined hook once a remote unit is present', async () => {
    const { h, flags } = setup();
    await h.run({ hookName: 'cluster-relation-joined', relation: rel, remoteUnit: 'mysql/1' });
    expect(flags()).toContain('endpoint.cluster.joined');
  });

  it('is not set while the relation has no remote unit', async () => {
    const { h, flags } = setup({});
    await h.run({ hookName: 'cluster-relation-created', relation: rel });
    expect(flags()).not.toContain('endpoint.cluster.joined');
  });

  it('is found outside relation hooks when units are already there (first hook after an upgrade)', async () => {
    const { h, flags } = setup();
    await h.run({ hookName: 'upgrade-charm' });
    expect(flags()).toEqual(
      expect.arrayContaining(['endpoint.cluster.joined', 'endpoint.cluster.changed']),
    );
  });
});

describe('endpoint.<name>.changed and changed.<key>', () => {
  it('are set for every key a remote unit published that was not seen before', async () => {
    const { h, flags } = setup();
    await h.run({ hookName: 'cluster-relation-joined', relation: rel, remoteUnit: 'mysql/1' });
    expect(flags()).toEqual(
      expect.arrayContaining([
        'endpoint.cluster.changed',
        'endpoint.cluster.changed.cluster-address',
      ]),
    );
  });

  it('set only changed for a key that cannot be part of a flag name', async () => {
    const { h, flags } = setup(
      peerUnits(1, () => ({ 'trailing ': '"x"', '{endpoint_name}': '"y"', ok: '"z"' })),
    );
    const result = await h.run({
      hookName: 'cluster-relation-joined',
      relation: rel,
      remoteUnit: 'mysql/1',
    });
    expect(result.ok, result.error).toBe(true);
    expect(flags().filter((f) => f.startsWith('endpoint.cluster.changed'))).toEqual([
      'endpoint.cluster.changed',
      'endpoint.cluster.changed.ok',
    ]);
  });

  it('are not set again when the data is the same as last seen', async () => {
    const charm = new Charm().endpoint(TestPeers);
    charm.when('endpoint.cluster.changed').run(function consume(rt) {
      rt.endpoint(TestPeers).clearChangedFlags();
    });
    const tools = peerTools({ 'cluster:0': peerRelation(peerUnits(1, () => ({ a: '"x"' }))) });
    const h = hookHarness(charm, { tools, metadata: peersMeta });
    await h.run({ hookName: 'cluster-relation-joined', relation: rel, remoteUnit: 'mysql/1' });
    const second = await h.run({
      hookName: 'cluster-relation-changed',
      relation: rel,
      remoteUnit: 'mysql/1',
    });
    expect(second.runs.map((r) => r.handler)).not.toContain('consume');
    expect(h.store.load().flags.filter((f) => f.includes('changed'))).toEqual([]);
  });

  it('compares decoded values, so a re-encoding of the same JSON is not a change', async () => {
    const { h, flags, world } = setup(peerUnits(1, () => ({ cfg: '{"a":1,"b":2}' })));
    await h.run({ hookName: 'cluster-relation-joined', relation: rel, remoteUnit: 'mysql/1' });
    const charmFlagsCleared = flags().filter((f) => !f.startsWith('endpoint.cluster.changed'));
    h.store.save({ version: 1, flags: charmFlagsCleared, data: h.store.load().data });
    (world.relations['cluster:0']?.units as Record<string, Record<string, string>>)['mysql/1'] = {
      cfg: '{"b":2,"a":1}',
    };
    await h.run({ hookName: 'cluster-relation-changed', relation: rel, remoteUnit: 'mysql/1' });
    expect(flags()).not.toContain('endpoint.cluster.changed.cfg');
  });

  it('are set for a changed value and for a removed key', async () => {
    const { h, flags, world } = setup(peerUnits(1, () => ({ a: '"1"', b: '"2"' })));
    await h.run({ hookName: 'cluster-relation-joined', relation: rel, remoteUnit: 'mysql/1' });
    h.store.save({
      version: 1,
      flags: flags().filter((f) => !f.startsWith('endpoint.cluster.changed')),
      data: h.store.load().data,
    });
    (world.relations['cluster:0']?.units as Record<string, Record<string, string>>)['mysql/1'] = {
      a: '"1b"',
    };
    await h.run({ hookName: 'cluster-relation-changed', relation: rel, remoteUnit: 'mysql/1' });
    const changed = flags().filter((f) => f.startsWith('endpoint.cluster.changed'));
    expect(changed).toEqual([
      'endpoint.cluster.changed',
      'endpoint.cluster.changed.a',
      'endpoint.cluster.changed.b',
    ]);
  });

  it('are tracked per unit: another unit publishing the same value is a change', async () => {
    const { h, flags } = setup(peerUnits(2, () => ({ a: '"same"' })));
    await h.run({ hookName: 'cluster-relation-joined', relation: rel, remoteUnit: 'mysql/1' });
    h.store.save({
      version: 1,
      flags: flags().filter((f) => !f.startsWith('endpoint.cluster.changed')),
      data: h.store.load().data,
    });
    await h.run({ hookName: 'cluster-relation-joined', relation: rel, remoteUnit: 'mysql/2' });
    expect(flags()).toContain('endpoint.cluster.changed.a');
  });
});

describe('endpoint.<name>.departed', () => {
  it('is set with changed in a departed hook, and the unit is kept with its last data', async () => {
    const charm = new Charm().endpoint(TestPeers);
    const departed: unknown[] = [];
    charm.when('endpoint.cluster.departed').run(function onDeparted(rt) {
      departed.push(...rt.endpoint(TestPeers).allDepartedUnits);
    });
    const tools = peerTools({
      'cluster:0': peerRelation(peerUnits(2, (i) => ({ addr: `"10.0.0.${i}"` }))),
    });
    const h = hookHarness(charm, { tools, metadata: peersMeta });
    await h.run({ hookName: 'cluster-relation-joined', relation: rel, remoteUnit: 'mysql/2' });
    // Juju: during -departed the unit is gone from relation-list but its data is readable.
    const r = tools.world.relations['cluster:0'];
    if (!r?.units['mysql/2']) throw new Error('fixture');
    r.departed = { 'mysql/2': r.units['mysql/2'] };
    delete r.units['mysql/2'];
    const result = await h.run({
      hookName: 'cluster-relation-departed',
      relation: rel,
      remoteUnit: 'mysql/2',
      departingUnit: 'mysql/2',
    });
    expect(result.ok).toBe(true);
    expect(h.store.load().flags).toEqual(
      expect.arrayContaining([
        'endpoint.cluster.departed',
        'endpoint.cluster.changed',
        'endpoint.cluster.joined',
      ]),
    );
    expect(departed).toEqual([
      {
        unitName: 'mysql/2',
        relationId: 'cluster:0',
        received: { addr: '10.0.0.2' },
        receivedRaw: { addr: '"10.0.0.2"' },
      },
    ]);
  });

  it('keeps departed units across hooks until cleared', async () => {
    const charm = new Charm().endpoint(TestPeers);
    const seen: string[][] = [];
    charm.hook('update-status').run(function look(rt) {
      const peers = rt.endpoint(TestPeers);
      seen.push(peers.allDepartedUnits.map((u) => u.unitName));
      peers.clearDepartedUnits();
    });
    const tools = peerTools({ 'cluster:0': peerRelation(peerUnits(1)) });
    const h = hookHarness(charm, { tools, metadata: peersMeta });
    await h.run({ hookName: 'cluster-relation-departed', relation: rel, remoteUnit: 'mysql/7' });
    await h.run({ hookName: 'update-status' });
    await h.run({ hookName: 'update-status' });
    expect(seen).toEqual([['mysql/7'], []]);
  });

  it('is cleared by the next non-departed hook while still joined, and kept when no unit remains', async () => {
    const { h, flags, world } = setup(peerUnits(1));
    await h.run({ hookName: 'cluster-relation-joined', relation: rel, remoteUnit: 'mysql/1' });
    h.store.save({
      version: 1,
      flags: flags().filter((f) => !f.startsWith('endpoint.cluster.changed')),
      data: h.store.load().data,
    });
    // mysql/9 never published anything: its departure alone must still set changed.
    await h.run({ hookName: 'cluster-relation-departed', relation: rel, remoteUnit: 'mysql/9' });
    expect(flags()).toEqual(
      expect.arrayContaining(['endpoint.cluster.departed', 'endpoint.cluster.changed']),
    );
    await h.run({ hookName: 'update-status' });
    expect(flags()).not.toContain('endpoint.cluster.departed');

    const r = world.relations['cluster:0'];
    if (!r) throw new Error('fixture');
    r.units = {};
    await h.run({ hookName: 'cluster-relation-departed', relation: rel, remoteUnit: 'mysql/1' });
    expect(flags()).toContain('endpoint.cluster.departed');
    expect(flags()).not.toContain('endpoint.cluster.joined');
    await h.run({ hookName: 'update-status' });
    expect(flags()).toContain('endpoint.cluster.departed');
  });
});

describe('endpoint.<name>.joined when the relation is gone (charms.reactive, Endpoint._manage_flags)', () => {
  it('is cleared by the next hook of any kind, even without a -broken hook', async () => {
    const { h, flags, world } = setup(peerUnits(2));
    await h.run({ hookName: 'cluster-relation-joined', relation: rel, remoteUnit: 'mysql/1' });
    expect(flags()).toContain('endpoint.cluster.joined');
    // The relation was removed while this unit missed its hooks (a failed -broken, say).
    delete world.relations['cluster:0'];
    const result = await h.run({ hookName: 'update-status' });
    expect(result.error).toBeUndefined();
    expect(flags()).not.toContain('endpoint.cluster.joined');
  });

  it('is cleared when the last remote unit left in a -departed hook that failed and was skipped (juju resolved --no-retry commits membership: worker/uniter/operation/skip.go)', async () => {
    const charm = new Charm().endpoint(TestPeers);
    charm.hook('cluster-relation-departed').run(function fails() {
      throw new Error('boom');
    });
    const tools = peerTools({ 'cluster:0': peerRelation(peerUnits(1)) });
    const h = hookHarness(charm, { tools, metadata: peersMeta });
    const flags = () => h.store.load().flags;
    await h.run({ hookName: 'cluster-relation-joined', relation: rel, remoteUnit: 'mysql/1' });
    const r = tools.world.relations['cluster:0'];
    if (!r) throw new Error('fixture');
    r.units = {};
    const departed = await h.run({
      hookName: 'cluster-relation-departed',
      relation: rel,
      remoteUnit: 'mysql/1',
    });
    expect(departed.ok).toBe(false);
    // Skipped: Juju commits the membership change, the charm's state has none of it.
    tools.calls.length = 0;
    await h.run({ hookName: 'config-changed' });
    expect(tools.toolNames()).toContain('relation-list');
    expect(flags()).not.toContain('endpoint.cluster.joined');
  });
});

describe('relations during the -departed hook of the last remote unit', () => {
  const websiteMeta = {
    name: 'mysql',
    endpoints: [{ name: 'website', role: 'requires' as const, interface: 'http' }],
  };

  it('leaves out a requires relation, as charms.reactive does (Endpoint._manage_departed)', async () => {
    const charm = new Charm().endpoint(HttpEndpoint);
    const seen: string[][] = [];
    charm.hook('website-relation-departed').run(function look(rt) {
      seen.push(rt.endpoint(HttpEndpoint).relations.map((r) => r.relationId));
    });
    // web/1 leaves website:0, its last remote unit: Juju no longer lists it, its data stays.
    const tools = peerTools({
      'website:0': { endpoint: 'website', app: 'web', units: {}, departed: { 'web/1': {} } },
      'website:1': { endpoint: 'website', app: 'blog', units: { 'blog/0': {} } },
    });
    const h = hookHarness(charm, { tools, metadata: websiteMeta });
    const result = await h.run({
      hookName: 'website-relation-departed',
      relation: { name: 'website', id: 'website:0' },
      remoteUnit: 'web/1',
    });
    expect(result.error).toBeUndefined();
    expect(seen).toEqual([['website:1']]);
  });

  it('keeps a peer relation: it lasts as long as the application', async () => {
    const charm = new Charm().endpoint(TestPeers);
    const seen: string[][] = [];
    charm.hook('cluster-relation-departed').run(function look(rt) {
      seen.push(rt.endpoint(TestPeers).relations.map((r) => r.relationId));
    });
    const tools = peerTools({ 'cluster:0': peerRelation({}, { departed: { 'mysql/1': {} } }) });
    const h = hookHarness(charm, { tools, metadata: peersMeta });
    await h.run({ hookName: 'cluster-relation-departed', relation: rel, remoteUnit: 'mysql/1' });
    expect(seen).toEqual([['cluster:0']]);
  });
});

describe('hook-tool economy', () => {
  it('reads no relation data for an already-joined endpoint outside its own relation hooks', async () => {
    const { h, tools } = setup(peerUnits(2, () => ({ a: '"x"' })));
    await h.run({ hookName: 'cluster-relation-joined', relation: rel, remoteUnit: 'mysql/1' });
    tools.calls.length = 0;
    await h.run({ hookName: 'update-status' });
    // Only the re-check of `joined` (charms.reactive endpoints.py, Endpoint._manage_flags).
    // Its relation-list is answered from the members the -joined hook recorded (relation-list
    // lists the units whose -joined committed: worker/uniter/relation/state.go
    // UpdateStateForHook); the harness gives no JUJU_VERSION, so relation-ids is asked.
    expect(tools.toolNames()).toEqual(['relation-ids']);
  });

  it('reads only the remote unit of a relation-changed hook, once, and no relation-ids for a peer endpoint (JUJU_RELATION_ID: juju worker/uniter/runner/context/context.go HookVars)', async () => {
    const { h, tools } = setup(peerUnits(3, () => ({ a: '"x"' })));
    await h.run({ hookName: 'cluster-relation-changed', relation: rel, remoteUnit: 'mysql/2' });
    expect(tools.callsOf('relation-get').map((c) => c.args[1])).toEqual(['mysql/2']);
    expect(tools.callsOf('relation-ids')).toHaveLength(0);
    expect(tools.callsOf('relation-list')).toHaveLength(1);
  });
});

describe('what the unit state keeps of the values seen (one record per remote unit)', () => {
  const changed = (id: string, unit: string) => ({
    hookName: 'cluster-relation-changed',
    relation: { name: 'cluster', id },
    remoteUnit: unit,
  });
  const seenKeys = (h: ReturnType<typeof setup>['h']) =>
    Object.keys(h.store.load().data)
      .filter((k) => k.startsWith('endpoint.cluster.seen'))
      .sort();

  it('a -changed hook writes its remote unit’s record only: the other units’ records are left as they are', async () => {
    const { h } = setup();
    await h.run(changed('cluster:0', 'mysql/1'));
    await h.run(changed('cluster:0', 'mysql/2'));
    expect(seenKeys(h)).toEqual([
      'endpoint.cluster.seen.cluster:0 mysql/1',
      'endpoint.cluster.seen.cluster:0 mysql/2',
    ]);
    // A record that is not this hook's unit's is not rewritten (here: hand-marked).
    const saved = h.store.load();
    h.store.save({
      ...saved,
      data: { ...saved.data, 'endpoint.cluster.seen.cluster:0 mysql/2': { marked: 'x' } },
    });
    await h.run(changed('cluster:0', 'mysql/1'));
    expect(h.store.load().data['endpoint.cluster.seen.cluster:0 mysql/2']).toEqual({
      marked: 'x',
    });
  });

  it('moves records kept in the older layout (one key for all units) to one key per unit, with no change seen', async () => {
    const { h, flags } = setup();
    await h.run(changed('cluster:0', 'mysql/1'));
    await h.run(changed('cluster:0', 'mysql/2'));
    await h.run({ hookName: 'update-status' }); // nothing new: the changed flags stay as handlers left them
    const saved = h.store.load();
    const data = { ...saved.data };
    const legacy: Record<string, Record<string, unknown>> = { 'cluster:0': {} };
    for (const unit of ['mysql/1', 'mysql/2']) {
      const key = `endpoint.cluster.seen.cluster:0 ${unit}`;
      (legacy['cluster:0'] as Record<string, unknown>)[unit] = data[key];
      delete data[key];
    }
    data['endpoint.cluster.seen'] = legacy as never;
    h.store.save({
      ...saved,
      flags: saved.flags.filter((f) => !f.startsWith('endpoint.cluster.changed')),
      data,
    });
    await h.run(changed('cluster:0', 'mysql/2'));
    expect(flags().filter((f) => f.startsWith('endpoint.cluster.changed'))).toEqual([]);
    expect(seenKeys(h)).toEqual([
      'endpoint.cluster.seen.cluster:0 mysql/1',
      'endpoint.cluster.seen.cluster:0 mysql/2',
    ]);
  });

  it('drops a departed unit’s record in its -departed hook, and every record of a relation in its -broken hook', async () => {
    const { h, world } = setup();
    await h.run(changed('cluster:0', 'mysql/1'));
    await h.run(changed('cluster:0', 'mysql/2'));
    const r = world.relations['cluster:0'];
    if (r === undefined) throw new Error('no relation');
    r.departed = { 'mysql/2': r.units['mysql/2'] ?? {} };
    delete r.units['mysql/2'];
    await h.run({ ...changed('cluster:0', 'mysql/2'), hookName: 'cluster-relation-departed' });
    expect(seenKeys(h)).toEqual(['endpoint.cluster.seen.cluster:0 mysql/1']);
    await h.run({ hookName: 'cluster-relation-broken', relation: rel });
    expect(seenKeys(h)).toEqual([]);
  });
});
