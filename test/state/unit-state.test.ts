import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { MemoryStateStore } from '../../src/state/memory-store.js';
import { emptySnapshot, type StateSnapshot } from '../../src/state/store.js';
import { UnitState } from '../../src/state/unit-state.js';
import type { JsonValue } from '../../src/util/json.js';
import { hookHarness } from '../helpers/hook.js';

const stateWith = (data: Record<string, JsonValue> = {}, flags: string[] = []) =>
  new UnitState({ version: 1, flags, data });

describe('unit state key/value data', () => {
  it('stores JSON values and reads them back', () => {
    const state = stateWith();
    state.set('port', 3306);
    state.set('peers', [{ unit: 'mysql/1', ok: true }]);
    expect(state.get('port')).toBe(3306);
    expect(state.get('peers')).toEqual([{ unit: 'mysql/1', ok: true }]);
    expect(state.get('missing')).toBeUndefined();
    expect(state.has('port')).toBe(true);
  });

  it('hands out copies: mutating a value read or written does not change the stored one', () => {
    const state = stateWith();
    const written = { list: [1] };
    state.set('k', written);
    written.list.push(2);
    const read = state.get<{ list: number[] }>('k');
    read?.list.push(3);
    expect(state.get('k')).toEqual({ list: [1] });
  });

  it('removes a key set to undefined or unset', () => {
    const state = stateWith({ a: 1, b: 2 });
    state.set('a', undefined);
    state.unset('b');
    expect(state.has('a')).toBe(false);
    expect(state.snapshot().data).toEqual({});
  });

  it('lists keys sorted, optionally by prefix', () => {
    const state = stateWith({ 'b.x': 1, 'a.y': 2, 'a.x': 3 });
    expect(state.keys()).toEqual(['a.x', 'a.y', 'b.x']);
    expect(state.keys('a.')).toEqual(['a.x', 'a.y']);
  });

  it('rejects a value JSON cannot carry', () => {
    const state = stateWith();
    expect(() => state.set('fn', (() => {}) as unknown as JsonValue)).toThrow(
      /fn is not JSON-serializable/,
    );
  });

  it('keeps a key named __proto__ through a snapshot (keys are data)', () => {
    const state = stateWith();
    state.set('__proto__', { a: 1 });
    const again = new UnitState(JSON.parse(JSON.stringify(state.snapshot())) as StateSnapshot);
    expect(again.get('__proto__')).toEqual({ a: 1 });
    expect(again.keys()).toEqual(['__proto__']);
  });

  it('snapshots flags sorted and data with sorted keys', () => {
    const state = stateWith({ z: 1 }, ['b', 'a']);
    state.set('m', 2);
    state.flags.set('c');
    const snap = state.snapshot();
    expect(snap).toEqual({ version: 1, flags: ['a', 'b', 'c'], data: { m: 2, z: 1 } });
    expect(Object.keys(snap.data)).toEqual(['m', 'z']);
  });
});

describe('dataChanged', () => {
  it('is true the first time a key is seen', () => {
    expect(stateWith().dataChanged('config', { port: 1 })).toBe(true);
  });

  it('is false for an equal value, even with object keys in another order', () => {
    const state = stateWith();
    state.dataChanged('config', { port: 1, bind: { host: 'a', ip: '10.0.0.1' } });
    expect(state.dataChanged('config', { port: 1, bind: { host: 'a', ip: '10.0.0.1' } })).toBe(
      false,
    );
    expect(state.dataChanged('config', { bind: { ip: '10.0.0.1', host: 'a' }, port: 1 })).toBe(
      false,
    );
  });

  it('is true after the value changed, and remembers the new value', () => {
    const state = stateWith();
    state.dataChanged('config', { port: 1 });
    expect(state.dataChanged('config', { port: 2 })).toBe(true);
    expect(state.dataChanged('config', { port: 2 })).toBe(false);
    expect(state.dataChanged('config', { port: 1 })).toBe(true);
  });

  it('keeps keys apart', () => {
    const state = stateWith();
    state.dataChanged('a', 1);
    expect(state.dataChanged('b', 1)).toBe(true);
    expect(state.dataChanged('a', 1)).toBe(false);
  });

  it('distinguishes arrays in another order and values of another type', () => {
    const state = stateWith();
    state.dataChanged('list', [1, 2]);
    expect(state.dataChanged('list', [2, 1])).toBe(true);
    state.dataChanged('n', 1);
    expect(state.dataChanged('n', '1')).toBe(true);
  });

  it('is persisted only when the hook commits', async () => {
    let fail = true;
    const seen: boolean[] = [];
    const charm = new Charm();
    charm.handler({ id: 'watch-config' }, (rt) => {
      seen.push(rt.state.dataChanged('config', { port: 3306, host: 'db' }));
      if (fail) throw new Error('not yet');
    });
    const h = hookHarness(charm);
    await h.run({ hookName: 'config-changed' }); // throws: nothing committed
    fail = false;
    await h.run({ hookName: 'config-changed' }); // first committed sighting
    await h.run({ hookName: 'update-status' });
    expect(seen).toEqual([true, true, false]);
  });
});

describe('the memory state store', () => {
  it('loads empty state before the first save', () => {
    expect(new MemoryStateStore().load()).toEqual(emptySnapshot());
  });

  it('keeps what was saved apart from later changes to the saved object', () => {
    const store = new MemoryStateStore();
    const snap = { version: 1, flags: ['a'], data: { k: [1] } } as StateSnapshot & {
      flags: string[];
      data: { k: number[] };
    };
    store.save(snap);
    snap.flags.push('b');
    snap.data.k.push(2);
    const loaded = store.load() as typeof snap;
    loaded.flags.push('c');
    expect(store.load()).toEqual({ version: 1, flags: ['a'], data: { k: [1] } });
    expect(store.saves).toBe(1);
  });
});
