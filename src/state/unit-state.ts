// UnitState: the working copy of a unit's persistent state during one hook: flags plus
// key/value data. Loaded at hook start, snapshotted for commit only if the hook succeeds.
import { FlagSet } from '../reactive/flags.js';
import { hashValue, type JsonValue } from '../util/json.js';
import type { StateSnapshot } from './store.js';

const DATA_CHANGED_PREFIX = 'reactive.data_changed.';

/** The unit's key/value data, with change detection. Flags live in `flags`. */
export class UnitState {
  /** The unit's flags (the same object as `rt.flags`). */
  readonly flags: FlagSet;
  private readonly data: Map<string, string>;
  /** What was loaded: the flags (sorted, joined) and the encoded data, to tell a change. */
  private readonly loadedFlags: string;
  private readonly loadedData: ReadonlyMap<string, string>;

  /** The working copy of a committed snapshot. */
  constructor(snapshot: StateSnapshot) {
    this.flags = new FlagSet(snapshot.flags);
    // Values are kept encoded: every get returns a fresh copy a handler may mutate freely.
    this.data = new Map(Object.entries(snapshot.data).map(([k, v]) => [k, JSON.stringify(v)]));
    this.loadedFlags = this.flags.list().join('\n');
    this.loadedData = new Map(this.data);
  }

  /**
   * True when the flags or the data differ from what was loaded: a hook that changed
   * neither need not save (nothing to write, no state-set call, no file replaced).
   */
  changed(): boolean {
    if (this.data.size !== this.loadedData.size) return true;
    for (const [key, value] of this.data) if (this.loadedData.get(key) !== value) return true;
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
      this.data.delete(key);
      return;
    }
    const encoded = JSON.stringify(value);
    if (encoded === undefined)
      throw new TypeError(`unit state value for ${key} is not JSON-serializable`);
    this.data.set(key, encoded);
  }

  /** Remove a key (same as `set(key, undefined)`). */
  unset(key: string): void {
    this.data.delete(key);
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
    // No prototype: a key named `__proto__` is data like any other.
    const data = Object.create(null) as Record<string, JsonValue>;
    for (const key of [...this.data.keys()].sort())
      data[key] = JSON.parse(this.data.get(key) as string) as JsonValue;
    return { version: 1, flags: this.flags.list(), data };
  }
}
