// The unit-state store contract: load at hook start, save once at the end of a hook that
// succeeded. Implementations must make save atomic (all or nothing) and must never reset
// silently: an unreadable store is an error that names where the state lives.
import type { JsonValue } from '../util/json.js';

/** What persists between hooks: the unit's flags and its key/value data. */
export interface StateSnapshot {
  /** The snapshot format version. */
  readonly version: 1;
  /** The set flags, sorted. */
  readonly flags: readonly string[];
  /** The key/value data (including `dataChanged` hashes and endpoint bookkeeping). */
  readonly data: Readonly<Record<string, JsonValue>>;
}

/**
 * Where a unit's state lives between hooks. Loaded once at hook start and saved once, only
 * at the end of a hook that succeeded. Implement it to keep state somewhere else.
 * @see FileStateStore (the default), JujuStateStore, MemoryStateStore
 */
export interface StateStore {
  /** Where the state lives, for error messages (a path, or "Juju state-get"). */
  readonly location: string;
  /** Load the last committed state; an empty snapshot if there is none yet. Throws StateStoreError. */
  load(): StateSnapshot;
  /** Replace the committed state atomically. Throws StateStoreError. */
  save(snapshot: StateSnapshot): void;
}

/** The store could not be read or written. The message names the location and what to do. */
export class StateStoreError extends Error {
  /** Always `StateStoreError`. */
  override readonly name = 'StateStoreError';
  constructor(
    /** Where the state lives (a path, or a description). */
    readonly location: string,
    message: string,
    /** The underlying error, if any. */
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** The state of a unit that has run no hook yet: no flags, no data. */
export function emptySnapshot(): StateSnapshot {
  return { version: 1, flags: [], data: {} };
}

/** Validate a parsed value as a snapshot; returns a reason string when it is not one. */
export function snapshotProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return 'not a JSON object';
  const v = value as Record<string, unknown>;
  if (v.version !== 1) return `unsupported version ${JSON.stringify(v.version)} (expected 1)`;
  if (!Array.isArray(v.flags) || v.flags.some((f) => typeof f !== 'string'))
    return '"flags" is not a list of strings';
  if (v.data === null || typeof v.data !== 'object' || Array.isArray(v.data))
    return '"data" is not an object';
  return undefined;
}
