// The cluster-view relation on the simulator: a provider application whose leader publishes
// the members, a client application that follows the primary.
import { Model } from 'juju-reactive/testing';
import { describe, expect, it } from 'vitest';
import {
  clientCharm,
  clientMetadata,
  member,
  providerCharm,
  providerConfig,
  providerMetadata,
} from './fixtures/charms.js';

const TWO = JSON.stringify([member(0, 'PRIMARY'), member(1, 'SECONDARY')]);

async function related(members = TWO, units = 2): Promise<Model> {
  const model = new Model();
  await model.deploy('db', {
    charm: providerCharm,
    metadata: providerMetadata,
    configOptions: providerConfig,
    config: { members },
    units,
  });
  await model.deploy('app', { charm: clientCharm, metadata: clientMetadata, units: 2 });
  model.relate('app:db', 'db:view');
  const report = await model.settle();
  expect(report.settled).toBe(true);
  return model;
}

function warnings(model: Model, unit: string): string[] {
  return model.trace.flatMap((e) =>
    e.kind === 'log' && e.unit === unit && e.level === 'WARNING' ? [e.message] : [],
  );
}

describe('cluster-view provides', () => {
  it('publishes the members and generation 1 in the application bag, written by the leader', async () => {
    const model = await related();
    const bag = model.relationData('db:0', 'db');
    expect(JSON.parse(bag['members'] ?? '')).toEqual([
      member(0, 'PRIMARY'),
      member(1, 'SECONDARY'),
    ]);
    expect(bag['generation']).toBe('1');
    expect(model.relationData('db:0', 'db/1')).not.toHaveProperty('members');
  });

  it('keeps the generation when the same members are published again', async () => {
    const model = await related();
    model.setConfig('db', { members: TWO });
    model.setConfig('db', { 'raw-members': '' });
    await model.settle();
    expect(model.relationData('db:0', 'db')['generation']).toBe('1');
  });

  it('raises the generation with every change of the members', async () => {
    const model = await related();
    model.setConfig('db', {
      members: JSON.stringify([member(0, 'SECONDARY'), member(1, 'PRIMARY')]),
    });
    await model.settle();
    expect(model.relationData('db:0', 'db')['generation']).toBe('2');
    model.setConfig('db', {
      members: JSON.stringify([member(0, 'SECONDARY', { hidden: true }), member(1, 'PRIMARY')]),
    });
    await model.settle();
    expect(model.relationData('db:0', 'db')['generation']).toBe('3');
  });

  it('continues the generation after a leader change (the new leader reads it back)', async () => {
    const model = await related();
    model.setConfig('db', {
      members: JSON.stringify([member(0, 'SECONDARY'), member(1, 'PRIMARY')]),
    });
    await model.settle();
    model.setLeader('db/1');
    await model.settle();
    model.setConfig('db', { members: TWO });
    await model.settle();
    expect(model.relationData('db:0', 'db')['generation']).toBe('3');
    expect(model.unit('db/1').data['published-generation']).toBe(3);
  });

  it('fails the hook (and publishes nothing) when the leader would publish two PRIMARY members', async () => {
    const model = await related();
    model.setConfig('db', {
      members: JSON.stringify([member(0, 'PRIMARY'), member(1, 'PRIMARY')]),
    });
    await model.settle({ maxHooks: 50 });
    const leader = model.leader('db') ?? '';
    expect(model.unit(leader).inError).toBe(true);
    expect(model.unit(leader).error?.message).toContain('holds more than one PRIMARY');
    expect(model.relationData('db:0', 'db')['generation']).toBe('1');
  });
});

