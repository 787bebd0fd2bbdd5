// An in-memory unit-state store: for the simulator and tests. Saves a deep copy, so later
// changes to a working state never leak into the committed one.
import { emptySnapshot, type StateSnapshot, type StateStore } from './store.js';

export class MemoryStateStore implements StateStore {
  readonly location: string;
  private committed: string;
  /** How many times save() was called (each one a committed hook). */
  saves = 0;

  constructor(initial: StateSnapshot = emptySnapshot(), location = 'memory') {
    this.committed = JSON.stringify(initial);
    this.location = location;
  }

  load(): StateSnapshot {
    return JSON.parse(this.committed) as StateSnapshot;
  }

  save(snapshot: StateSnapshot): void {
    this.committed = JSON.stringify(snapshot);
    this.saves++;
  }
}
