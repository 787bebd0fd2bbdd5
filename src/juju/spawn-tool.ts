// Runs one hook tool to completion, synchronously: what child_process.spawnSync does, without
// loading node:child_process. That module pulls node:net (and dgram, streams) into every hook
// process at start, about 4 ms of the ~40 ms a Node start costs; a hook needs none of it. The
// lean path calls the same native spawn_sync binding child_process.spawnSync calls
// (lib/internal/child_process.js in Node 20 and 22), with the same options, through
// process.binding (on its allow-list: lib/internal/bootstrap/realm.js, processBindingAllowList).
// Only on the Node majors whose binding this was checked against (20, 22: the one a packed
// charm carries); elsewhere, or with --pending-deprecation (which makes process.binding warn),
// child_process.spawnSync runs the tool instead, with the same result. In a hook bundle the
// import of node:child_process loads nothing until that fallback runs (src/pack/plugins.ts,
// LAZY_BUILTINS).
import { spawnSync } from 'node:child_process';
import { getSystemErrorName } from 'node:util';

/** How to run the tool. */
export interface SpawnToolOptions {
  /** The tool's whole environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Written to the tool's stdin; the tool reads end-of-file right away when empty. */
  readonly input: string;
  /** Most bytes the tool may print on stdout or on stderr before it is killed (ENOBUFS). */
  readonly maxBuffer: number;
  /** Milliseconds before the tool is killed with SIGKILL (ETIMEDOUT). */
  readonly timeoutMs: number;
}

/** The fields of child_process.spawnSync's result that the hook tools read (utf8 output). */
export interface SpawnToolResult {
  /** The exit code, or null when the tool was killed by a signal (or never started). */
  readonly status: number | null;
  /** The signal that killed the tool, e.g. `SIGKILL`. */
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Why the spawn failed or was cut short: `code` is ENOENT, ETIMEDOUT, ENOBUFS, … */
  error?: { readonly code: string; readonly message: string };
}

/** The native binding's entry point, as Node's own spawnSync calls it. */
type NativeSpawn = (options: object) => {
  status: number | null;
  signal: string | null;
  output: (Buffer | null)[] | null;
  error?: number;
};

/** Node majors whose spawn_sync binding takes the options below (checked: 20.20, 22.23). */
export const LEAN_SPAWN_NODE_MAJORS: ReadonlySet<number> = new Set([20, 22]);

/** SIGKILL's number on Linux, where Juju runs hooks. */
const SIGKILL = 9;

let native: NativeSpawn | null | undefined;

/** The spawn_sync binding, or null when this Node does not offer it quietly. */
function nativeSpawn(): NativeSpawn | null {
  if (native !== undefined) return native;
  native = null;
  const pending =
    process.execArgv.includes('--pending-deprecation') ||
    /--pending-deprecation/.test(process.env['NODE_OPTIONS'] ?? '') ||
    process.env['NODE_PENDING_DEPRECATION'] === '1';
  const binding = (process as unknown as { binding?: (name: string) => unknown }).binding;
  const major = Number(process.versions.node.split('.')[0]);
  if (pending || typeof binding !== 'function' || !LEAN_SPAWN_NODE_MAJORS.has(major)) return native;
  try {
    const spawn = (binding.call(process, 'spawn_sync') as { spawn?: unknown }).spawn;
    if (typeof spawn === 'function') native = spawn as NativeSpawn;
  } catch {
    // Not on this Node's allow-list: child_process it is.
  }
  return native;
}

/**
 * Run `file` (looked up on `options.env`'s PATH) with `args` and wait for it: the result
 * child_process.spawnSync(file, args, { env, input, encoding: 'utf8', maxBuffer, timeout,
 * killSignal: 'SIGKILL' }) gives, without loading child_process when the binding is there.
 */
export function spawnTool(
  file: string,
  args: readonly string[],
  options: SpawnToolOptions,
): SpawnToolResult {
  const spawn = nativeSpawn();
  const envPairs: string[] = [];
  for (const [key, value] of Object.entries(options.env)) {
    if (value !== undefined) envPairs.push(`${key}=${value}`);
  }
  // A NUL byte cannot travel in argv or the environment: child_process refuses it with a
  // TypeError (ERR_INVALID_ARG_VALUE); let it say so in its own words.
  if (spawn === null || [file, ...args, ...envPairs].some((s) => s.includes('\0'))) {
    return viaChildProcess(file, args, options);
  }
  const result = spawn({
    file,
    args: [file, ...args],
    envPairs,
    stdio: [
      options.input === ''
        ? { type: 'pipe', readable: true, writable: false }
        : { type: 'pipe', readable: true, writable: false, input: Buffer.from(options.input) },
      { type: 'pipe', readable: false, writable: true },
      { type: 'pipe', readable: false, writable: true },
    ],
    detached: false,
    windowsHide: true,
    windowsVerbatimArguments: false,
    timeout: options.timeoutMs,
    maxBuffer: options.maxBuffer,
    killSignal: SIGKILL,
  });
  const text = (i: number) => result.output?.[i]?.toString('utf8') ?? '';
  const out: SpawnToolResult = {
    status: result.status,
    signal: result.signal,
    stdout: text(1),
    stderr: text(2),
  };
  if (result.error !== undefined && result.error !== 0) {
    const code = errorName(result.error);
    out.error = { code, message: `spawnSync ${file} ${code}` };
  }
  return out;
}

function errorName(errno: number): string {
  try {
    return getSystemErrorName(errno);
  } catch {
    return `errno ${errno}`;
  }
}

function viaChildProcess(
  file: string,
  args: readonly string[],
  options: SpawnToolOptions,
): SpawnToolResult {
  const child = spawnSync(file, args, {
    env: options.env,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: options.maxBuffer,
    timeout: options.timeoutMs,
    killSignal: 'SIGKILL',
    windowsHide: true,
  });
  const out: SpawnToolResult = {
    status: child.status,
    signal: child.signal,
    stdout: child.stdout ?? '',
    stderr: child.stderr ?? '',
  };
  const error = child.error as NodeJS.ErrnoException | undefined;
  if (error !== undefined) out.error = { code: error.code ?? 'UNKNOWN', message: error.message };
  return out;
}
