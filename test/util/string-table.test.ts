// Equal strings held once (src/util/string-table.ts): the simulator's unit stores share one
// table, so N units that keep the same keys, flags and values keep one copy of each. Strings
// compare by value, so what a test can see is the table's size and that nothing changes.
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/state/memory-store.js';
import { UnitState } from '../../src/state/unit-state.js';
import type { JsonValue } from '../../src/util/json.js';
import { StringTable } from '../../src/util/string-table.js';

/** A hook on `store`: load, write `writes` and `flag`, save. */
function hook(store: MemoryStateStore, writes: Record<string, JsonValue>, flag: string): void {
  const state = new UnitState(store.load());
  for (const [key, value] of Object.entries(writes)) state.set(key, value);
  state.flags.set(flag);
  store.save(state.snapshot());
}

describe('StringTable', () => {
  it('hands out the first copy of a string for every equal one, and leaves long strings alone', () => {
    const table = new StringTable(1000, 20);
    const first = ['peer', 'address'].join('-');
    expect(table.intern(first)).toBe(first);
    expect(table.intern(['peer', 'address'].join('-'))).toBe('peer-address');
    expect(table.size).toBe(1);
    expect(table.intern('x'.repeat(21))).toBe('x'.repeat(21));
    expect(table.size).toBe(1);
  });

  it('holds at most two generations: strings no one asks for again are let go', () => {
    const table = new StringTable(100);
    for (let i = 0; i < 1000; i++) table.intern(`value-${String(i).padStart(3, '0')}`); // 9 chars
    // 100 characters a generation: at most 11 strings each, two generations.
    expect(table.size).toBeLessThanOrEqual(22);
    expect(table.size).toBeGreaterThan(0);
    // One asked for again and again stays while others come and go.
    for (let i = 0; i < 1000; i++) {
      table.intern(`other-${String(i).padStart(3, '0')}`);
      expect(table.intern('kept-1234')).toBe('kept-1234');
    }
    expect(table.size).toBeLessThanOrEqual(22);
  });
});

describe('unit stores sharing a table (the simulator gives every in-process unit its model’s)', () => {
  it('keys, values and flags saved by many units are held once: the table grows by what differs', () => {
    const table = new StringTable();
    const stores = Array.from(
      { length: 20 },
      (_, i) => new MemoryStateStore(undefined, `u${i}`, table),
    );
    for (const store of stores)
      hook(
        store,
        { 'endpoint.cluster.peer.cluster:0 mysql/7': [1, '10.0.0.17', 'clusteruser', 13] },
        'cluster.available',
      );
    const afterFirst = table.size;
    expect(afterFirst).toBe(3); // one key, one value, one flag: once for 20 units
    for (const [i, store] of stores.entries())
      hook(store, { [`own.${i}`]: i }, 'cluster.available');
    // Each unit added a key and a value of its own; what they share was not added again.
    expect(table.size).toBe(afterFirst + 2 * stores.length);
    // And what each store holds is exactly what was saved.
    expect(stores[3]?.load()).toEqual({
      version: 1,
      flags: ['cluster.available'],
      data: {
        'endpoint.cluster.peer.cluster:0 mysql/7': [1, '10.0.0.17', 'clusteruser', 13],
        'own.3': 3,
      },
    });
  });

  it('a save looks up only what its hook wrote, not every change kept since the last fold', () => {
    // A table that counts what it is asked for.
    class CountingTable extends StringTable {
      asked = 0;
      override intern(text: string): string {
        this.asked++;
        return super.intern(text);
      }
    }
    const table = new CountingTable();
    const store = new MemoryStateStore(undefined, 'memory', table);
    // A base to layer on, folded by a first save of many keys.
    hook(store, Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`base.${i}`, i])), 'f');
    const asked: number[] = [];
    for (let i = 0; i < 30; i++) {
      table.asked = 0;
      hook(store, { [`new.${i}`]: `value ${i}` }, 'f'); // one more change kept in the layer
      asked.push(table.asked);
    }
    // One key and one value a hook, however many changes the layer carries.
    expect(asked).toEqual(asked.map(() => 2));
    expect(store.load().data).toMatchObject({ 'new.0': 'value 0', 'new.29': 'value 29' });
  });

  it('a store without a table and one with it commit the same states, hook after hook', () => {
    const plain = new MemoryStateStore();
    const shared = new MemoryStateStore(undefined, 'memory', new StringTable(64));
    for (let i = 0; i < 200; i++) {
      const writes = {
        [`k${i % 37}`]: { n: i, text: `v${i % 5}` },
        [`big${i % 3}`]: 'x'.repeat(i),
      };
      hook(plain, writes, `f${i % 11}`);
      hook(shared, writes, `f${i % 11}`);
      expect(shared.load()).toEqual(plain.load());
    }
  });
});
