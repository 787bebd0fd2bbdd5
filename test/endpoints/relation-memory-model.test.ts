// The unit's relation records against the simulator's Juju rules: in every hook of a model that
// scales up and down, moves an address, fails and skips a hook, upgrades the charm and removes
// and re-adds a relation, what the library answers for relation-ids, relation-list and this
// unit's own bag (src/endpoints/relation-memory.ts) is what the hook tools answer.
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import type { HookRuntime } from '../../src/charm/runtime.js';
import { RELATION_MEMORY_KEY } from '../../src/endpoints/relation-memory.js';
import { compareUnitNames } from '../../src/juju/ordering.js';
import { Model } from '../../src/testing/index.js';
import { HttpEndpoint, TestPeers } from './builders.js';

const dbMeta = {
  name: 'db',
  endpoints: [
    { name: 'cluster', role: 'peers' as const, interface: 'test-peers' },
    { name: 'backend', role: 'requires' as const, interface: 'http' },
  ],
};
const webMeta = {
  name: 'web',
  endpoints: [{ name: 'website', role: 'provides' as const, interface: 'http' }],
};

const sorted = (list: readonly string[]): string[] => [...list].sort();

/** Compare the library's answers with the tools' own in this hook; note every difference. */
function compareWithJuju(rt: HookRuntime, mismatches: string[]): void {
  const raw = rt.juju.tools;
  const where = `${rt.unitName} ${rt.hookName}`;
  for (const endpoint of rt.endpoints) {
    const truthIds = raw.relationIds(endpoint.endpointName);
    const ids = rt.juju.relationIds(endpoint.endpointName);
    if (truthIds.isErr() || ids.isErr()) continue;
    if (sorted(ids.value).join() !== sorted(truthIds.value).join())
      mismatches.push(
        `${where}: relation-ids ${endpoint.endpointName} ${ids.value} != ${truthIds.value}`,
      );
    for (const id of truthIds.value) {
      const truth = raw.relationList(id);
      const list = rt.juju.relationList(id);
      if (truth.isOk() && list.isOk() && sorted(list.value).join() !== sorted(truth.value).join())
        mismatches.push(`${where}: relation-list ${id} ${list.value} != ${truth.value}`);
      // The kept list is in unit order (db/2 before db/10), however it grew.
      if (list.isOk() && list.value.join() !== [...list.value].sort(compareUnitNames).join())
        mismatches.push(`${where}: relation-list ${id} out of unit order: ${list.value}`);
      const bag = raw.relationGet(id, rt.unitName);
      if (bag.isErr()) continue;
      for (const key of [...Object.keys(bag.value), 'never-published']) {
        const value = rt.juju.publishedValue(id, rt.unitName, false, key);
        if (value.isOk() && value.value !== bag.value[key])
          mismatches.push(`${where}: own ${id} ${key} ${value.value} != ${bag.value[key]}`);
      }
    }
  }
}

/** Publishes what changes with membership (so bags are written, and records dropped, often). */
function dbCharm(mismatches: string[], counter: { hooks: number }): Charm {
  const charm = new Charm().endpoint(TestPeers).endpoint(HttpEndpoint);
  charm.handler({ id: 'check' }, function check(rt) {
    counter.hooks++;
    compareWithJuju(rt, mismatches);
    for (const endpoint of rt.endpoints)
      for (const relation of endpoint.relations) {
        relation.toPublish.members = relation.joinedUnits.length;
        relation.toPublish['db-password'] = 'pw-not-in-state';
      }
  });
  return charm;
}

describe('relation records in a changing model (simulator; Juju rules cited in src/endpoints/relation-memory.ts)', () => {
  it('answer as Juju does in every hook: scale up and down, address change, failed and skipped hooks, upgrade-charm, relation removed and re-added', async () => {
    const mismatches: string[] = [];
    const counter = { hooks: 0 };
    const model = new Model({ seed: 7, maxRetries: 3 });
    await model.deploy('db', {
      charm: () => dbCharm(mismatches, counter),
      metadata: dbMeta,
      units: 3,
    });
    await model.deploy('web', {
      charm: () => new Charm().endpoint(HttpEndpoint),
      metadata: webMeta,
      units: 2,
    });
    const relation = model.relate('db:backend', 'web:website');
    expect((await model.settle()).settled).toBe(true);

    // Past db/9: unit order is by number (db/10 after db/9), not as strings sort.
    for (let i = 0; i < 9; i++) model.addUnit('db');
    model.addUnit('web');
    expect((await model.settle()).settled).toBe(true);
    // An address change: Juju rewrites the unit's network keys when config-changed commits.
    model.setBinding('db/0', 'cluster', '10.20.30.40');
    model.setBinding('db/0', 'backend', '10.20.30.41');
    expect((await model.settle()).settled).toBe(true);
    expect(model.relationData('cluster:0', 'db/0')['ingress-address']).toBe('10.20.30.40');

    // A failed hook, retried.
    model.failNextHook('db/2', { hook: 'cluster-relation-changed' });
    model.removeUnit('db/1');
    expect((await model.settle()).settled).toBe(true);

    // A failed -departed, skipped (`juju resolved --no-retry` commits its membership).
    model.failNextHook('db/2', { hook: 'cluster-relation-departed', times: 10 });
    model.removeUnit('db/3');
    let report = await model.settle();
    expect(report.errorUnits).toEqual(['db/2']);
    model.resolve('db/2', { retry: false });
    report = await model.settle();
    expect(report.settled).toBe(true);

    await model.upgradeCharm('db', { charm: () => dbCharm(mismatches, counter), metadata: dbMeta });
    expect((await model.settle()).settled).toBe(true);

    model.removeRelation(relation);
    expect((await model.settle()).settled).toBe(true);
    model.relate('db:backend', 'web:website');
    model.removeUnit('web/1');
    expect((await model.settle()).settled).toBe(true);

    expect(mismatches).toEqual([]);
    expect(counter.hooks).toBeGreaterThan(60);
    // The records keep no password (a credential-like key is kept as a hash).
    for (const unit of model.units('db')) {
      const records = JSON.stringify(model.unit(unit).data[RELATION_MEMORY_KEY]);
      expect(records).toContain('db-password');
      expect(records).not.toContain('pw-not-in-state');
    }
  }, 60_000);
});
