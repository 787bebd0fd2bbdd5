// Unit removal and leadership: -relation-departed on both sides with Juju's departed
// semantics, stop and remove on the leaving unit, never -broken for peers, re-election.
import { describe, expect, it } from 'vitest';
import { hooksRun, now, probeModel, scopeAddresses } from './helpers.js';

describe('removing a unit', () => {
  it('runs -relation-departed on each remaining peer, and departed, stop, remove on the leaving unit', async () => {
    const model = await probeModel(3);
    await model.settle();
    const before = now(model);

    model.removeUnit('probe/2');
    const report = await model.settle();

    expect(report.settled).toBe(true);
    expect(hooksRun(model, 'probe/0', before)).toEqual(['cluster-relation-departed probe/2']);
    expect(hooksRun(model, 'probe/1', before)).toEqual(['cluster-relation-departed probe/2']);
    expect(hooksRun(model, 'probe/2', before)).toEqual([
      'cluster-relation-departed probe/0',
      'cluster-relation-departed probe/1',
      'stop',
      'remove',
    ]);
    expect(model.unit('probe/2').life).toBe('removed');
    expect(model.units()).toEqual(['probe/0', 'probe/1']);
  });

  it('never runs -relation-broken for a peer relation', async () => {
    const model = await probeModel(3, { seed: 5 });
    await model.settle();
    model.removeUnit('probe/1');
    await model.settle();
    for (const unit of ['probe/0', 'probe/1', 'probe/2']) {
      expect(hooksRun(model, unit).some((h) => h.includes('-relation-broken'))).toBe(false);
    }
  });

  it('hides the departing unit from relation-list but keeps its data readable during -departed', async () => {
    const model = await probeModel(3);
    await model.settle();
    model.setRelationData('probe/2', 'cluster', { address: '10.0.0.12' });
    await model.settle();

    model.removeUnit('probe/2');
    await model.settle();

    expect(model.unit('probe/0').data['departed.probe/2']).toEqual({
      list: ['probe/1'],
      departing: 'probe/2',
      data: { ...scopeAddresses('10.0.0.12'), address: '10.0.0.12' },
    });
    // The leaving unit sees its peers go one by one, and is itself the departing unit.
    expect(model.unit('probe/2').data['departed.probe/0']).toEqual({
      list: ['probe/1'],
      departing: 'probe/2',
      data: scopeAddresses('10.0.0.10'),
    });
    expect(model.unit('probe/2').data['departed.probe/1']).toEqual({
      list: [],
      departing: 'probe/2',
      data: scopeAddresses('10.0.0.11'),
    });
  });

  it('drops hooks about a unit that leaves before its peers joined it; a unit never started runs no install, config or stop (worker/uniter/resolver.go nextOp, Dying)', async () => {
    const model = await probeModel(2);
    await model.settle();
    const before = now(model);

    model.addUnit('probe');
    model.removeUnit('probe/2');
    await model.settle();

    expect(hooksRun(model, 'probe/0', before)).toEqual([]);
    expect(hooksRun(model, 'probe/2', before)).toEqual(['remove']);
  });
});

describe('leadership', () => {
  it('elects a seeded choice of the remaining units once the lease runs out (≤ 60 s), and every other unit gets leader-settings-changed (worker/uniter/leadership/resolver.go)', async () => {
    const model = await probeModel(3);
    await model.settle();
    const before = now(model);
    const start = model.now;

    model.removeUnit('probe/0');
    expect(model.leader('probe')).toBeUndefined();
    await model.settle();

    const leader = model.leader('probe') ?? '';
    const other = leader === 'probe/1' ? 'probe/2' : 'probe/1';
    expect(['probe/1', 'probe/2']).toContain(leader);
    expect(model.now - start).toBeGreaterThanOrEqual(30_000);
    expect(model.now - start).toBeLessThanOrEqual(60_000);
    expect(model.unit(leader).isLeader).toBe(true);
    expect(model.unit('probe/0').isLeader).toBe(false);
    expect(hooksRun(model, leader, before)).toEqual([
      'cluster-relation-departed probe/0',
      'leader-elected',
    ]);
    expect(hooksRun(model, other, before)).toEqual([
      'cluster-relation-departed probe/0',
      'leader-settings-changed',
    ]);
    expect(model.unit(leader).flags).toContain('leadership.is_leader');
    expect(model.unit(leader).flags).toContain('probe.elected');
  });

  it('elects the same unit for the same seed', async () => {
    const elected = async (seed: number) => {
      const model = await probeModel(5, { seed });
      await model.settle();
      model.removeUnit(model.leader('probe') ?? '');
      await model.settle();
      return `${model.leader('probe')}@${model.now}`;
    };
    expect(await elected(11)).toBe(await elected(11));
  });

  it('lets the new leader write leader settings that the others then see', async () => {
    const model = await probeModel(3);
    await model.settle();
    model.removeUnit('probe/0');
    await model.settle();

    model.setConfig('probe', { payload: 'after-election' });
    await model.settle();

    expect(model.leaderSettings('probe')).toEqual({ payload: 'after-election' });
    const follower = model.leader('probe') === 'probe/1' ? 'probe/2' : 'probe/1';
    expect(model.unit(follower).data['leader-settings']).toEqual({ payload: 'after-election' });
  });

  it('moves leadership on setLeader: leader-elected on the new, leader-settings-changed on every other unit (worker/uniter/leadership/resolver.go)', async () => {
    const model = await probeModel(3);
    await model.settle();
    const before = now(model);

    model.setLeader('probe/2');
    await model.settle();

    expect(hooksRun(model, 'probe/2', before)).toEqual(['leader-elected']);
    expect(hooksRun(model, 'probe/0', before)).toEqual(['leader-settings-changed']);
    expect(hooksRun(model, 'probe/1', before)).toEqual(['leader-settings-changed']);
    expect(model.unit('probe/0').flags).not.toContain('leadership.is_leader');
    expect(model.unit('probe/2').flags).toContain('leadership.is_leader');
  });
});
