// The default unit-state store: one JSON file under the charm dir, replaced atomically
// (write a temp file completely, fsync, rename, fsync the directory). Never resets a corrupt
// file, never renames a partly written one over it.
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { removeLeftoversOfGoneProcesses } from '../util/process.js';
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
 * The one write call the store makes: `fs.writeSync(fd, buffer, offset, length)`, returning
 * how many bytes were written. A seam for tests (a disk that fills up mid-write).
 */
export type WriteFn = (fd: number, buffer: Uint8Array, offset: number, length: number) => number;

/** Options of {@link FileStateStore}. */
export interface FileStateStoreOptions {
  /** Replaces `fs.writeSync` (tests: short writes, ENOSPC). */
  readonly write?: WriteFn;
}

/**
 * The default {@link StateStore}: the unit state as one JSON file (mode 0600), replaced
 * atomically on save. `main()` uses `<charmDir>/.juju-reactive-state.json`.
 * @example
 * const store = FileStateStore.forCharmDir(process.env.JUJU_CHARM_DIR ?? '.');
 */
export class FileStateStore implements StateStore {
  /** The path of the state file. */
  readonly location: string;
  private readonly write: WriteFn;

  /** A store kept in the file at `path`. */
  constructor(path: string, options: FileStateStoreOptions = {}) {
    this.location = path;
    this.write = options.write ?? writeSync;
  }

  /** The store for a charm: `<charmDir>/.juju-reactive-state.json`. */
  static forCharmDir(charmDir: string): FileStateStore {
    return new FileStateStore(join(charmDir, STATE_FILE_NAME));
  }

  /**
   * Read the file; an empty snapshot if it does not exist. Throws StateStoreError if unreadable
   * or corrupt. First removes temp files left by writers that died mid-save (see save()).
   */
  load(): StateSnapshot {
    removeStaleTempFiles(this.location);
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

  /**
   * Write the whole snapshot to `<file>.tmp-<pid>`, fsync it, rename it over the state file.
   * A write that stops short (a full disk, a file size limit) fails the save: the state file
   * is left as it was and the temp file removed. Throws StateStoreError.
   */
  save(snapshot: StateSnapshot): void {
    const tmp = `${this.location}${TEMP_INFIX}${process.pid}`;
    let fd: number | undefined;
    try {
      fd = openSync(tmp, 'w', 0o600);
      this.writeAll(fd, Buffer.from(JSON.stringify(snapshot), 'utf8'));
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

  /** write(2) may write less than asked: go on until every byte is written, or fail. */
  private writeAll(fd: number, bytes: Buffer): void {
    let offset = 0;
    while (offset < bytes.length) {
      const written = this.write(fd, bytes, offset, bytes.length - offset);
      if (!Number.isInteger(written) || written <= 0) {
        throw new Error(
          `only ${offset} of ${bytes.length} bytes could be written (is the disk full?)`,
        );
      }
      offset += written;
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

const TEMP_INFIX = '.tmp-';

/**
 * Remove `<file>.tmp-<pid>` files whose writer is gone (killed mid-save): they are never
 * renamed, and would otherwise stay forever. A live writer's file (another pid still running)
 * is left alone; so is anything that cannot be listed or removed (the load goes on).
 */
function removeStaleTempFiles(location: string): void {
  removeLeftoversOfGoneProcesses(dirname(location), `${basename(location)}${TEMP_INFIX}`);
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
