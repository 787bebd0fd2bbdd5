import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { FlagSet } from '../../src/reactive/flags.js';
import { flagChanges, recordEvents, unitWith } from './builders.js';

/** A flag set and the transitions its listeners saw, as `+flag` / `-flag`. */
function watched(initial: readonly string[] = []): { flags: FlagSet; seen: string[] } {
  const flags = new FlagSet(initial);
  const seen: string[] = [];
  flags.onChange((flag, set) => seen.push(`${set ? '+' : '-'}${flag}`));
  return { flags, seen };
}

describe('flag transitions', () => {
  it('sets a flag, reports the change and tells listeners once', () => {
    const { flags, seen } = watched();
    expect(flags.set('db.ready')).toBe(true);
    expect(flags.isSet('db.ready')).toBe(true);
    expect(seen).toEqual(['+db.ready']);
  });

  it('treats setting an already-set flag as no change: no listener call', () => {
    const { flags, seen } = watched(['db.ready']);
    expect(flags.set('db.ready')).toBe(false);
    expect(flags.isSet('db.ready')).toBe(true);
    expect(seen).toEqual([]);
  });

  it('clears a set flag and tells listeners it was cleared', () => {
    const { flags, seen } = watched(['db.ready', 'other']);
    expect(flags.clear('db.ready')).toBe(true);
    expect(flags.isSet('db.ready')).toBe(false);
    expect(flags.list()).toEqual(['other']);
    expect(seen).toEqual(['-db.ready']);
  });

  it('treats clearing an unset flag as no change: no listener call', () => {
    const { flags, seen } = watched(['other']);
    expect(flags.clear('db.ready')).toBe(false);
    expect(seen).toEqual([]);
  });

  it('toggles a flag to the opposite state when no value is given', () => {
    const { flags, seen } = watched();
    expect(flags.toggle('a')).toBe(true);
    expect(flags.isSet('a')).toBe(true);
    expect(flags.toggle('a')).toBe(true);
    expect(flags.isSet('a')).toBe(false);
    expect(seen).toEqual(['+a', '-a']);
  });

  it('toggles to the given value, and toggling to the current value is not a change', () => {
    const { flags, seen } = watched(['on']);
    expect(flags.toggle('on', true)).toBe(false);
    expect(flags.toggle('off', false)).toBe(false);
    expect(flags.toggle('off', true)).toBe(true);
    expect(flags.toggle('on', false)).toBe(true);
    expect(flags.list()).toEqual(['off']);
    expect(seen).toEqual(['+off', '-on']);
  });

  it('stops calling a listener once it unsubscribed', () => {
    const flags = new FlagSet();
    const seen: string[] = [];
    const unsubscribe = flags.onChange((flag) => seen.push(flag));
    flags.set('a');
    unsubscribe();
    flags.set('b');
    expect(seen).toEqual(['a']);
  });
});

describe('flag queries', () => {
  it.each([
    { set: [], ask: ['a', 'b'], all: false, any: false },
    { set: ['a'], ask: ['a', 'b'], all: false, any: true },
    { set: ['b'], ask: ['a', 'b'], all: false, any: true },
    { set: ['a', 'b'], ask: ['a', 'b'], all: true, any: true },
    { set: ['a', 'b', 'c'], ask: ['a', 'b'], all: true, any: true },
    { set: ['c'], ask: ['a', 'b'], all: false, any: false },
  ])('with $set set, allSet($ask) is $all and anySet($ask) is $any', ({ set, ask, all, any }) => {
    const flags = new FlagSet(set);
    expect(flags.allSet(...ask)).toBe(all);
    expect(flags.anySet(...ask)).toBe(any);
  });

  it('holds allSet() of no flags true and anySet() of no flags false', () => {
    const flags = new FlagSet(['a']);
    expect(flags.allSet()).toBe(true);
    expect(flags.anySet()).toBe(false);
  });

  it('lists flags sorted, whatever order they were set in', () => {
    const flags = new FlagSet(['zeta']);
    for (const f of ['beta', 'alpha', 'endpoint.cluster.joined', 'Alpha']) flags.set(f);
    expect(flags.list()).toEqual(['Alpha', 'alpha', 'beta', 'endpoint.cluster.joined', 'zeta']);
  });

  it('lists only the flags that start with a prefix, sorted', () => {
    const flags = new FlagSet([
      'endpoint.cluster.joined',
      'endpoint.cluster.changed.b',
      'endpoint.cluster.changed',
      'endpoint.db.joined',
      'cluster',
    ]);
    expect(flags.list('endpoint.cluster.')).toEqual([
      'endpoint.cluster.changed',
      'endpoint.cluster.changed.b',
      'endpoint.cluster.joined',
    ]);
    expect(flags.list('nothing.')).toEqual([]);
  });

  it('lists by prefix exactly the flags a filter on startsWith finds, whatever the flags and prefix', () => {
    let seed = 11;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = ['a', 'b', '.', 'z', '\uffff', 'é'];
    const word = (max: number) =>
      Array.from({ length: 1 + next(max) }, () => alphabet[next(alphabet.length)]).join('');
    for (let round = 0; round < 200; round++) {
      const all = Array.from({ length: next(40) }, () => word(5));
      const flags = new FlagSet(all);
      const sorted = [...new Set(all)].sort();
      for (const prefix of [word(3), word(2), sorted[next(sorted.length + 1)] ?? 'q']) {
        expect(flags.list(prefix)).toEqual(sorted.filter((f) => f.startsWith(prefix)));
      }
    }
  });

  it('returns a copy from list(): changing it does not change the flags', () => {
    const flags = new FlagSet(['a']);
    flags.list().push('b');
    expect(flags.isSet('b')).toBe(false);
  });
});

