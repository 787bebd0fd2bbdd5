// Timing helpers for the benchmarks: whole-process wall time of a spawned command, summary
// statistics, and a process's peak RSS. Measurements only; nothing here asserts anything.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Stats {
  readonly n: number;
  readonly median: number;
  readonly p90: number;
  readonly min: number;
  readonly mean: number;
}

export function stats(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    n: sorted.length,
    median: round(median),
    p90: round(at(0.9)),
    min: round(sorted[0] as number),
    mean: round(sorted.reduce((s, x) => s + x, 0) / sorted.length),
  };
}

export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

export interface Timed {
  readonly ms: number;
  readonly exitCode: number;
  readonly stderr: string;
}

export interface RunSpec {
  readonly command: string;
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/**
 * Wall time of one whole process, from spawn to exit, as a unit agent sees it. Asynchronous,
 * so that this process can answer the hook tools (the static responder) meanwhile.
 */
export function timeProcess(spec: RunSpec): Promise<Timed> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(spec.command, [...(spec.args ?? [])], {
      env: spec.env ?? unitAgentEnv(),
      ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', fail);
    child.on('close', (code, signal) => {
      done({ ms: performance.now() - started, exitCode: code ?? (signal ? 128 : 1), stderr });
    });
  });
}

/**
 * The environment a unit agent gives a hook, built from nothing (as `env -i` would), never
 * inherited: Juju's own variables for Ubuntu (worker/uniter/runner/context/env.go, ubuntuEnv:
 * APT_LISTCHANGES_FRONTEND, DEBIAN_FRONTEND, LANG=C.UTF-8, TERM=tmux-256color, PATH with the
 * tools dir first) plus `extra` (the JUJU_* of HookVars in context.go). The agent's PATH is
 * systemd's default; this Node's directory is added when it is elsewhere. No NODE_* variable
 * reaches the child: NODE_EXTRA_CA_CERTS alone adds tens of ms to every Node start.
 */
export function unitAgentEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const nodeDir = dirname(process.execPath);
  const systemPath = SYSTEMD_PATH.split(':');
  const path = systemPath.includes(nodeDir) ? SYSTEMD_PATH : `${SYSTEMD_PATH}:${nodeDir}`;
  return {
    APT_LISTCHANGES_FRONTEND: 'none',
    DEBIAN_FRONTEND: 'noninteractive',
    LANG: 'C.UTF-8',
    TERM: 'tmux-256color',
    PATH: path,
    ...extra,
  };
}

/** systemd's default PATH for services (the unit agent's own, which hooks get after the tools). */
export const SYSTEMD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Variables of this process a careless bench would hand its children (and Juju does not). */
export function droppedVariables(): string[] {
  return Object.keys(process.env)
    .filter((key) => key.startsWith('NODE_') || key === 'TSX_TSCONFIG_PATH')
    .sort();
}

/** `/usr/bin/time` (GNU time), when installed: it reports a child's peak RSS. */
export const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Peak RSS (MiB) of one run of `spec`, through GNU time; undefined without it. */
export async function peakRssMiB(spec: RunSpec): Promise<number | undefined> {
  if (GNU_TIME === undefined) return undefined;
  const run = await timeProcess({
    ...spec,
    command: GNU_TIME,
    args: ['-f', 'maxrss-kib=%M', spec.command, ...(spec.args ?? [])],
  });
  const match = /maxrss-kib=(\d+)/.exec(run.stderr);
  return match ? round(Number(match[1]) / 1024, 1) : undefined;
}
