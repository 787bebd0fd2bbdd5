// Juju's hook ordering, as the model reproduces it, asserted on each unit's timeline.
import { describe, expect, it } from 'vitest';
import { hooksRun, now, probeModel, scopeAddresses } from './helpers.js';

const LEADER_START = [
  'install',
  'cluster-relation-created',
  'leader-elected',
  'config-changed',
  'start',
];
const MINION_START = [
  'install',
  'cluster-relation-created',
  'leader-settings-changed',
  'config-changed',
  'start',
];
const joins = (...units: string[]) =>
  units.flatMap((u) => [`cluster-relation-joined ${u}`, `cluster-relation-changed ${u}`]);

describe('start-up order', () => {
  it('runs install, created, leader hook, config-changed, start, then joined+changed per peer', async () => {
    const model = await probeModel(3);
    expect((await model.settle()).settled).toBe(true);

    expect(hooksRun(model, 'probe/0')).toEqual([...LEADER_START, ...joins('probe/1', 'probe/2')]);
    expect(hooksRun(model, 'probe/1')).toEqual([...MINION_START, ...joins('probe/0', 'probe/2')]);
    expect(hooksRun(model, 'probe/2')).toEqual([...MINION_START, ...joins('probe/0', 'probe/1')]);
  });

  it('keeps every unit’s own order under a seeded random interleaving', async () => {
    const model = await probeModel(4, { seed: 99 });
    expect((await model.settle()).settled).toBe(true);

    expect(hooksRun(model, 'probe/0')).toEqual([
      ...LEADER_START,
      ...joins('probe/1', 'probe/2', 'probe/3'),
    ]);
    expect(hooksRun(model, 'probe/3')).toEqual([
      ...MINION_START,
      ...joins('probe/0', 'probe/1', 'probe/2'),
    ]);
  });

  it('gives a unit added later the start-up sequence, and its peers a joined+changed pair for it', async () => {
    const model = await probeModel(2, { seed: 3 });
    await model.settle();
    const before = now(model);

    const added = model.addUnit('probe');
    await model.settle();

    expect(added).toBe('probe/2');
    expect(hooksRun(model, 'probe/2')).toEqual([...MINION_START, ...joins('probe/0', 'probe/1')]);
    expect(hooksRun(model, 'probe/0', before)).toEqual(joins('probe/2'));
    expect(hooksRun(model, 'probe/1', before)).toEqual(joins('probe/2'));
  });

  it('runs -relation-changed immediately after -relation-joined for the same unit', async () => {
    const model = await probeModel(5, { seed: 12345 });
    await model.settle();
    for (const unit of model.units()) {
      const hooks = hooksRun(model, unit);
      hooks.forEach((hook, i) => {
        if (hook.startsWith('cluster-relation-joined ')) {
          expect(hooks[i + 1]).toBe(hook.replace('-joined', '-changed'));
        }
      });
    }
  });
});

