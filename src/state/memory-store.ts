// An in-memory unit-state store: for the simulator and tests. Keeps what was saved as each
// value's JSON text (state/encoded.ts), so later changes to a working state never leak into the
// committed one, and a load or save costs nothing per key the hook did not change.
import type { StringTable } from '../util/string-table.js';
import { type EncodedData, encodeData, encodedSnapshot, internData } from './encoded.js';
import { emptySnapshot, type StateSnapshot, type StateStore } from './store.js';

/**
 * A {@link StateStore} in memory, for tests and the simulator. Each save keeps a deep copy.
 * @example
 * const store = new MemoryStateStore();
 * await runHook({ charm, context, metadata, tools, store });
 * store.load().flags; // the flags the hook committed
 */
export class MemoryStateStore implements StateStore {
  /** A label for error messages (default `memory`). */
  readonly location: string;
  private flags: readonly string[];
  private data: EncodedData;
  /** How many times save() was called (each one a committed hook). */
  saves = 0;

  /**
   * Start from `initial` (default: no flags, no data). With `strings`, what is saved takes its
   * strings from that table (the simulator gives every unit's store the model's table).
   */
  constructor(
    initial: StateSnapshot = emptySnapshot(),
    location = 'memory',
    private readonly strings?: StringTable,
  ) {
    this.flags = [...initial.flags];
    this.data = encodeData(initial);
    this.location = location;
  }

  /** A copy of the last saved snapshot (its `data` is decoded when first read). */
  load(): StateSnapshot {
    return encodedSnapshot(this.flags, this.data);
  }

  /** Keep a copy of `snapshot` as the committed state. */
  save(snapshot: StateSnapshot): void {
    const data = encodeData(snapshot);
    const strings = this.strings;
    if (strings === undefined) {
      this.flags = [...snapshot.flags];
      this.data = data;
    } else {
      this.flags = internedFlags(snapshot.flags, this.flags, strings);
      this.data = internData(data, strings, this.data);
    }
    this.saves++;
  }
}

/**
 * `flags` (sorted) with each one not already among `before` (sorted, interned) taken from
 * `table`: a walk of both lists, most of them the very strings saved before.
 */
function internedFlags(
  flags: readonly string[],
  before: readonly string[],
  table: StringTable,
): string[] {
  const out: string[] = new Array(flags.length);
  let j = 0;
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i] as string;
    while (j < before.length && (before[j] as string) < flag) j++;
    out[i] = j < before.length && before[j] === flag ? (before[j] as string) : table.intern(flag);
  }
  return out;
}
