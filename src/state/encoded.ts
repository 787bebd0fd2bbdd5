// A snapshot that carries its data in the form UnitState works with: each value as its JSON
// text. A store in memory keeps that form, and a hook's working state starts from it, so a hook
// costs what it changes, not the size of the whole state: nothing is parsed or re-encoded
// unless someone reads `data`, which is decoded (a fresh copy) on first read.
import type { JsonValue } from '../util/json.js';
import type { StringTable } from '../util/string-table.js';
import type { StateSnapshot } from './store.js';

/** Each key's value as JSON text. Never mutated once attached to a snapshot. */
export type EncodedData = ReadonlyMap<string, string>;

/** Returns what it is given: lets {@link EncodedStamp} put a private field on a plain object. */
class ReturnsGiven {
  constructor(given: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the stamp goes on `given` itself.
    return given;
  }
}

/**
 * The encoded data a snapshot was made from, kept in a private field of the snapshot object
 * itself (two snapshots a hook: a WeakMap entry each cost more than the rest of the snapshot).
 * Only the object stamped has it: a copy (`{ ...snapshot }`) does not, so it is encoded anew.
 */
class EncodedStamp extends ReturnsGiven {
  readonly #data: EncodedData;
  private constructor(snapshot: StateSnapshot, data: EncodedData) {
    super(snapshot);
    this.#data = data;
  }
  static stamp(snapshot: StateSnapshot, data: EncodedData): void {
    new EncodedStamp(snapshot, data);
  }
  static of(snapshot: StateSnapshot): EncodedData | undefined {
    return #data in snapshot ? (snapshot as unknown as EncodedStamp).#data : undefined;
  }
}

/** The encoded data a snapshot was made from, when it was made by {@link encodedSnapshot}. */
export function encodedData(snapshot: StateSnapshot): EncodedData | undefined {
  return EncodedStamp.of(snapshot);
}

/** Encode a snapshot's data (each value as JSON text, keys sorted): a deep copy of it. */
export function encodeData(snapshot: StateSnapshot): EncodedData {
  const known = EncodedStamp.of(snapshot);
  if (known !== undefined) return known;
  const out = new Map<string, string>();
  for (const key of Object.keys(snapshot.data).sort()) {
    const text = JSON.stringify(snapshot.data[key]);
    if (text !== undefined) out.set(key, text);
  }
  return out;
}

/**
 * A snapshot of `flags` (copied) and `data` (shared, never mutated afterwards). Its `data` is
 * decoded on first read, into an object of its own: a reader may change it freely.
 */
export function encodedSnapshot(flags: readonly string[], data: EncodedData): StateSnapshot {
  let decoded: Record<string, JsonValue> | undefined;
  // `data` an own enumerable accessor (a literal's getter), as JSON.stringify and toEqual see it.
  const snapshot: StateSnapshot = {
    version: 1,
    flags: [...flags],
    get data() {
      decoded ??= decode(data);
      return decoded;
    },
  };
  EncodedStamp.stamp(snapshot, data);
  return snapshot;
}

/** One JSON.parse over the whole object: a key named `__proto__` stays data, as in a file. */
function decode(data: EncodedData): Record<string, JsonValue> {
  const parts: string[] = [];
  for (const [key, text] of data) parts.push(`${JSON.stringify(key)}:${text}`);
  return JSON.parse(`{${parts.join(',')}}`) as Record<string, JsonValue>;
}

/** Changes a layer holds at least before it is folded into a new flat base. */
const MIN_FOLD_AT = 32;

/**
 * Encoded data as a flat base (keys sorted) plus the keys written since (`undefined`: removed).
 * A hook that writes a few keys of a big state copies the changes made since the last fold,
 * not every key; once the changes have grown they are folded into a new flat base,
 * so a hook costs about what it writes. Iterates as a flat map would: keys sorted.
 */
export class LayeredData implements ReadonlyMap<string, string> {
  readonly size: number;
  private flat: ReadonlyMap<string, string> | undefined;

  private constructor(
    private readonly base: EncodedData,
    private readonly changes: ReadonlyMap<string, string | undefined>,
  ) {
    let size = base.size;
    for (const [key, value] of changes) {
      if (value === undefined) {
        if (base.has(key)) size--;
      } else if (!base.has(key)) size++;
    }
    this.size = size;
  }