describe('cluster-view requires', () => {
  it('sets db.available and db.primary.changed on every client unit once the view arrives', async () => {
    const model = await related();
    for (const unit of ['app/0', 'app/1']) {
      expect(model.unit(unit).flags).toContain('db.available');
      expect(model.unit(unit).data['primaries']).toEqual(['db/0@10.1.0.10']);
      expect(model.unit(unit).data['generation']).toBe(1);
    }
  });

  it('sets db.primary.changed again after a failover, naming the new primary', async () => {
    const model = await related();
    model.setConfig('db', { members: JSON.stringify([member(0, 'FAULTY'), member(1, 'PRIMARY')]) });
    await model.settle();
    expect(model.unit('app/0').data['primaries']).toEqual(['db/0@10.1.0.10', 'db/1@10.1.0.11']);
    expect(model.unit('app/0').flags).not.toContain('db.primary.changed');
  });

  it('does not set db.primary.changed when only a secondary changes', async () => {
    const model = await related();
    model.setConfig('db', {
      members: JSON.stringify([member(0, 'PRIMARY'), member(1, 'SECONDARY', { weight: 3 })]),
    });
    await model.settle();
    expect(model.unit('app/1').data['primaries']).toEqual(['db/0@10.1.0.10']);
    expect(model.unit('app/1').data['generation']).toBe(2);
  });

  it('treats a hidden primary as no primary (a change to "none")', async () => {
    const model = await related();
    model.setConfig('db', {
      members: JSON.stringify([member(0, 'PRIMARY', { hidden: true }), member(1, 'SECONDARY')]),
    });
    await model.settle();
    expect(model.unit('app/0').data['primaries']).toEqual(['db/0@10.1.0.10', '-']);
  });

  it.each([
    ['not JSON', '{oops', 'members is not JSON'],
    ['a bad port', JSON.stringify([member(0, 'PRIMARY', { port: 70000 })]), 'members[0].port'],
    [
      'an unknown role',
      JSON.stringify([{ ...member(0, 'PRIMARY'), role: 'MASTER' }]),
      'members[0].role',
    ],
    [
      'two primaries',
      JSON.stringify([member(0, 'PRIMARY'), member(1, 'PRIMARY')]),
      'more than one PRIMARY',
    ],
    ['an extra key', JSON.stringify([{ ...member(0, 'PRIMARY'), password: 'x' }]), 'members[0]'],
    [
      'too many members',
      JSON.stringify(Array.from({ length: 129 }, (_, i) => member(i, 'SECONDARY'))),
      'members',
    ],
    ['too much text', `[${' '.repeat(70_000)}]`, 'longer than 65536'],
  ])(
    'rejects a view with %s: logs a warning, clears db.available, and the hook succeeds',
    async (_what, raw, says) => {
      const model = await related();
      model.setConfig('db', { 'raw-members': raw });
      await model.settle();
      expect(model.unit('app/0').inError).toBe(false);
      expect(model.unit('app/0').flags).not.toContain('db.available');
      expect(model.unit('app/0').data['generation']).toBeUndefined();
      expect(warnings(model, 'app/0').at(-1)).toContain(
        `ignoring the cluster view from db on db:0`,
      );
      expect(warnings(model, 'app/0').at(-1)).toContain(says);
    },
  );

  it('reads no relation data in hooks of other endpoints (leader-settings-changed after a leader change)', async () => {
    const model = await related();
    const before = model.trace.at(-1)?.seq ?? 0;
    model.setLeader('app/1');
    await model.settle();
    const hooks = model.trace.filter(
      (e) => e.seq > before && e.kind === 'hook' && e.unit === 'app/0',
    );
    expect(hooks.length).toBeGreaterThan(0);
    const reads = model.trace.filter(
      (e) => e.seq > before && e.kind === 'tool' && e.unit === 'app/0' && e.tool === 'relation-get',
    );
    expect(reads).toEqual([]);
    expect(model.unit('app/0').flags).toContain('db.available');
  });

  it('takes the view back once the provider publishes a valid one again', async () => {
    const model = await related();
    model.setConfig('db', { 'raw-members': '{oops' });
    await model.settle();
    model.setConfig('db', { 'raw-members': '' });
    await model.settle();
    expect(model.unit('app/0').flags).toContain('db.available');
  });
});
