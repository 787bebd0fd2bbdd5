// Every way out of a hook process (issue 15, item 3). Only a runHook that completed decides
// the exit code; every other way out (a handler promise that never settles, process.exit in
// a handler, a stray rejection) is an ERROR logged through juju-log and exit 1, and nothing
// after the commit (a late rejection, throw or process.exit) changes the outcome. Real child
// processes: a bundled charm run with the simulator's hook tools on PATH (ToolHost), as a unit
// agent runs it.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetadata } from '../../src/juju/metadata.js';
import { STATE_FILE_NAME } from '../../src/state/file-store.js';
import { bundleCharmEntry } from '../../src/testing/charm-dir.js';
import { ToolHost } from '../../src/testing/process/tool-host.js';

const charmDir = fileURLToPath(new URL('./fixtures/exit-charm', import.meta.url));
let bundleDir: string;
let start: string;

beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), 'exit-charm-'));
  start = (
    await bundleCharmEntry({ entry: join(charmDir, 'main.ts'), outdir: join(bundleDir, 'dist') })
  ).start;
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

async function runHook(mode: string) {
  const host = await ToolHost.standalone('exit-charm', readMetadata(charmDir));
  const unitDir = mkdtempSync(join(tmpdir(), 'exit-unit-'));
  copyFileSync(join(charmDir, 'metadata.yaml'), join(unitDir, 'metadata.yaml'));
  try {
    const run = await host.runHook(
      'exit-charm/0',
      { hook: 'update-status' },
      process.execPath,
      [start],
      {
        charmDir: unitDir,
        env: { EXIT_MODE: mode },
      },
    );
    const logs = host
      .calls()
      .filter((c) => c.tool === 'juju-log')
      .map((c) => `${c.args[1]} ${c.args.slice(3).join(' ')}`);
    return { status: run.status, logs, committed: existsSync(join(unitDir, STATE_FILE_NAME)) };
  } finally {
    await host.close();
    rmSync(unitDir, { recursive: true, force: true });
  }
}

describe('a hook process that does not finish its work', () => {
  it('fails (exit 1, logged) when a handler promise never settles', async () => {
    const run = await runHook('never-settle');
    expect(run.status).toBe(1);
    expect(run.committed).toBe(false);
    expect(run.logs).toEqual([
      expect.stringMatching(/^ERROR hook update-status did not finish: .*never settled/),
    ]);
  });

  it('fails (exit 1, logged) when a handler calls process.exit(0)', async () => {
    const run = await runHook('exit-0');
    expect(run.status).toBe(1);
    expect(run.committed).toBe(false);
    expect(run.logs).toEqual([
      expect.stringMatching(/^ERROR hook update-status did not finish: .*process\.exit/),
    ]);
  });

  it('fails (exit 1, logged, nothing committed) on an unhandled rejection before the commit', async () => {
    const run = await runHook('reject-before');
    expect(run.status).toBe(1);
    expect(run.committed).toBe(false);
    expect(run.logs).toEqual([
      expect.stringMatching(
        /^ERROR hook update-status failed: .*stray rejection before the commit/,
      ),
    ]);
  });
});

describe('after the commit', () => {
  it.each([
    ['reject-after', /late rejection after the commit/],
    ['throw-after', /late throw after the commit/],
    ['exit-after', /process\.exit\(3\)/],
    ['before-exit-listener', /rejection from the charm beforeExit work/],
  ])('%s does not change the outcome: exit 0, state saved, a WARNING', async (mode, what) => {
    const run = await runHook(mode);
    expect(run.status).toBe(0);
    expect(run.committed).toBe(true);
    expect(run.logs).toEqual([expect.stringMatching(/^WARNING /)]);
    expect(run.logs[0]).toMatch(what);
  });

  it('a normal hook exits 0 and logs nothing', async () => {
    const run = await runHook('none');
    expect(run).toEqual({ status: 0, logs: [], committed: true });
  });
});

describe('after the commit, with the unit agent gone', () => {
  it('a late throw ends the process with the hook’s outcome when stderr is closed and the tools refuse (its report failing is not reported again and again)', async () => {
    const host = await ToolHost.standalone('exit-charm', readMetadata(charmDir));
    const unitDir = mkdtempSync(join(tmpdir(), 'exit-unit-'));
    copyFileSync(join(charmDir, 'metadata.yaml'), join(unitDir, 'metadata.yaml'));
    const open = host.openHook('exit-charm/0', { hook: 'update-status' }, { charmDir: unitDir });
    const child = spawn(process.execPath, [start], {
      cwd: open.charmDir,
      env: { ...open.env, EXIT_MODE: 'throw-when-agent-gone' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      while (!existsSync(join(unitDir, STATE_FILE_NAME)))
        await new Promise((resolve) => setTimeout(resolve, 20));
      child.stdout.destroy();
      child.stderr.destroy();
      host.endHook(open.contextId);
      writeFileSync(join(unitDir, 'agent-gone'), '');
      const code = await Promise.race([
        exited,
        new Promise<'still running'>((done) => setTimeout(() => done('still running'), 15_000)),
      ]);
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await host.close();
      rmSync(unitDir, { recursive: true, force: true });
    }
  }, 30_000);
});
