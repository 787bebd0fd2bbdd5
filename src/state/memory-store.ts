// An in-memory unit-state store: for the simulator and tests. Saves a deep copy, so later
// changes to a working state never leak into the committed one.
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
  private committed: string;
  /** How many times save() was called (each one a committed hook). */
  saves = 0;

  /** Start from `initial` (default: no flags, no data). */
  constructor(initial: StateSnapshot = emptySnapshot(), location = 'memory') {
    this.committed = JSON.stringify(initial);
    this.location = location;
  }

  /** A copy of the last saved snapshot. */
  load(): StateSnapshot {
    return JSON.parse(this.committed) as StateSnapshot;
  }

  /** Keep a copy of `snapshot` as the committed state. */
  save(snapshot: StateSnapshot): void {
    this.committed = JSON.stringify(snapshot);
    this.saves++;
  }
}
