// What a hook's writes leave in the store, however many hooks wrote before it: the unit state
// keeps a hook's writes apart from the state it loaded (state/encoded.ts LayeredData) and
// hands out parsed copies of values read again; neither may show in what is committed or read.
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/state/memory-store.js';
import { UnitState } from '../../src/state/unit-state.js';
import type { JsonValue } from '../../src/util/json.js';

/** A small seeded generator (xorshift32), so a failing sequence can be replayed. */
function generator(seed: number) {
  let x = seed;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

const sortedKeys = (record: Record<string, JsonValue>) => Object.keys(record).sort();

describe('a unit state written by many hooks', () => {
  it('commits exactly what a plain record of the same writes holds, keys sorted, after every hook', () => {
    const next = generator(21);
    const store = new MemoryStateStore();
    const expected: Record<string, JsonValue> = {};
    // 400 hooks over 300 keys: the writes fold into new flat states many times over.
    for (let hook = 0; hook < 400; hook++) {
      const state = new UnitState(store.load());
      const writes = 1 + next(6);
      for (let w = 0; w < writes; w++) {
        const key = `key.${next(300)}`;
        const roll = next(10);
        if (roll < 2) {
          state.unset(key);
          delete expected[key];
        } else if (roll < 3 && key in expected) {
          state.set(key, expected[key] ?? null); // the same value again: no change
        } else {
          const value = { hook, w, list: [hook, w] };
          state.set(key, value);
          expected[key] = value;
        }
      }
      store.save(state.snapshot());
      const loaded = store.load();
      // Same keys in sorted order, same values: one string compare.
      const inOrder = Object.fromEntries(sortedKeys(expected).map((k) => [k, expected[k]]));
      expect(JSON.stringify(loaded.data)).toBe(JSON.stringify(inOrder));
      const again = new UnitState(loaded);
      expect(again.keys()).toEqual(sortedKeys(expected));
      expect(again.keys('key.1')).toEqual(
        sortedKeys(expected).filter((k) => k.startsWith('key.1')),
      );
    }
  });

  it('keeps a snapshot as it was when taken, whatever the hook writes after it', () => {
    const store = new MemoryStateStore();
    const first = new UnitState(store.load());
    for (let i = 0; i < 100; i++) first.set(`k${i}`, i);
    store.save(first.snapshot());
    const state = new UnitState(store.load());
    state.set('k1', 'changed');
    state.unset('k2');
    const taken = state.snapshot();
    state.set('k1', 'later');
    state.set('k3', 'later');
    state.unset('k4');
    expect(taken.data['k1']).toBe('changed');
    expect('k2' in taken.data).toBe(false);
    expect(taken.data['k3']).toBe(3);
    expect(taken.data['k4']).toBe(4);
    expect(state.snapshot().data['k1']).toBe('later');
    // What the store held before this hook is untouched by it.
    expect(store.load().data['k1']).toBe(1);
  });

  it('tells no change when every write put back what was loaded', () => {
    const store = new MemoryStateStore();
    const first = new UnitState(store.load());
    first.set('a', { x: 1 });
    first.set('b', 2);
    store.save(first.snapshot());
    const state = new UnitState(store.load());
    state.set('a', { x: 2 });
    state.set('a', { x: 1 });
    state.unset('c');
    expect(state.changed()).toBe(false);
    state.unset('b');
    expect(state.changed()).toBe(true);
  });
});

describe('values read again in a hook', () => {
  it('are fresh copies: changing one read changes neither the next read nor the state', () => {
    const store = new MemoryStateStore();
    const first = new UnitState(store.load());
    first.set('nested', { list: [1, { deep: true }], n: 1 });
    store.save(first.snapshot());
    const state = new UnitState(store.load());
    for (let i = 0; i < 3; i++) {
      const read = state.get<{ list: [number, { deep: boolean }]; n: number }>('nested');
      expect(read).toEqual({ list: [1, { deep: true }], n: 1 });
      if (read === undefined) throw new Error('missing');
      read.n = 99;
      read.list[1].deep = false;
    }
    expect(state.changed()).toBe(false);
  });

  it('keep a key named __proto__ as data, as JSON.parse does', () => {
    const store = new MemoryStateStore();
    const first = new UnitState(store.load());
    first.set('odd', JSON.parse('{"__proto__": {"polluted": true}, "b": 1}') as JsonValue);
    store.save(first.snapshot());
    const state = new UnitState(store.load());
    for (let i = 0; i < 3; i++) {
      const read = (state.get('odd') ?? {}) as Record<string, unknown>;
      expect(Object.keys(read)).toEqual(['__proto__', 'b']);
      expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
      expect((read as { polluted?: boolean }).polluted).toBeUndefined();
    }
  });

  it('read the value written since, not the one parsed before', () => {
    const state = new UnitState(new MemoryStateStore().load());
    state.set('k', { v: 1 });
    expect(state.get('k')).toEqual({ v: 1 });
    expect(state.get('k')).toEqual({ v: 1 });
    state.set('k', { v: 2 });
    expect(state.get('k')).toEqual({ v: 2 });
    state.unset('k');
    expect(state.get('k')).toBeUndefined();
  });

  it('nested deeper than the copy goes are parsed again, still equal', () => {
    let deep: JsonValue = 'leaf';
    for (let i = 0; i < 50; i++) deep = [deep];
    const state = new UnitState(new MemoryStateStore().load());
    state.set('deep', deep);
    expect(state.get('deep')).toEqual(deep);
    expect(state.get('deep')).toEqual(deep);
  });
});
