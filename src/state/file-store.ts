// The default unit-state store: one JSON file under the charm dir, replaced atomically
// (write a temp file, fsync, rename, fsync the directory). Never resets a corrupt file.
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import {
  emptySnapshot,
  type StateSnapshot,
  type StateStore,
  StateStoreError,
  snapshotProblem,
} from './store.js';

/** The file name used inside the charm dir. */
export const STATE_FILE_NAME = '.juju-reactive-state.json';

/**
 * The default {@link StateStore}: the unit state as one JSON file (mode 0600), replaced
 * atomically on save. `main()` uses `<charmDir>/.juju-reactive-state.json`.
 * @example
 * const store = FileStateStore.forCharmDir(process.env.JUJU_CHARM_DIR ?? '.');
 */
export class FileStateStore implements StateStore {
  /** The path of the state file. */
  readonly location: string;

  /** A store kept in the file at `path`. */
  constructor(path: string) {
    this.location = path;
  }

  /** The store for a charm: `<charmDir>/.juju-reactive-state.json`. */
  static forCharmDir(charmDir: string): FileStateStore {
    return new FileStateStore(join(charmDir, STATE_FILE_NAME));
  }

  /** Read the file; an empty snapshot if it does not exist. Throws StateStoreError if unreadable or corrupt. */
  load(): StateSnapshot {
    let text: string;
    try {
      text = readFileSync(this.location, 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return emptySnapshot();
      throw new StateStoreError(
        this.location,
        `cannot read unit state file ${this.location}: ${errnoText(error)}. Fix its permissions; the hook will be retried.`,
        error,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw this.corrupt(`it is not valid JSON (${(error as Error).message})`, error);
    }
    const problem = snapshotProblem(parsed);
    if (problem) throw this.corrupt(problem);
    return parsed as StateSnapshot;
  }

  /** Write a temp file, fsync it, rename it over the state file. Throws StateStoreError. */
  save(snapshot: StateSnapshot): void {
    const tmp = `${this.location}.tmp-${process.pid}`;
    let fd: number | undefined;
    try {
      fd = openSync(tmp, 'w', 0o600);
      writeSync(fd, JSON.stringify(snapshot));
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      renameSync(tmp, this.location);
      syncDirectory(dirname(this.location));
    } catch (error) {
      if (fd !== undefined) closeSync(fd);
      rmSync(tmp, { force: true });
      throw new StateStoreError(
        this.location,
        `cannot write unit state file ${this.location}: ${errnoText(error)}. The hook fails and will be retried.`,
        error,
      );
    }
  }

  private corrupt(reason: string, cause?: unknown): StateStoreError {
    return new StateStoreError(
      this.location,
      `unit state file ${this.location} is corrupt: ${reason}. ` +
        'Refusing to start from empty state (that would forget every flag). ' +
        'Restore the file, or delete it to reset this unit deliberately.',
      cause,
    );
  }
}

function syncDirectory(dir: string): void {
  // Makes the rename itself durable. Some filesystems refuse fsync on a directory; the
  // rename is still atomic there, so that refusal is not an error.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* see above */
  }
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function errnoText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