  /**
   * `data` with `writes` applied (`undefined`: the key removed): layered on data's base, or
   * folded into a new flat, sorted base when the changes have grown big.
   */
  static apply(data: EncodedData, writes: ReadonlyMap<string, string | undefined>): EncodedData {
    const base = data instanceof LayeredData ? data.base : data;
    const changes = new Map(data instanceof LayeredData ? data.changes : undefined);
    for (const [key, value] of writes) {
      // A write back to the base's value is no change any more.
      if (base.get(key) === value) changes.delete(key);
      else changes.set(key, value);
    }
    if (changes.size === 0) return base;
    const layered = new LayeredData(base, changes);
    // Folded at ~4·√(size) changes: copying the changes each hook and sorting at each fold
    // then cost about the same, both far below copying the whole state each hook.
    return changes.size > Math.max(MIN_FOLD_AT, 4 * Math.sqrt(base.size))
      ? layered.flatten()
      : layered;
  }

  get(key: string): string | undefined {
    return this.changes.has(key) ? this.changes.get(key) : this.base.get(key);
  }

  has(key: string): boolean {
    return this.changes.has(key) ? this.changes.get(key) !== undefined : this.base.has(key);
  }

  /** The keys, in no particular order (no flat copy made). */
  *unsortedKeys(): IterableIterator<string> {
    for (const key of this.base.keys()) if (this.has(key)) yield key;
    for (const [key, value] of this.changes) {
      if (value !== undefined && !this.base.has(key)) yield key;
    }
  }

  /**
   * The same data, its changes' keys and values taken from `table` (the base's were, when it
   * was interned itself). A change carried over from `before` (the interned layer this one
   * was made from: same base, same value) keeps `before`'s strings: only this hook's writes
   * are looked up, not every change since the last fold.
   */
  interned(table: StringTable, before: EncodedData | undefined): LayeredData {
    const prior =
      before instanceof LayeredData && before.base === this.base ? before.changes : undefined;
    const changes = new Map<string, string | undefined>();
    for (const [key, value] of this.changes) {
      const carried = value === undefined ? undefined : prior?.get(key);
      // A carried change's key is `before`'s own key object (copied with its Map).
      if (carried !== undefined && carried === value) changes.set(key, carried);
      else changes.set(table.intern(key), value === undefined ? undefined : table.intern(value));
    }
    return new LayeredData(this.base, changes);
  }

  /** The same keys and values in one flat map, keys sorted (made once). */
  flatten(): ReadonlyMap<string, string> {
    if (this.flat !== undefined) return this.flat;
    const keys = [...this.base.keys()];
    for (const [key, value] of this.changes)
      if (value !== undefined && !this.base.has(key)) keys.push(key);
    keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const flat = new Map<string, string>();
    for (const key of keys) {
      const value = this.get(key);
      if (value !== undefined) flat.set(key, value);
    }
    this.flat = flat;
    return flat;
  }

  forEach(
    callback: (value: string, key: string, map: ReadonlyMap<string, string>) => void,
    thisArg?: unknown,
  ): void {
    for (const [key, value] of this.flatten()) callback.call(thisArg, value, key, this);
  }
  entries(): MapIterator<[string, string]> {
    return this.flatten().entries() as MapIterator<[string, string]>;
  }
  keys(): MapIterator<string> {
    return this.flatten().keys() as MapIterator<string>;
  }
  values(): MapIterator<string> {
    return this.flatten().values() as MapIterator<string>;
  }
  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * `data` with its strings taken from `table`: a layer's changes only (its base was interned
 * when it was made), every entry of a flat map (a fold makes one every ~4·√(size) changes).
 * `before` is the data this replaces: a flat map it already was is returned as it is.
 */
export function internData(
  data: EncodedData,
  table: StringTable,
  before: EncodedData | undefined,
): EncodedData {
  if (data instanceof LayeredData) return data.interned(table, before);
  if (data === before) return data;
  const out = new Map<string, string>();
  for (const [key, value] of data) out.set(table.intern(key), table.intern(value));
  return out;
}
