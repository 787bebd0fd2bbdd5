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
  const hashes = (paths: readonly string[]): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const p of paths) out[p] = hashFile(isAbsolute(p) ? p : join(charmDir, p));
    return out;
  };
  return {
    onlyOnceDone: (id) => state.get(ONCE + id) === true,
    filesChanged: (id, paths) => {
      const seen = state.get<Record<string, string>>(FILES + id) ?? {};
      const now = hashes(paths);
      return paths.some((p) => seen[p] !== now[p]);
    },
    handlerSucceeded: ({ id, onlyOnce, files }) => {
      if (onlyOnce) state.set(ONCE + id, true);
      if (files.length > 0) state.set(FILES + id, hashes(files));
    },
  };
}

function hashFile(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'missing';
  }
}
