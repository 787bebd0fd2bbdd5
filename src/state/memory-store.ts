// An in-memory unit-state store: for the simulator and tests. Keeps what was saved as each
// value's JSON text (state/encoded.ts), so later changes to a working state never leak into the
// committed one, and a load or save costs nothing per key the hook did not change.
import { type EncodedData, encodeData, encodedSnapshot } from './encoded.js';
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

  /** Start from `initial` (default: no flags, no data). */
  constructor(initial: StateSnapshot = emptySnapshot(), location = 'memory') {
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
    this.flags = [...snapshot.flags];
    this.data = data;
    this.saves++;
  }
}
