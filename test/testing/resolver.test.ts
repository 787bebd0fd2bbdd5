// The simulator schedules hooks as Juju's uniter resolver does (worker/uniter/resolver.go,
// worker/uniter/relation/resolver.go, worker/uniter/leadership/resolver.go), on a virtual clock.
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import type { CharmMetadata } from '../../src/juju/metadata.js';
import { Model } from '../../src/testing/index.js';
import { hooksRun, now, probeModel } from './helpers.js';

const metadata: CharmMetadata = {
  name: 'raw',
  endpoints: [{ name: 'cluster', role: 'peers', interface: 'raw-peers' }],
};

/** A charm that records, in its unit state, what relation-list answers in every hook. */
function listingCharm(): Charm {
  const charm = new Charm({ metadata });
  charm.hook('*').run(function recordList(rt) {
    const [id] = rt.juju.tools.relationIds('cluster').unwrapOr([]);
    if (id !== undefined) rt.state.set('list', rt.juju.tools.relationList(id).unwrapOr([]));
  });
  return charm;
}

describe('resolver priority (worker/uniter/resolver.go NextOp/nextOp)', () => {
  it('runs config-changed before relation hooks the unit already owes', async () => {
    const model = await probeModel(2);
    await model.settle();
    model.addUnit('probe');
    model.setConfig('probe', { payload: 'now' });
    const before = now(model);

    await model.settle();

    const ran = hooksRun(model, 'probe/1', before);
    expect(ran.indexOf('config-changed')).toBeLessThan(
      ran.indexOf('cluster-relation-joined probe/2'),
    );
  });

  it('coalesces config-changed: three config changes owed to a busy unit give one hook', async () => {
    const model = await probeModel(2);
    await model.settle();
    const before = now(model);
    model.setConfig('probe', { payload: 'a' });
    model.setConfig('probe', { payload: 'b' });
    model.setConfig('probe', { payload: 'c' });

    await model.settle();

    for (const unit of ['probe/0', 'probe/1']) {
      expect(hooksRun(model, unit, before).filter((h) => h === 'config-changed')).toHaveLength(1);
    }
    expect(model.relationData('cluster:0', 'probe/1')).toMatchObject({ payload: 'c' });
  });

  it('runs leader-settings-changed (leadership slot) before config-changed (worker/uniter/leadership/resolver.go)', async () => {
    const model = await probeModel(2);
    await model.settle();
    model.setConfig('probe', { payload: 'x' });
    await model.step('probe/0'); // the leader's config-changed: leader-set payload

    expect(model.unit('probe/1').pendingHooks).toEqual([
      'leader-settings-changed',
      'config-changed',
      'cluster-relation-changed probe/0',
    ]);
  });

  it('runs install, relation-created, leader hook, config-changed, start in that order (operation/runhook.go queues start after config-changed)', async () => {
    const model = await probeModel(2);
    await model.settle();
    expect(hooksRun(model, 'probe/1').slice(0, 5)).toEqual([
      'install',
      'cluster-relation-created',
      'leader-settings-changed',
      'config-changed',
      'start',
    ]);
  });
});

describe('relation hook order (worker/uniter/relation/resolver.go nextHookForRelation)', () => {
  it('joins remote units in Go string order: app/10 before app/2', async () => {
    const model = new Model();
    await model.deploy('raw', { charm: listingCharm, units: 12 });
    await model.settle();

    const joins = model
      .timeline('raw/0')
      .filter((e) => e.hook === 'cluster-relation-joined')
      .map((e) => e.remoteUnit);
    expect(joins).toEqual([
      'raw/1',
      'raw/10',
      'raw/11',
      'raw/2',
      'raw/3',
      'raw/4',
      'raw/5',
      'raw/6',
      'raw/7',
      'raw/8',
      'raw/9',
    ]);
  });

  it('runs the changed right after its joined within the relation (ChangedPending), but a higher slot may come between', async () => {
    const model = await probeModel(2);
    await model.settle();
    model.addUnit('probe');
    let entry = await model.step('probe/0');
    while (entry !== undefined && entry.hook !== 'cluster-relation-joined') {
      entry = await model.step('probe/0');
    }
    expect(entry?.remoteUnit).toBe('probe/2');
    model.setConfig('probe', { payload: 'between' });

    expect((await model.step('probe/0'))?.label).toBe('config-changed');
    expect((await model.step('probe/0'))?.label).toBe('cluster-relation-changed probe/2');
  });

  it('runs departs before joins when both are owed', async () => {
    const model = await probeModel(3);
    await model.settle();
    model.addUnit('probe');
    model.removeUnit('probe/1');
    const before = now(model);

    await model.settle();

    const ran = hooksRun(model, 'probe/0', before);
    expect(ran.indexOf('cluster-relation-departed probe/1')).toBeLessThan(
      ran.indexOf('cluster-relation-joined probe/3'),
    );
  });
});

