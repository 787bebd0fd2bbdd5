// UnitState: the working copy of a unit's persistent state during one hook: flags plus
// key/value data. Loaded at hook start, snapshotted for commit only if the hook succeeds.
import { FlagSet } from '../reactive/flags.js';
import { hashValue, type JsonValue } from '../util/json.js';
import { type EncodedData, encodeData, encodedSnapshot } from './encoded.js';
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
  /** The working copy of the data, made at the first write (until then, `loadedData`). */
  private written: Map<string, string> | undefined;
  /** A write added a key (the working copy's keys are no longer sorted). */
  private keyAdded = false;
  /** The working copy was handed to a snapshot: the next write copies it first. */
  private shared = false;
  /** What was loaded: the flags (sorted, joined), to tell a change. */
  private readonly loadedFlags: string;

  /** The working copy of a committed snapshot. */
  constructor(snapshot: StateSnapshot) {
    this.flags = new FlagSet(snapshot.flags);
    // A store in memory hands over the data already encoded (state/encoded.ts): no copy here.
    this.loadedData = encodeData(snapshot);
    this.loadedFlags = this.flags.list().join('\n');
  }

  private get data(): EncodedData {
    return this.written ?? this.loadedData;
  }

  private writable(): Map<string, string> {
    if (this.written === undefined || this.shared) {
      this.written = new Map(this.written ?? this.loadedData);
      this.shared = false;
    }
    return this.written;
  }

  /**
   * True when the flags or the data differ from what was loaded: a hook that changed
   * neither need not save (nothing to write, no state-set call, no file replaced).
   */
  changed(): boolean {
    const data = this.written;
    if (data !== undefined) {
      if (data.size !== this.loadedData.size) return true;
      for (const [key, value] of data) if (this.loadedData.get(key) !== value) return true;
    }
    return this.flags.list().join('\n') !== this.loadedFlags;
  }

  /** The value stored under `key`, or undefined. */
  get<T extends JsonValue = JsonValue>(key: string): T | undefined {
    const raw = this.data.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
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
    if (this.data.get(key) === encoded) return;
    const data = this.writable();
    if (!data.has(key)) this.keyAdded = true;
    data.set(key, encoded);
  }

  /** Remove a key (same as `set(key, undefined)`). */
  unset(key: string): void {
    if (this.data.has(key)) this.writable().delete(key);
  }

  /** True when a value is stored under `key`. */
  has(key: string): boolean {
    return this.data.has(key);
  }

  /** Keys, sorted, optionally only those starting with `prefix`. */
  keys(prefix = ''): string[] {
    return [...this.data.keys()].filter((k) => k.startsWith(prefix)).sort();
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
    if (this.written !== undefined && this.keyAdded) {
      this.written = new Map([...this.written].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      this.keyAdded = false;
    }
    // Handed over as it is now: a later write works on a copy of its own.
    this.shared = this.written !== undefined;
    const data = this.data;
    // Decoded only if read (a key named `__proto__` is data like any other).
    return encodedSnapshot(this.flags.list(), data);
  }
}
