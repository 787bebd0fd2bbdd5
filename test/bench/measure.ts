// Timing helpers for the benchmarks: whole-process wall time of a spawned command, summary
// statistics, and a process's peak RSS. Measurements only; nothing here asserts anything.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

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
      env: spec.env ?? cleanEnv(),
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

/** This process's environment without what a loader (tsx) or Juju put there. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key === 'NODE_OPTIONS' || key.startsWith('JUJU_')) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
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
