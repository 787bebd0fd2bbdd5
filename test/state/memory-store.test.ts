import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/state/memory-store.js';
import { UnitState } from '../../src/state/unit-state.js';

describe('the in-memory state store', () => {
  it('keeps a copy of what was saved: changing the saved snapshot afterwards changes nothing', () => {
    const store = new MemoryStateStore();
    const data = { peers: { 'app/1': 'h1' } as Record<string, string> };
    const snapshot = { version: 1 as const, flags: ['a'], data };
    store.save(snapshot);
    data.peers['app/2'] = 'h2';
    (snapshot.flags as string[]).push('b');
    expect(store.load()).toEqual({ version: 1, flags: ['a'], data: { peers: { 'app/1': 'h1' } } });
  });

  it('hands out copies: changing a loaded snapshot changes neither the store nor the next load', () => {
    const store = new MemoryStateStore({ version: 1, flags: ['x'], data: { list: [1] } });
    const first = store.load();
    (first.data['list'] as number[]).push(2);
    (first.flags as string[]).push('y');
    expect(store.load()).toEqual({ version: 1, flags: ['x'], data: { list: [1] } });
  });

  it("a hook's working state that was never saved leaves the committed state as it was", () => {
    const store = new MemoryStateStore({ version: 1, flags: [], data: { a: 1, b: { c: 2 } } });
    const state = new UnitState(store.load());
    state.set('a', 5);
    state.set('new', true);
    state.unset('b');
    state.flags.set('f');
    expect(store.load()).toEqual({ version: 1, flags: [], data: { a: 1, b: { c: 2 } } });
    expect(new UnitState(store.load()).changed()).toBe(false);
  });

  it('commits what a hook saved, keys sorted, and later writes to that hook state do not leak', () => {
    const store = new MemoryStateStore({ version: 1, flags: [], data: { m: 1, z: 2 } });
    const state = new UnitState(store.load());
    state.set('a', 'first');
    state.set('z', 3);
    expect(state.changed()).toBe(true);
    store.save(state.snapshot());
    state.set('a', 'after the save');
    state.unset('m');
    const loaded = store.load();
    expect(Object.keys(loaded.data)).toEqual(['a', 'm', 'z']);
    expect(loaded.data).toEqual({ a: 'first', m: 1, z: 3 });
    // The next hook starts from the committed state and sees no change until it writes.
    const next = new UnitState(loaded);
    expect(next.changed()).toBe(false);
    expect(next.get('a')).toBe('first');
  });

  it('keeps a key named __proto__ as data, and a hook that only rewrites equal values is unchanged', () => {
    const store = new MemoryStateStore();
    const state = new UnitState(store.load());
    state.set('__proto__', { polluted: true });
    store.save(state.snapshot());
    const loaded = store.load();
    expect(Object.keys(loaded.data)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const again = new UnitState(loaded);
    again.set('__proto__', { polluted: true });
    expect(again.changed()).toBe(false);
    expect(JSON.parse(JSON.stringify(store.load()))).toEqual({
      version: 1,
      flags: [],
      data: JSON.parse('{"__proto__":{"polluted":true}}'),
    });
  });
});
