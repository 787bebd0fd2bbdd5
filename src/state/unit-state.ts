// UnitState: the working copy of a unit's persistent state during one hook: flags plus
// key/value data. Loaded at hook start, snapshotted for commit only if the hook succeeds.
import { FlagSet } from '../reactive/flags.js';
import { hashValue, type JsonValue } from '../util/json.js';
import { type EncodedData, encodeData, encodedSnapshot, LayeredData } from './encoded.js';
import type { StateSnapshot } from './store.js';

const DATA_CHANGED_PREFIX = 'reactive.data_changed.';

/** The unit's key/value data, with change detection. Flags live in `flags`. */
export class UnitState {
  /** The unit's flags (the same object as `rt.flags`). */
  readonly flags: FlagSet;
  /**
   * The data as loaded, each value as JSON text (every get returns a fresh copy a handler may
   * mutate freely). Shared with the store that loaded it: never written to.
   */
  private readonly loadedData: EncodedData;
  /**
   * This hook's writes over `loadedData` (`undefined`: removed), made at the first write: a
   * hook costs what it writes, not the size of the state (the snapshot layers them on).
   */
  private writes: Map<string, string | undefined> | undefined;
  /** The data of the last snapshot, until the next write. */
  private snapshotData: EncodedData | undefined;
  /** Values parsed this hook, with the text each was parsed from (never handed out). */
  private readonly decoded = new Map<
    string,
    { readonly raw: string; value: JsonValue | typeof NOT_KEPT }
  >();
  /** The flags as loaded, to tell a change. */
  private readonly loadedFlags: readonly string[];

  /** The working copy of a committed snapshot. */
  constructor(snapshot: StateSnapshot) {
    this.flags = new FlagSet(snapshot.flags);
    // A store in memory hands over the data already encoded (state/encoded.ts): no copy here.
    this.loadedData = encodeData(snapshot);
    this.loadedFlags = snapshot.flags;
  }

  /** The text stored under `key` now (this hook's write, else what was loaded). */
  private raw(key: string): string | undefined {
    const writes = this.writes;
    if (writes?.has(key)) return writes.get(key);
    return this.loadedData.get(key);
  }

  private write(key: string, raw: string | undefined): void {
    this.snapshotData = undefined;
    if (this.writes === undefined) this.writes = new Map();
    this.writes.set(key, raw);
  }

  /**
   * True when the flags or the data differ from what was loaded: a hook that changed
   * neither need not save (nothing to write, no state-set call, no file replaced).
   */
  changed(): boolean {
    const writes = this.writes;
    if (writes !== undefined) {
      for (const [key, value] of writes) if (this.loadedData.get(key) !== value) return true;
    }
    if (this.flags.changeCount === 0) return false;
    // Compared with what was loaded as a set: a snapshot's flags need not come sorted.
    const now = this.flags.list();
    const loaded = new Set(this.loadedFlags);
    return now.length !== loaded.size || now.some((flag) => !loaded.has(flag));
  }

  /** The value stored under `key`, or undefined. */
  get<T extends JsonValue = JsonValue>(key: string): T | undefined {
    const raw = this.raw(key);
    if (raw === undefined) return undefined;
    // Handlers and layers read the same small keys many times a hook (config kept, addresses,
    // summaries): each text is parsed once per hook and handed out as a fresh copy.
    // A value read once is parsed and not kept (most big values are read once a hook).
    const decoded = this.decoded;
    const known = decoded.get(key);
    if (known === undefined || known.raw !== raw) {
      const value = JSON.parse(raw) as JsonValue;
      // A primitive is handed out as it is: nothing to copy.
      decoded.set(key, {
        raw,
        value: value !== null && typeof value === 'object' ? NOT_KEPT : value,
      });
      return value as T;
    }
    if (known.value === NOT_KEPT) known.value = JSON.parse(raw) as JsonValue;
    const copy = copyJson(known.value);
    return (copy === TOO_DEEP ? JSON.parse(raw) : copy) as T;
  }