describe('flag names', () => {
  it.each([
    ['the empty string', ''],
    ['leading whitespace', ' a'],
    ['trailing whitespace', 'a\n'],
    ['an unexpanded {endpoint_name} placeholder', '{endpoint_name}.available'],
  ])('rejects %s on set, clear and toggle', (_what, name) => {
    const { flags, seen } = watched();
    expect(() => flags.set(name)).toThrow(TypeError);
    expect(() => flags.clear(name)).toThrow(TypeError);
    expect(() => flags.toggle(name)).toThrow(TypeError);
    expect(seen).toEqual([]);
    expect(flags.list()).toEqual([]);
  });

  it('says which name was rejected and why', () => {
    const flags = new FlagSet();
    expect(() => flags.set('{endpoint_name}.available')).toThrow(
      /\{endpoint_name\}\.available.*placeholder/,
    );
    expect(() => flags.set(' a')).toThrow(/invalid flag name " a"/);
  });
});

describe('flag events in a hook', () => {
  it('emits flag.set and flag.cleared only for real transitions', async () => {
    const charm = new Charm();
    charm.hook('install').run(function flip(rt) {
      rt.flags.set('already'); // already set: no event
      rt.flags.clear('never-set'); // not set: no event
      rt.flags.set('fresh');
      rt.flags.set('fresh');
      rt.flags.clear('old');
      rt.flags.clear('old');
    });
    const h = unitWith(charm, { flags: ['already', 'old'] });
    const recorded = recordEvents(h.events);
    const result = await h.run({ hookName: 'install' });
    expect(result.exitCode).toBe(0);
    expect(flagChanges(recorded)).toEqual(['+fresh', '-old']);
    expect(h.store.load().flags).toEqual(['already', 'fresh']);
  });
});

describe('the sorted list of flags', () => {
  it('is a copy: changing it changes neither the set nor the next list', () => {
    const flags = new FlagSet(['b', 'a']);
    const list = flags.list();
    list.push('z');
    list.sort().reverse();
    expect(flags.list()).toEqual(['a', 'b']);
    expect(flags.isSet('z')).toBe(false);
  });

  it('follows every set and clear, sorted, prefix or not', () => {
    const flags = new FlagSet(['m.b']);
    expect(flags.list()).toEqual(['m.b']);
    flags.set('m.a');
    flags.set('c');
    expect(flags.list()).toEqual(['c', 'm.a', 'm.b']);
    expect(flags.list('m.')).toEqual(['m.a', 'm.b']);
    flags.clear('m.a');
    expect(flags.list()).toEqual(['c', 'm.b']);
    expect(flags.list('m.')).toEqual(['m.b']);
  });

  it('is sorted and without repeats whatever order the initial flags came in', () => {
    expect(new FlagSet(['b', 'a', 'b']).list()).toEqual(['a', 'b']);
    expect(new FlagSet(['a', 'b']).list()).toEqual(['a', 'b']);
    const initial = ['a', 'c'];
    const flags = new FlagSet(initial);
    initial.push('d');
    expect(flags.list()).toEqual(['a', 'c']);
  });

  it('lists by prefix exactly the flags that start with it, at either end of the list too', () => {
    const all = [
      'a',
      'a.b',
      'a.b.c',
      'a.bz',
      'a/b',
      'b',
      'leadership.set.x',
      'leadership.setx',
      'z',
    ];
    const flags = new FlagSet([...all].reverse());
    for (const prefix of ['', 'a', 'a.b', 'a.b.', 'b', 'leadership.set.', 'z', 'zz', '0', 'a.c']) {
      expect(flags.list(prefix)).toEqual(all.filter((f) => f.startsWith(prefix)));
    }
  });

  it('counts real changes only: a no-op set or clear is not one', () => {
    const flags = new FlagSet(['a']);
    flags.set('a');
    flags.clear('b');
    expect(flags.changeCount).toBe(0);
    flags.set('b');
    flags.clear('b');
    expect(flags.changeCount).toBe(2);
  });
});
