// A snapshot that carries its data in the form UnitState works with: each value as its JSON
// text. A store in memory keeps that form, and a hook's working state starts from it, so a hook
// costs what it changes, not the size of the whole state: nothing is parsed or re-encoded
// unless someone reads `data`, which is decoded (a fresh copy) on first read.
import type { JsonValue } from '../util/json.js';
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
