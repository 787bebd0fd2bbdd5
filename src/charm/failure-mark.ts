// The failure mark: a note, kept outside the unit state, that a hook which changes relation
// membership (-created, -joined, -departed, -broken) started and has not succeeded. A failed
// hook commits nothing of the charm's, but Juju may skip it, and `juju resolved --no-retry`
// still commits a skipped hook's relation membership (juju/juju
// worker/uniter/operation/skip.go: skipOperation replaces only Prepare and Execute, so
// runhook.go Commit runs and calls CommitHook; relation/state.go UpdateStateForHook). The
// hook after such a failure therefore asks Juju again (src/endpoints/relation-memory.ts).
// The mark is written when such a hook starts, so a hook killed or ended by process.exit is
// covered too; other hooks (a skipped one changes no membership) never touch it.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hookKind } from '../juju/hook-context.js';
import { FileStateStore } from '../state/file-store.js';
import { JujuStateStore } from '../state/juju-store.js';
import type { StateStore } from '../state/store.js';

/** Remembers, between hooks of one unit, a membership hook that did not succeed. */
export interface FailureMark {
  /** True when a membership hook started and no hook succeeded since. */
  readonly failedBefore: boolean;
  /** Called when a hook starts: marks it if it changes relation membership. Never throws. */
  begin(hookName: string): void;
  /** Forget the mark, once a hook succeeded. Never throws. */
  clear(): void;
}

/** Hook events whose commit changes what relation-list or relation-ids answers. */
const MEMBERSHIP_EVENTS = new Set(['created', 'joined', 'departed', 'broken']);

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
  return new Mark(store, path);
}

// A class, not an object of closures: one is made per hook (closures would each be made, and
// under tsx named, every hook).
class Mark implements FailureMark {
  readonly failedBefore: boolean;
  private marked: boolean;

  constructor(
    private readonly store: StateStore,
    private readonly path: string | undefined,
  ) {
    this.failedBefore = path === undefined ? inProcess.has(store) : existsSync(path);
    this.marked = this.failedBefore;
  }

  private mark(): void {
    if (this.path === undefined) inProcess.set(this.store, true);
    else {
      try {
        writeFileSync(this.path, '');
      } catch {
        // Best effort: without the mark the next hook trusts its records (see above).
        return;
      }
    }
    this.marked = true;
  }

  begin(hookName: string): void {
    const kind = hookKind(hookName);
    if (!this.marked && kind.kind === 'relation' && MEMBERSHIP_EVENTS.has(kind.event)) this.mark();
  }

  clear(): void {
    if (!this.marked) return;
    if (this.path === undefined) inProcess.delete(this.store);
    else {
      try {
        rmSync(this.path, { force: true });
      } catch {
        // Stays marked: the next hook asks Juju again, which is always safe.
        return;
      }
    }
    this.marked = false;
  }
}