describe('relation-changed after a commit', () => {
  it('runs -relation-changed on every other unit when a unit commits new data, never on the writer', async () => {
    const model = await probeModel(3);
    await model.settle();
    const before = now(model);

    model.setRelationData('probe/1', 'cluster', { address: '10.9.9.9' });
    await model.settle();

    expect(hooksRun(model, 'probe/0', before)).toEqual(['cluster-relation-changed probe/1']);
    expect(hooksRun(model, 'probe/2', before)).toEqual(['cluster-relation-changed probe/1']);
    expect(hooksRun(model, 'probe/1', before)).toEqual([]);
    expect(model.unit('probe/0').data['seen.probe/1']).toEqual({
      ...scopeAddresses('10.0.0.11'),
      address: '10.9.9.9',
    });
  });

  it('notifies peers of data a hook committed, once per writer', async () => {
    const model = await probeModel(3);
    await model.settle();
    const before = now(model);

    model.setConfig('probe', { payload: 'p1' });
    await model.settle();

    for (const unit of model.units()) {
      const others = model.units().filter((u) => u !== unit);
      const hooks = hooksRun(model, unit, before);
      expect(hooks.filter((h) => h.startsWith('cluster-relation-changed')).sort()).toEqual(
        others.map((u) => `cluster-relation-changed ${u}`),
      );
      expect(hooks).not.toContain(`cluster-relation-changed ${unit}`);
    }
    expect(model.relationData('cluster:0', 'probe/2')).toEqual({
      ...scopeAddresses('10.0.0.12'),
      payload: 'p1',
    });
  });

  it('runs nothing when a write changes nothing', async () => {
    const model = await probeModel(2);
    model.setRelationData('probe/1', 'cluster', { address: '10.1.1.1' });
    await model.settle();
    const before = now(model);

    model.setRelationData('probe/1', 'cluster', { address: '10.1.1.1' });
    const report = await model.settle();

    expect(report.hooksRun).toBe(0);
    expect(hooksRun(model, 'probe/0', before)).toEqual([]);
  });

  it('runs -relation-changed with no remote unit on peers when the leader writes application data', async () => {
    const model = await probeModel(3);
    await model.settle();
    const before = now(model);

    model.setRelationData('probe', 'cluster', { 'cluster-name': 'main' });
    await model.settle();

    expect(hooksRun(model, 'probe/1', before)).toEqual(['cluster-relation-changed probe']);
    expect(hooksRun(model, 'probe/2', before)).toEqual(['cluster-relation-changed probe']);
    expect(model.relationData('cluster:0', 'probe')).toEqual({ 'cluster-name': 'main' });
  });
});

describe('leader-settings-changed', () => {
  it('runs on every non-leader after the leader commits new leader settings, not on the leader', async () => {
    const model = await probeModel(3);
    await model.settle();
    const before = now(model);

    model.setConfig('probe', { payload: 'v2' });
    await model.settle();

    expect(model.leaderSettings('probe')).toEqual({ payload: 'v2' });
    expect(hooksRun(model, 'probe/0', before)).not.toContain('leader-settings-changed');
    for (const unit of ['probe/1', 'probe/2']) {
      expect(hooksRun(model, unit, before)).toContain('leader-settings-changed');
      expect(model.unit(unit).data['leader-settings']).toEqual({ payload: 'v2' });
    }
  });
});

describe('config and bindings', () => {
  it('runs config-changed on every unit when config really changes, and only then', async () => {
    const model = await probeModel(2);
    await model.settle();
    const before = now(model);

    model.setConfig('probe', { payload: '' });
    expect((await model.settle()).hooksRun).toBe(0);
    model.setConfig('probe', { payload: 'x' });
    await model.settle();

    // probe/0 (the leader) wrote leader settings in its config-changed; probe/1 may run the
    // leader-settings-changed first: leadership outranks config-changed (worker/uniter/resolver.go).
    expect(hooksRun(model, 'probe/0', before)[0]).toBe('config-changed');
    expect(hooksRun(model, 'probe/1', before).filter((h) => h === 'config-changed')).toEqual([
      'config-changed',
    ]);
    expect(model.config('probe')).toMatchObject({ payload: 'x' });
  });

  it('rejects config options the charm does not declare', async () => {
    const model = await probeModel(1);
    expect(() => model.setConfig('probe', { nope: 1 })).toThrow(/no config option "nope"/);
    expect(() => model.setConfig('probe', { payload: 3 })).toThrow(/must be a string/);
  });

  it('runs config-changed on a unit whose binding address changes; its commit rewrites the unit’s addresses, so peers run -relation-changed (worker/uniter/runner/context doFlush: UpdateNetworkInfo)', async () => {
    const model = await probeModel(2);
    await model.settle();
    const before = now(model);

    model.setBinding('probe/1', 'cluster', '192.168.7.1');
    await model.settle();

    expect(hooksRun(model, 'probe/1', before)).toEqual(['config-changed']);
    expect(hooksRun(model, 'probe/0', before)).toEqual(['cluster-relation-changed probe/1']);
    expect(model.relationData('cluster:0', 'probe/1')).toEqual(scopeAddresses('192.168.7.1'));
  });
});