  /**
   * @internal The JSON text stored under `key` now (undefined when absent): for a reader that
   * keeps what it decoded from a text and must tell whether a text is the one it decoded.
   */
  text(key: string): string | undefined {
    return this.raw(key);
  }

  /**
   * @internal Store the JSON text `encoded` of a value under `key`, as set(key, value) would
   * (the caller encoded it with JSON.stringify): for a writer that needs the text itself.
   */
  setText(key: string, encoded: string): void {
    if (this.raw(key) === encoded) return;
    this.write(key, encoded);
  }

  /** Store a JSON value; `undefined` removes the key. Committed with the hook. */
  set(key: string, value: JsonValue | undefined): void {
    if (value === undefined) {
      this.unset(key);
      return;
    }
    const encoded = JSON.stringify(value);
    if (encoded === undefined)
      throw new TypeError(`unit state value for ${key} is not JSON-serializable`);
    if (this.raw(key) === encoded) return;
    this.write(key, encoded);
  }

  /** Remove a key (same as `set(key, undefined)`). */
  unset(key: string): void {
    if (this.raw(key) !== undefined) this.write(key, undefined);
  }

  /** True when a value is stored under `key`. */
  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  /** Keys, sorted, optionally only those starting with `prefix`. */
  keys(prefix = ''): string[] {
    const writes = this.writes;
    const loaded = this.loadedData;
    const out: string[] = [];
    for (const key of loaded instanceof LayeredData ? loaded.unsortedKeys() : loaded.keys()) {
      if (key.startsWith(prefix) && !writes?.has(key)) out.push(key);
    }
    if (writes !== undefined) {
      for (const [key, raw] of writes)
        if (raw !== undefined && key.startsWith(prefix)) out.push(key);
    }
    return out.sort();
  }

  /**
   * True when `value` differs from the value last passed for `key` (always true the first
   * time), and remembers the new value's hash. Compared by stable JSON, so key order in
   * objects does not matter.
   * @example if (state.dataChanged('config.port', config.port)) reopenPort();
   */
  dataChanged(key: string, value: unknown): boolean {
    const hash = hashValue(value);
    const storeKey = DATA_CHANGED_PREFIX + key;
    if (this.get(storeKey) === hash) return false;
    this.set(storeKey, hash);
    return true;
  }

  /** Forget the value {@link dataChanged} last saw for `key`: its next call answers true. */
  forgetDataChanged(key: string): void {
    this.unset(DATA_CHANGED_PREFIX + key);
  }

  /** The state as it would be committed now. */
  snapshot(): StateSnapshot {
    // Handed over as it is now: the writes are copied into it (a later write is not seen).
    this.snapshotData ??=
      this.writes === undefined ? this.loadedData : LayeredData.apply(this.loadedData, this.writes);
    // Decoded only if read (a key named `__proto__` is data like any other).
    return encodedSnapshot(this.flags.list(), this.snapshotData);
  }
}

const TOO_DEEP: unique symbol = Symbol('too deep');
/** A value read once this hook: parsed and kept only when it is read again. */
const NOT_KEPT: unique symbol = Symbol('not kept');
/** Deepest nesting {@link copyJson} copies; a deeper value is parsed from its text instead. */
const MAX_COPY_DEPTH = 32;

/**
 * A deep copy of a parsed JSON value (cheaper than parsing its text again), with the same key
 * order; a key named `__proto__` stays an own data property, as JSON.parse makes it.
 */
function copyJson(value: JsonValue, depth = 0): JsonValue | typeof TOO_DEEP {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_COPY_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    const out: JsonValue[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = copyJson(value[i] as JsonValue, depth + 1);
      if (item === TOO_DEEP) return TOO_DEEP;
      out[i] = item;
    }
    return out;
  }
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value)) {
    const item = copyJson(value[key] as JsonValue, depth + 1);
    if (item === TOO_DEEP) return TOO_DEEP;
    if (key === '__proto__')
      Object.defineProperty(out, key, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[key] = item;
  }
  return out;
}
