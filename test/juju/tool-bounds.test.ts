// Hook-tool calls are bounded in time and output (issue 15, item 4). A tool that hangs, or
// exits but leaves a background process holding its stdout (observed: a hook stuck 641 s),
// must not hang the hook; a tool that prints without end must not exhaust memory.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessHookTools } from '../../src/juju/process-hook-tools.js';

const bin = mkdtempSync(join(tmpdir(), 'tool-bounds-'));
const pidFile = join(bin, 'background.pid');
afterAll(() => {
  // The background child of the lingering tool, stopped by its PID.
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
  } catch {
    /* already gone */
  }
  rmSync(bin, { recursive: true, force: true });
});

function tool(name: string, body: string): void {
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

// is-leader: answers, then leaves `sleep 1000` running with its stdout.
tool('is-leader', `echo true\nsleep 1000 &\necho $! > '${pidFile}'`);
// relation-ids: never answers.
tool('relation-ids', 'exec sleep 1000');
// config-get: prints without end.
tool('config-get', 'exec yes');

const tools = ({
  env,
  ...bounds
}: {
  timeoutMs?: number;
  maxOutputBytes?: number;
  env?: NodeJS.ProcessEnv;
}) =>
  new ProcessHookTools({
    env: { PATH: [bin, process.env['PATH']].join(delimiter), ...env },
    ...bounds,
  });

describe('hook-tool calls that do not end', () => {
  it('a tool that never answers is killed after the timeout: kind timeout', () => {
    const started = performance.now();
    const ids = tools({ timeoutMs: 1_000 }).relationIds('cluster');
    expect(ids.isErr() && ids.error.kind).toBe('timeout');
    expect(ids.isErr() && ids.error.message).toBe(
      'relation-ids: did not finish within 1 s and was killed',
    );
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('the timeout can be set through JUJU_REACTIVE_HOOK_TOOL_TIMEOUT (seconds)', () => {
    const ids = tools({ env: { JUJU_REACTIVE_HOOK_TOOL_TIMEOUT: '0.5' } }).relationIds('cluster');
    expect(ids.isErr() && ids.error.message).toMatch(/within 0\.5 s/);
  });

  it('a tool that exits but leaves a background process holding its stdout gives its answer', () => {
    const started = performance.now();
    const leader = tools({ timeoutMs: 1_000 }).isLeader();
    expect(leader.isOk() && leader.value).toBe(true);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('a tool that prints without end is stopped at the output bound: kind output-too-large', () => {
    const config = tools({ maxOutputBytes: 64 * 1024 }).configGet();
    expect(config.isErr() && config.error.kind).toBe('output-too-large');
    expect(config.isErr() && config.error.message).toBe(
      'config-get: printed more than 65536 bytes and was stopped',
    );
  });
});
