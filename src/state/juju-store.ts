// A unit-state store kept in Juju itself (state-get/state-set). Juju commits it together
// with the hook's relation data, so a hook killed at any point leaves flags and relation
// data consistent: both changed, or neither. The file store cannot promise that.
import type { HookTools } from '../juju/hook-tools.js';
import {
  emptySnapshot,
  type StateSnapshot,
  type StateStore,
  StateStoreError,
  snapshotProblem,
} from './store.js';

/** Juju limits a state value to 64 KiB; snapshots are split into chunks below that. */
export const JUJU_STATE_CHUNK = 60_000;
const PREFIX = 'juju-reactive.state';
const COUNT_KEY = `${PREFIX}.chunks`;

/** The Juju unit-state key that says a snapshot is stored there (and in how many chunks). */
export const JUJU_STATE_COUNT_KEY = COUNT_KEY;

/** The hook tools the store needs: Juju's unit state. */
export type JujuStateTools = Pick<HookTools, 'stateGet' | 'stateSet' | 'stateDelete'>;

/**
 * Unit state in Juju's server-side state.
 * @example new Charm({ stateStore: 'juju' }) // main() then uses JujuStateStore
 */
export class JujuStateStore implements StateStore {
  readonly location = 'Juju unit state (state-get / state-set)';
  private previousChunks = 0;

  constructor(private readonly tools: JujuStateTools) {}

  load(): StateSnapshot {
    const stored = this.tools.stateGet();
    if (stored.isErr())
      throw new StateStoreError(
        this.location,
        `cannot read unit state: ${stored.error.message}. The hook will be retried.`,
        stored.error,
      );
    const all = stored.value;
    const countText = all[COUNT_KEY];
    if (countText === undefined) return emptySnapshot();
    const count = Number(countText);
    if (!Number.isInteger(count) || count < 1)
      throw this.corrupt(`${COUNT_KEY} is ${JSON.stringify(countText)}, not a chunk count`);
    const parts: string[] = [];
    for (let i = 0; i < count; i++) {
      const part = all[`${PREFIX}.${i}`];
      if (part === undefined) throw this.corrupt(`chunk ${i} of ${count} is missing`);
      parts.push(part);
    }
    this.previousChunks = count;
    let parsed: unknown;
    try {
      parsed = JSON.parse(parts.join(''));
    } catch (error) {
      throw this.corrupt(`it is not valid JSON (${(error as Error).message})`);
    }
    const problem = snapshotProblem(parsed);
    if (problem) throw this.corrupt(problem);
    return parsed as StateSnapshot;
  }

  save(snapshot: StateSnapshot): void {
    const text = JSON.stringify(snapshot);
    const data: Record<string, string> = {};
    let count = 0;
    for (let i = 0; i < text.length; i += JUJU_STATE_CHUNK)
      data[`${PREFIX}.${count++}`] = text.slice(i, i + JUJU_STATE_CHUNK);
    data[COUNT_KEY] = String(count);
    const written = this.tools.stateSet(data);
    if (written.isErr())
      throw new StateStoreError(
        this.location,
        `cannot write unit state: ${written.error.message}`,
        written.error,
      );
    for (let i = count; i < this.previousChunks; i++) {
      const deleted = this.tools.stateDelete(`${PREFIX}.${i}`);
      if (deleted.isErr())
        throw new StateStoreError(
          this.location,
          `cannot delete a stale state chunk: ${deleted.error.message}`,
          deleted.error,
        );
    }
    this.previousChunks = count;
  }

  private corrupt(reason: string): StateStoreError {
    return new StateStoreError(
      this.location,
      `unit state kept in Juju is corrupt: ${reason}. Refusing to start from empty state; ` +
        `inspect it with 'juju exec --unit <unit> state-get' and repair or delete the ${PREFIX}.* keys.`,
    );
  }
}
