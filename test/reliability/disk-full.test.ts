// A disk that cannot take a whole file (issue 15, item 2), made real without filling a disk:
// the hook process runs under a file-size limit (`ulimit -f`), so write(2) really stops short
// (then fails with EFBIG; Node ignores SIGXFSZ) exactly as it does on a nearly full disk.
// Before: the state file was replaced by a truncated one, the hook exited 0 and every later
// hook refused to run; the V8 code cache's temp file was left behind on every hook.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetadata } from '../../src/juju/metadata.js';
import { STATE_FILE_NAME } from '../../src/state/file-store.js';
import { bundleCharmEntry, CODE_CACHE_FILE } from '../../src/testing/charm-dir.js';
import { ToolHost } from '../../src/testing/process/tool-host.js';

const charmDir = fileURLToPath(new URL('../charm/fixtures/exit-charm', import.meta.url));
let bundleDir: string;
let start: string;
const unitDirs: string[] = [];

beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), 'disk-full-charm-'));
  const out = join(bundleDir, 'dist');
  // No code cache from pack: the unit writes its own on its first hook (what is tested here).
  start = (
    await bundleCharmEntry({ entry: join(charmDir, 'main.ts'), outdir: out, codeCache: false })
  ).start;
});
afterAll(() => {
  rmSync(bundleDir, { recursive: true, force: true });
  for (const d of unitDirs) rmSync(d, { recursive: true, force: true });
});

function unitDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'disk-full-unit-'));
  unitDirs.push(dir);
  copyFileSync(join(charmDir, 'metadata.yaml'), join(dir, 'metadata.yaml'));
  return dir;
}

/** One update-status hook; `limitKiB` caps the size of any file the process writes. */
async function runHook(dir: string, mode: string, limitKiB?: number) {
  const host = await ToolHost.standalone('exit-charm', readMetadata(charmDir));
  try {
    const limit = limitKiB === undefined ? '' : `ulimit -f ${limitKiB}; `;
    const run = await host.runHook(
      'exit-charm/0',
      { hook: 'update-status' },
      'sh',
      ['-c', `${limit}exec "$0" "$1"`, process.execPath, start],
      { charmDir: dir, env: { EXIT_MODE: mode } },
    );
    const errors = host.calls().filter((c) => c.tool === 'juju-log' && c.args[1] === 'ERROR');
    return { status: run.status, errors: errors.map((c) => c.args.slice(3).join(' ')) };
  } finally {
    await host.close();
  }
}

describe('a hook on a disk that fills up', () => {
  it('fails the hook and keeps the last good state when the state file cannot be written whole', async () => {
    const dir = unitDir();
    expect((await runHook(dir, 'none')).status).toBe(0);
    const good = readFileSync(join(dir, STATE_FILE_NAME), 'utf8');
    const run = await runHook(dir, 'big-state', 4);
    expect(run.status).toBe(1);
    expect(run.errors).toEqual([
      expect.stringMatching(/cannot write unit state file .*: EFBIG: file too large/),
    ]);
    expect(readFileSync(join(dir, STATE_FILE_NAME), 'utf8')).toBe(good);
    expect(readdirSync(dir).sort()).toEqual(
      ['.juju-reactive-cache', STATE_FILE_NAME, 'metadata.yaml'].sort(),
    );
    // The next hook, with room again, runs normally.
    expect((await runHook(dir, 'big-state')).status).toBe(0);
  });

  it('leaves no temp file of the V8 code cache when the cache cannot be written', async () => {
    const dir = unitDir();
    const run = await runHook(dir, 'none', 4); // the state fits in 4 KiB; the code cache does not
    expect(run.status).toBe(0);
    const cacheDir = join(dir, CODE_CACHE_FILE, '..');
    const left = existsSync(cacheDir) ? readdirSync(cacheDir) : [];
    expect(left).toEqual([]);
    // With room again the cache is written whole.
    expect((await runHook(dir, 'none')).status).toBe(0);
    expect(readdirSync(cacheDir)).toEqual(['main.cjs.v8']);
  });
});
