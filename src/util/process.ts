// Facts about other processes on this machine, for cleaning up after writers that died.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * True when a process with this pid exists (it may belong to another user). A pid can be
 * reused, so `true` may name an unrelated process: callers only use `false` to act.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // ESRCH: no such process. EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The pid in a name made as `<prefix><pid>` or `<prefix><pid>-...`, if the name is one. */
export function pidInName(name: string, prefix: string): number | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const match = /^([0-9]+)(-|$)/.exec(name.slice(prefix.length));
  const pid = match ? Number(match[1]) : Number.NaN;
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Remove every entry of `dir` named `<prefix><pid>` or `<prefix><pid>-...` whose process is
 * gone (files or whole directories a killed process could not remove). Entries of live
 * processes, and anything that cannot be listed or removed, are left alone.
 */
export function removeLeftoversOfGoneProcesses(dir: string, prefix: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = pidInName(name, prefix);
    if (pid === undefined || pid === process.pid || isProcessAlive(pid)) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
    } catch {
      /* not removable by this user: left alone */
    }
  }
}