describe('virtual clock: update-status (worker/uniter/resolver.go: runs if nothing else needs to)', () => {
  it('runs update-status on every started unit every 5 minutes of virtual time, and settle() never waits for it', async () => {
    const model = await probeModel(2);
    await model.settle();
    const before = now(model);
    expect(model.now).toBe(0);

    await model.advance({ minutes: 4 });
    expect(hooksRun(model, 'probe/0', before)).toEqual([]);
    await model.advance({ minutes: 1 });
    expect(hooksRun(model, 'probe/0', before)).toEqual(['update-status']);
    expect(hooksRun(model, 'probe/1', before)).toEqual(['update-status']);
    await model.advance({ hours: 1 });
    expect(hooksRun(model, 'probe/0', before)).toHaveLength(13);
    expect(model.now).toBe(65 * 60_000);
  });

  it('honours model config update-status-hook-interval, and rejects one outside 1m..60m', async () => {
    const model = await probeModel(1, { modelConfig: { 'update-status-hook-interval': '1m' } });
    await model.settle();
    const before = now(model);
    await model.advance({ minutes: 3 });
    expect(hooksRun(model, 'probe/0', before)).toHaveLength(3);
    expect(() => new Model({ modelConfig: { 'update-status-hook-interval': '10s' } })).toThrow(
      /between 1m and 60m/,
    );
    expect(() => new Model({ modelConfig: { 'update-status-hook-interval': 'soon' } })).toThrow(
      /update-status-hook-interval "soon"/,
    );
  });

  it('rejects a negative or non-numeric advance', async () => {
    const model = new Model();
    await expect(model.advance({ seconds: -1 })).rejects.toThrow(/seconds must be/);
    await expect(model.advance({ minutes: Number.NaN })).rejects.toThrow(/minutes must be/);
  });
});

describe('failed hooks (apiserver/facades/agent/retrystrategy: 5 s doubling to 5 min, for ever)', () => {
  it('retries after 5, 10, 20, 40, 80, 160 s then every 5 min, and blocks the unit meanwhile', async () => {
    const model = await probeModel(2, { maxRetries: 0 });
    await model.settle();
    model.setConfig('probe', { payload: 'r' });
    model.failNextHook('probe/1', { hook: 'config-changed', times: 100 });
    expect((await model.settle()).errorUnits).toEqual(['probe/1']);
    model.setConfig('probe', { payload: 'r2' });
    const attempts = () =>
      model.timeline('probe/1').filter((e) => e.hook === 'config-changed').length;
    const base = attempts();

    const gaps = [5, 10, 20, 40, 80, 160, 300, 300, 300];
    for (const [i, gap] of gaps.entries()) {
      await model.advance({ seconds: gap - 1 });
      expect(attempts()).toBe(base + i);
      await model.advance({ seconds: 1 });
      expect(attempts()).toBe(base + i + 1);
    }
    // Blocked: the leader's news waits behind the failed hook.
    expect(model.unit('probe/1').pendingHooks).toContain('leader-settings-changed');
    expect(model.unit('probe/1').inError).toBe(true);
  });

  it('settle() waits for at most maxRetries retries on the virtual clock', async () => {
    const model = await probeModel(1, { maxRetries: 2 });
    await model.settle();
    model.setConfig('probe', { payload: 'm' });
    model.failNextHook('probe/0', { hook: 'config-changed', times: 10 });
    const start = model.now;

    const report = await model.settle();

    expect(report).toMatchObject({ settled: false, hooksFailed: 3, errorUnits: ['probe/0'] });
    expect(model.now - start).toBe(15_000); // 5 s + 10 s
  });

  it('resolve({ retry: false }) commits a skipped joined, so relation-list names the remote unit (worker/uniter/operation/skip.go)', async () => {
    const model = new Model({ maxRetries: 0 });
    await model.deploy('raw', { charm: listingCharm, units: 2 });
    model.failNextHook('raw/0', { hook: 'cluster-relation-joined' });
    expect((await model.settle()).errorUnits).toEqual(['raw/0']);

    model.resolve('raw/0', { retry: false });
    await model.settle();
    model.fireHook('raw/0', 'update-status');
    await model.settle();

    expect(model.unit('raw/0').data['list']).toEqual(['raw/1']);
  });
});

describe('fireHook and upgradeCharm', () => {
  it('fires any hook Juju schedules by itself, and refuses relation hooks with a clear error', async () => {
    const model = await probeModel(1);
    await model.settle();
    const before = now(model);
    model.fireHook('probe/0', 'collect-metrics');
    model.fireHook('probe/0', 'update-status');
    await model.settle();
    expect(hooksRun(model, 'probe/0', before)).toEqual(['collect-metrics', 'update-status']);
    expect(() => model.fireHook('probe/0', 'cluster-relation-joined')).toThrow(/cannot fire/);
  });

  it('runs upgrade-charm then config-changed on every unit, with the new charm (operation/runhook.go Commit)', async () => {
    const model = await probeModel(2);
    await model.settle();
    const before = now(model);
    const seen: string[] = [];
    const upgraded = new Charm({
      metadata: {
        name: 'probe',
        endpoints: [{ name: 'cluster', role: 'peers', interface: 'probe-peers' }],
      },
    });
    upgraded.hook('*').run(function recordHook(rt) {
      seen.push(`${rt.unitName} ${rt.hookName}`);
    });

    await model.upgradeCharm('probe', { charm: upgraded, configOptions: {} });
    await model.settle();

    expect(hooksRun(model, 'probe/0', before)).toEqual(['upgrade-charm', 'config-changed']);
    expect(hooksRun(model, 'probe/1', before)).toEqual(['upgrade-charm', 'config-changed']);
    expect(seen).toContain('probe/1 upgrade-charm');
  });
});

describe('model size and unit counts', () => {
  it('rejects units that are not whole numbers of at least 0, and models beyond the supported size', async () => {
    const model = new Model();
    await expect(model.deploy('a', { charm: listingCharm, units: -1 })).rejects.toThrow(
      /whole number of at least 0 \(got -1\)/,
    );
    await expect(model.deploy('a', { charm: listingCharm, units: 1.5 })).rejects.toThrow(
      /whole number/,
    );
    await expect(model.deploy('a', { charm: listingCharm, units: 201 })).rejects.toThrow(
      /at most 200 units per model/,
    );
    expect(model.applications()).toEqual([]);
  });
});
