// Unit removal and leadership: -relation-departed on both sides with Juju's departed
// semantics, stop and remove on the leaving unit, never -broken for peers, re-election.
import { describe, expect, it } from 'vitest';
import { hooksRun, now, probeModel } from './helpers.js';

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
      data: { address: '10.0.0.12' },
    });
    // The leaving unit sees its peers go one by one, and is itself the departing unit.
    expect(model.unit('probe/2').data['departed.probe/0']).toEqual({
      list: ['probe/1'],
      departing: 'probe/2',
      data: {},
    });
    expect(model.unit('probe/2').data['departed.probe/1']).toEqual({
      list: [],
      departing: 'probe/2',
      data: {},
    });
  });

  it('drops hooks about a unit that leaves before its peers joined it', async () => {
    const model = await probeModel(2);
    await model.settle();
    const before = now(model);

    model.addUnit('probe');
    model.removeUnit('probe/2');
    await model.settle();

    expect(hooksRun(model, 'probe/0', before)).toEqual([]);
    expect(hooksRun(model, 'probe/2', before)).toEqual([
      'install',
      'cluster-relation-created',
      'leader-settings-changed',
      'config-changed',
      'start',
      'stop',
      'remove',
    ]);
  });
});

describe('leadership', () => {
  it('elects the lowest-numbered remaining unit when the leader leaves, which gets leader-elected', async () => {
    const model = await probeModel(3);
    await model.settle();
    const before = now(model);

    model.removeUnit('probe/0');
    await model.settle();

    expect(model.leader('probe')).toBe('probe/1');
    expect(model.unit('probe/1').isLeader).toBe(true);
    expect(model.unit('probe/0').isLeader).toBe(false);
    expect(hooksRun(model, 'probe/1', before)).toEqual([
      'cluster-relation-departed probe/0',
      'leader-elected',
    ]);
    expect(hooksRun(model, 'probe/2', before)).toEqual(['cluster-relation-departed probe/0']);
    expect(model.unit('probe/1').flags).toContain('leadership.is_leader');
    expect(model.unit('probe/1').flags).toContain('probe.elected');
  });

  it('lets the new leader write leader settings that the others then see', async () => {
    const model = await probeModel(3);
    await model.settle();
    model.removeUnit('probe/0');
    await model.settle();

    model.setConfig('probe', { payload: 'after-election' });
    await model.settle();

    expect(model.leaderSettings('probe')).toEqual({ payload: 'after-election' });
    expect(model.unit('probe/2').data['leader-settings']).toEqual({ payload: 'after-election' });
  });

  it('moves leadership on setLeader: leader-elected on the new, leader-settings-changed on the old', async () => {
    const model = await probeModel(3);
    await model.settle();
    const before = now(model);

    model.setLeader('probe/2');
    await model.settle();

    expect(hooksRun(model, 'probe/2', before)).toEqual(['leader-elected']);
    expect(hooksRun(model, 'probe/0', before)).toEqual(['leader-settings-changed']);
    expect(hooksRun(model, 'probe/1', before)).toEqual([]);
    expect(model.unit('probe/0').flags).not.toContain('leadership.is_leader');
    expect(model.unit('probe/2').flags).toContain('leadership.is_leader');
  });
});
