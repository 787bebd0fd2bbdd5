import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { FlagSet } from '../../src/reactive/flags.js';
import { attachTriggers, type TriggerSpec, validateTrigger } from '../../src/reactive/triggers.js';
import { flagChanges, recordEvents, unitWith } from './builders.js';

function withTriggers(triggers: TriggerSpec[], initial: readonly string[] = []) {
  const flags = new FlagSet(initial);
  const detach = attachTriggers(flags, triggers);
  return { flags, detach };
}

describe('triggers on a set', () => {
  it('set and clear other flags synchronously, before set() returns', () => {
    const { flags } = withTriggers(
      [{ whenSet: 'config.changed', set: ['restart'], clear: ['ok'] }],
      ['ok'],
    );
    flags.set('config.changed');
    expect(flags.list()).toEqual(['config.changed', 'restart']);
  });

  it('call the callback synchronously, once per real transition', () => {
    const calls: string[] = [];
    const { flags } = withTriggers([
      { whenSet: 'a', callback: () => calls.push(`a is ${flags.isSet('a') ? 'set' : 'clear'}`) },
    ]);
    flags.set('a');
    expect(calls).toEqual(['a is set']);
    flags.set('a');
    expect(calls).toEqual(['a is set']);
  });

  it('do not fire when the flag was already set', () => {
    const calls: string[] = [];
    const { flags } = withTriggers(
      [{ whenSet: 'a', set: ['b'], callback: () => calls.push('a') }],
      ['a'],
    );
    flags.set('a');
    expect(flags.list()).toEqual(['a']);
    expect(calls).toEqual([]);
  });

  it('do not fire on a clear of the watched flag', () => {
    const { flags } = withTriggers([{ whenSet: 'a', set: ['b'] }], ['a']);
    flags.clear('a');
    expect(flags.list()).toEqual([]);
  });

  it('stop firing once detached', () => {
    const { flags, detach } = withTriggers([{ whenSet: 'a', set: ['b'] }]);
    detach();
    flags.set('a');
    expect(flags.list()).toEqual(['a']);
  });
});

describe('triggers on a clear', () => {
  it('fire on a real clear of the watched flag', () => {
    const calls: string[] = [];
    const { flags } = withTriggers(
      [
        {
          whenCleared: 'db.ready',
          set: ['db.lost'],
          clear: ['app.ready'],
          callback: () => calls.push('x'),
        },
      ],
      ['db.ready', 'app.ready'],
    );
    flags.clear('db.ready');
    expect(flags.list()).toEqual(['db.lost']);
    expect(calls).toEqual(['x']);
  });

  it('do not fire on a clear of an unset flag, nor on a set', () => {
    const calls: string[] = [];
    const { flags } = withTriggers([{ whenCleared: 'a', callback: () => calls.push('x') }]);
    flags.clear('a');
    flags.set('a');
    expect(calls).toEqual([]);
  });
});

describe('chained triggers', () => {
  it('fire in turn: a set that triggers a set that triggers a clear', () => {
    const { flags } = withTriggers(
      [
        { whenSet: 'a', set: ['b'] },
        { whenSet: 'b', set: ['c'] },
        { whenSet: 'c', clear: ['z'] },
        { whenCleared: 'z', set: ['z.gone'] },
      ],
      ['z'],
    );
    flags.set('a');
    expect(flags.list()).toEqual(['a', 'b', 'c', 'z.gone']);
  });

  it('stop at a flag that is already in the target state', () => {
    const calls: string[] = [];
    const { flags } = withTriggers(
      [
        { whenSet: 'a', set: ['b'] },
        { whenSet: 'b', callback: () => calls.push('b') },
      ],
      ['b'],
    );
    flags.set('a');
    expect(calls).toEqual([]);
  });
});

describe('trigger definitions', () => {
  it('reject a trigger that does nothing', () => {
    expect(() => validateTrigger({ whenSet: 'a' })).toThrow(/does nothing/);
    expect(() => validateTrigger({ whenSet: 'a', set: [], clear: [] })).toThrow(/does nothing/);
    expect(() => new Charm().trigger({ whenCleared: 'a' })).toThrow(/does nothing/);
  });

  it('reject a trigger that watches no flag or two', () => {
    expect(() => validateTrigger({ set: ['b'] })).toThrow(/exactly one of whenSet or whenCleared/);
    expect(() => validateTrigger({ whenSet: 'a', whenCleared: 'a', set: ['b'] })).toThrow(
      /exactly one/,
    );
  });

  it('accept a trigger with only a callback', () => {
    expect(() => validateTrigger({ whenSet: 'a', callback: () => {} })).not.toThrow();
  });
});

describe('triggers in a hook', () => {
  it('apply to flags handlers set, emit events for the triggered flags and commit them', async () => {
    const charm = new Charm().trigger({ whenSet: 'config.changed', set: ['restart.needed'] });
    charm.hook('config-changed').run(function noteConfig(rt) {
      rt.flags.set('config.changed');
      expect(rt.flags.isSet('restart.needed')).toBe(true);
    });
    const order: string[] = [];
    charm.when('restart.needed').run(function restart(rt) {
      order.push('restart');
      rt.flags.clear('restart.needed');
    });
    const h = unitWith(charm);
    const recorded = recordEvents(h.events);
    const result = await h.run({ hookName: 'config-changed' });
    expect(result.exitCode).toBe(0);
    expect(order).toEqual(['restart']);
    expect(flagChanges(recorded)).toEqual([
      '+config.changed',
      '+restart.needed',
      '-restart.needed',
    ]);
    expect(h.store.load().flags).toEqual(['config.changed']);
  });

  it('do not fire for flags already set when the hook starts', async () => {
    const calls: string[] = [];
    const charm = new Charm().trigger({
      whenSet: 'a',
      set: ['b'],
      callback: () => calls.push('a'),
    });
    charm.hook('update-status').run(function touch() {});
    const h = unitWith(charm, { flags: ['a'] });
    await h.run({ hookName: 'update-status' });
    expect(calls).toEqual([]);
    expect(h.store.load().flags).toEqual(['a']);
  });

  it('queue handlers gated on a triggered flag in the next iteration', async () => {
    const charm = new Charm().trigger({ whenSet: 'a', set: ['b'] });
    charm.whenNot('a').run(function setA(rt) {
      rt.flags.set('a');
    });
    charm.when('b').run(function onB() {});
    const result = await unitWith(charm).run({ hookName: 'update-status' });
    expect(result.runs).toEqual([
      { handler: 'setA', phase: 'other', iteration: 0 },
      { handler: 'onB', phase: 'other', iteration: 1 },
    ]);
  });
});
