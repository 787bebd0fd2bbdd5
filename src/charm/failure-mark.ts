// The failure mark: a note, kept outside the unit state, that this unit's last hook failed.
// A failed hook commits nothing, but Juju may then skip it, and `juju resolved --no-retry`
// still commits the skipped hook's relation membership (juju/juju
// worker/uniter/operation/skip.go: skipOperation replaces only Prepare and Execute, so
// runhook.go Commit runs and calls CommitHook), so relation members or ids can change
// without a hook of this library having committed them. The hook after a failure therefore asks Juju again (src/endpoints/relation-memory.ts).
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileStateStore } from '../state/file-store.js';
import { JujuStateStore } from '../state/juju-store.js';
import type { StateStore } from '../state/store.js';

/** Remembers a failed hook between hooks of one unit. */
export interface FailureMark {
  /** True when the unit's last hook failed (and no hook succeeded since). */
  readonly failedBefore: boolean;
  /** Note that this hook failed. Never throws. */
  markFailed(): void;
  /** Forget a failure, once a hook succeeded. Never throws. */
  clear(): void;
}

/** In-process stores (the simulator, tests) live as long as the process: remember there. */
const inProcess = new WeakMap<StateStore, true>();

/**
 * The failure mark for a store: a file beside a file store's state file, a file in the charm
 * directory for a store kept in Juju (each hook is a new process there), in memory otherwise.
 */
export function failureMark(store: StateStore, charmDir: string): FailureMark {
  const path =
    store instanceof FileStateStore
      ? `${store.location}.hook-failed`
      : store instanceof JujuStateStore
        ? join(charmDir, '.juju-reactive.hook-failed')
        : undefined;
  if (path === undefined) {
    return {
      failedBefore: inProcess.has(store),
      markFailed: () => inProcess.set(store, true),
      clear: () => inProcess.delete(store),
    };
  }
  const failedBefore = existsSync(path);
  return {
    failedBefore,
    markFailed: () => {
      try {
        writeFileSync(path, '');
      } catch {
        // Best effort: without the mark the next hook trusts its records (see module comment).
      }
    },
    clear: () => {
      if (!failedBefore) return;
      try {
        rmSync(path, { force: true });
      } catch {
        // Stays marked: the next hook asks Juju again, which is always safe.
      }
    },
  };
}
