// Spawning one hook process as a unit agent does, shared by the model's process host (host.ts)
// and the tool host for hand-run hooks (tool-host.ts): the hook's environment (only its own
// JUJU_* context, the fake tools first on PATH, the agent socket and context id), the spawn
// with a timeout, and stopping the agent socket.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { delimiter } from 'node:path';

/** Most of a hook's stdout and stderr kept (the last this many characters of each). */
const OUTPUT_KEPT = 64 * 1024;

/**
 * The environment of a hook process: this process's, without any JUJU_* variable or loader
 * (NODE_OPTIONS), then the tool dir first on PATH, the agent socket, the context id, and `juju`.
 */
export function hookEnv(
  toolDir: string,
  socketPath: string,
  contextId: string,
  juju: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('JUJU_') || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return Object.assign(env, juju, {
    PATH: [toolDir, process.env['PATH'] ?? ''].filter(Boolean).join(delimiter),
    JUJU_AGENT_SOCKET_ADDRESS: socketPath,
    JUJU_CONTEXT_ID: contextId,
  });
}

/** How a hook process ended: its exit code (128 when killed by a signal) and its output. */
export interface HookProcessExit {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Spawn `command args` and wait for it; SIGKILL it after `timeoutMs`. */
export function spawnHookProcess(
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
  onSpawn?: (child: ChildProcess) => void,
): Promise<HookProcessExit> {
  return new Promise((done, fail) => {
    const child = spawn(command, [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn?.(child);
    let timedOut = false;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = (stdout + chunk).slice(-OUTPUT_KEPT);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-OUTPUT_KEPT);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({
        exitCode: code ?? (signal ? 128 : 1),
        stdout,
        stderr: timedOut ? `${stderr}\nkilled after ${timeoutMs} ms` : stderr,
      });
    });
  });
}

/** Stop an agent socket server (if running) and remove the temp dir it lived in. */
export async function stopAgent(server: Server | undefined, root: string): Promise<void> {
  if (server !== undefined) await new Promise<void>((done) => server.close(() => done()));
  rmSync(root, { recursive: true, force: true });
}
