// onlyOnce and whenFileChanged bookkeeping, kept in the unit state so it commits (or not)
// with the hook. File hashes are recorded only after the handler succeeded.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { DispatchBookkeeping } from '../reactive/dispatch.js';
import type { UnitState } from '../state/unit-state.js';

const ONCE = 'reactive.once.';
const FILES = 'reactive.files.';

/** The dispatch bookkeeping of one hook, kept under `reactive.once.*` and `reactive.files.*`. */
export function stateBookkeeping(state: UnitState, charmDir: string): DispatchBookkeeping {
  return new StateBookkeeping(state, charmDir);
}

// A class, not an object of closures: one is made per hook (closures would each be made, and
// under tsx named, every hook).
class StateBookkeeping implements DispatchBookkeeping {
  constructor(
    private readonly state: UnitState,
    private readonly charmDir: string,
  ) {}

  private hashes(paths: readonly string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of paths) out[p] = hashFile(isAbsolute(p) ? p : join(this.charmDir, p));
    return out;
  }

  onlyOnceDone(id: string): boolean {
    return this.state.get(ONCE + id) === true;
  }

  filesChanged(id: string, paths: readonly string[]): boolean {
    const seen = this.state.get<Record<string, string>>(FILES + id) ?? {};
    const now = this.hashes(paths);
    return paths.some((p) => seen[p] !== now[p]);
  }

  handlerSucceeded({
    id,
    onlyOnce,
    files,
  }: {
    readonly id: string;
    readonly onlyOnce: boolean;
    readonly files: readonly string[];
  }): void {
    if (onlyOnce) this.state.set(ONCE + id, true);
    if (files.length > 0) this.state.set(FILES + id, this.hashes(files));
  }
}

function hashFile(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'missing';
  }
}
