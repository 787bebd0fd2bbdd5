// Relations between two applications (provides/requires): created on both sides, a
// joined+changed pair per remote unit, application data, departed and broken on removal.
import { describe, expect, it } from 'vitest';
import { Charm, type CharmMetadata } from '../../src/index.js';
import { Model } from '../../src/testing/index.js';
import { hooksRun, now } from './helpers.js';

const serverMeta: CharmMetadata = {
  name: 'server',
  endpoints: [{ name: 'db', role: 'provides', interface: 'kv' }],
};
const clientMeta: CharmMetadata = {
  name: 'client',
  endpoints: [{ name: 'database', role: 'requires', interface: 'kv' }],
};

/** Remembers, per hook, what relation-ids said about its endpoint. */
function recorder(endpoint: string): Charm {
  const charm = new Charm();
  charm.hook(`${endpoint}-relation-*`).run(function recordIds(rt) {
    rt.state.set('ids', rt.juju.relationIds(endpoint).unwrap());
  });
  return charm;
}

async function twoApps(): Promise<Model> {
  const model = new Model();
  await model.deploy('server', { charm: recorder('db'), metadata: serverMeta, units: 1 });
  await model.deploy('client', { charm: recorder('database'), metadata: clientMeta, units: 2 });
  await model.settle();
  return model;
}

describe('relating two applications', () => {
  it('runs -relation-created on every unit, then joined+changed per remote unit', async () => {
    const model = await twoApps();
    const before = now(model);

    const id = model.relate('client', 'server');
    await model.settle();

    expect(id).toBe('database:0');
    expect(model.relationIds('server', 'db')).toEqual(['db:0']);
    expect(hooksRun(model, 'server/0', before)).toEqual([
      'db-relation-created',
      'db-relation-joined client/0',
      'db-relation-changed client/0',
      'db-relation-joined client/1',
      'db-relation-changed client/1',
    ]);
    expect(hooksRun(model, 'client/1', before)).toEqual([
      'database-relation-created',
      'database-relation-joined server/0',
      'database-relation-changed server/0',
    ]);
    expect(model.unit('client/1').data['ids']).toEqual(['database:0']);
  });

  it('runs -relation-changed on the remote units when an application bag changes', async () => {
    const model = await twoApps();
    model.relate('client:database', 'server:db');
    await model.settle();
    const before = now(model);

    model.setRelationData('server', 'db', { url: 'kv://server' });
    await model.settle();

    expect(model.relationData('db:0', 'server')).toEqual({ url: 'kv://server' });
    expect(hooksRun(model, 'client/0', before)).toEqual(['database-relation-changed server']);
    expect(hooksRun(model, 'server/0', before)).toEqual([]);
  });

  it('runs departed then broken on both sides when the relation is removed', async () => {
    const model = await twoApps();
    model.relate('client', 'server');
    await model.settle();
    const before = now(model);

    model.removeRelation('db:0');
    await model.settle();

    expect(hooksRun(model, 'server/0', before)).toEqual([
      'db-relation-departed client/0',
      'db-relation-departed client/1',
      'db-relation-broken',
    ]);
    expect(hooksRun(model, 'client/0', before)).toEqual([
      'database-relation-departed server/0',
      'database-relation-broken',
    ]);
    expect(model.relationIds('server', 'db')).toEqual([]);
  });

  it('runs -broken on a removed unit for its non-peer relations', async () => {
    const model = await twoApps();
    model.relate('client', 'server');
    await model.settle();
    const before = now(model);

    model.removeUnit('client/1');
    await model.settle();

    expect(hooksRun(model, 'server/0', before)).toEqual(['db-relation-departed client/1']);
    expect(hooksRun(model, 'client/1', before)).toEqual([
      'database-relation-departed server/0',
      'database-relation-broken',
      'stop',
      'remove',
    ]);
  });

  it('refuses endpoints that do not fit', async () => {
    const model = await twoApps();
    expect(() => model.relate('server', 'server')).toThrow(/cannot relate/);
  });
});
