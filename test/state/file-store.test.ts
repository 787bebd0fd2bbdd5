import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { runHook } from '../../src/charm/run-hook.js';
import { FileStateStore, STATE_FILE_NAME, type WriteFn } from '../../src/state/file-store.js';
import { type StateSnapshot, StateStoreError } from '../../src/state/store.js';
import { hookContext } from '../helpers/hook.js';
import { StubHookTools } from '../helpers/stub-tools.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function charmDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'juju-reactive-state-'));
  dirs.push(dir);
  return dir;
}

const snapshot = (partial: Partial<StateSnapshot> = {}): StateSnapshot => ({
  version: 1,
  flags: ['db.ready', 'installed'],
  data: { port: 3306, nested: { list: [1, 'two', null], ok: true } },
  ...partial,
});

describe('the file state store', () => {
  it('loads a missing file as empty state', () => {
    const store = FileStateStore.forCharmDir(charmDir());
    expect(store.load()).toEqual({ version: 1, flags: [], data: {} });
  });

  it('lives in one JSON file under the charm dir', () => {
    const dir = charmDir();
    const store = FileStateStore.forCharmDir(dir);
    expect(store.location).toBe(join(dir, STATE_FILE_NAME));
    store.save(snapshot());
    expect(JSON.parse(readFileSync(join(dir, STATE_FILE_NAME), 'utf8'))).toEqual(snapshot());
  });

  it('round-trips what it saved, through a new store on the same file', () => {
    const dir = charmDir();
    FileStateStore.forCharmDir(dir).save(snapshot());
    expect(FileStateStore.forCharmDir(dir).load()).toEqual(snapshot());
  });

  it('replaces the file with a rename: no temp file remains after save', () => {
    const dir = charmDir();
    const store = FileStateStore.forCharmDir(dir);
    store.save(snapshot());
    store.save(snapshot({ flags: ['second'] }));
    expect(readdirSync(dir)).toEqual([STATE_FILE_NAME]);
    expect(store.load().flags).toEqual(['second']);
  });

  it('writes the file readable by its owner only (mode 0600), even over a wider existing file', () => {
    const dir = charmDir();
    const path = join(dir, STATE_FILE_NAME);
    writeFileSync(path, JSON.stringify(snapshot()), { mode: 0o644 });
    chmodSync(path, 0o644);
    FileStateStore.forCharmDir(dir).save(snapshot({ flags: [] }));
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('fails a save with a message naming the file, and leaves no temp file behind', () => {
    const dir = charmDir();
    const store = FileStateStore.forCharmDir(dir);
    mkdirSync(store.location); // the rename onto a directory fails, even for root
    let error: unknown;
    try {
      store.save(snapshot());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateStoreError);
    expect((error as Error).message).toContain(`cannot write unit state file ${store.location}`);
    expect(readdirSync(dir)).toEqual([STATE_FILE_NAME]);
    expect(statSync(store.location).isDirectory()).toBe(true);
  });

  it('fails a save into a missing directory with a message naming the file', () => {
    const store = new FileStateStore(join(charmDir(), 'no-such-dir', STATE_FILE_NAME));
    expect(() => store.save(snapshot())).toThrow(
      new RegExp(`cannot write unit state file ${store.location.replace(/[.\\]/g, '\\$&')}`),
    );
  });
});

/** A write that stops making progress after `limit` bytes in all, as a full disk does. */
function fillingDisk(limit: number, chunk = 7): WriteFn {
  let total = 0;
  return (fd, buffer, offset, length) => {
    const n = Math.min(length, chunk, limit - total);
    if (n <= 0) return 0;
    total += n;
    return writeSync(fd, buffer, offset, n);
  };
}

describe('the file state store on a filling disk', () => {
  it('writes the whole file through short writes that make progress', () => {
    const dir = charmDir();
    const store = new FileStateStore(join(dir, STATE_FILE_NAME), { write: fillingDisk(1e9) });
    store.save(snapshot());
    expect(FileStateStore.forCharmDir(dir).load()).toEqual(snapshot());
  });

  it('fails a save that stops short, and never renames a truncated file over the state', () => {
    const dir = charmDir();
    FileStateStore.forCharmDir(dir).save(snapshot({ flags: ['good'] }));
    const store = new FileStateStore(join(dir, STATE_FILE_NAME), { write: fillingDisk(40) });
    expect(() => store.save(snapshot({ flags: ['x'.repeat(200)] }))).toThrow(
      /cannot write unit state file .*only 40 of \d+ bytes could be written \(is the disk full\?\)/,
    );
    expect(FileStateStore.forCharmDir(dir).load().flags).toEqual(['good']);
    expect(readdirSync(dir)).toEqual([STATE_FILE_NAME]);
  });

  it('fails a save whose write throws ENOSPC, leaving the state and no temp file', () => {
    const dir = charmDir();
    FileStateStore.forCharmDir(dir).save(snapshot({ flags: ['good'] }));
    const enospc: WriteFn = () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    const store = new FileStateStore(join(dir, STATE_FILE_NAME), { write: enospc });
    expect(() => store.save(snapshot())).toThrow(/ENOSPC/);
    expect(FileStateStore.forCharmDir(dir).load().flags).toEqual(['good']);
    expect(readdirSync(dir)).toEqual([STATE_FILE_NAME]);
  });
});

describe('temp files of writers that died mid-save', () => {
  it('are removed at load when their writer is gone; a live writer keeps its own', () => {
    const dir = charmDir();
    const store = FileStateStore.forCharmDir(dir);
    store.save(snapshot());
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const deadPid = Number(dead.stdout);
    const live = process.ppid; // the test runner's parent: alive while this test runs
    writeFileSync(`${store.location}.tmp-${deadPid}`, '{"version":1,"fla');
    writeFileSync(`${store.location}.tmp-${live}`, '{"version":1,"fla');
    writeFileSync(join(dir, 'unrelated.tmp-1'), 'kept');
    expect(store.load()).toEqual(snapshot());
    expect(readdirSync(dir).sort()).toEqual(
      [STATE_FILE_NAME, `${STATE_FILE_NAME}.tmp-${live}`, 'unrelated.tmp-1'].sort(),
    );
  });
});

describe('a corrupt state file', () => {
  it.each([
    ['invalid JSON', '{"version": 1, "flags": [', /is not valid JSON/],
    ['an empty file', '', /is not valid JSON/],
    ['a JSON array', '[]', /not a JSON object/],
    ['JSON null', 'null', /not a JSON object/],
    ['an unknown version', '{"version":2,"flags":[],"data":{}}', /unsupported version 2/],
    ['flags that are not strings', '{"version":1,"flags":[1],"data":{}}', /"flags" is not a list/],
    ['flags that are not a list', '{"version":1,"flags":"a","data":{}}', /"flags" is not a list/],
    ['data that is a list', '{"version":1,"flags":[],"data":[]}', /"data" is not an object/],
    ['missing data', '{"version":1,"flags":[]}', /"data" is not an object/],
  ])('with %s fails to load with a message naming the file and the problem', (_what, text, why) => {
    const dir = charmDir();
    const store = FileStateStore.forCharmDir(dir);
    writeFileSync(store.location, text);
    let error: unknown;
    try {
      store.load();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateStoreError);
    expect((error as StateStoreError).location).toBe(store.location);
    expect((error as Error).message).toContain(`unit state file ${store.location} is corrupt`);
    expect((error as Error).message).toMatch(why);
    expect((error as Error).message).toMatch(/Refusing to start from empty state/);
  });

  it('fails the hook and is never reset: the file is left exactly as it was', async () => {
    const dir = charmDir();
    const store = FileStateStore.forCharmDir(dir);
    const corrupt = '{"version":1,"flags":["installed"],"data":';
    writeFileSync(store.location, corrupt);
    const charm = new Charm();
    const ran: string[] = [];
    charm.handler({ id: 'any' }, () => void ran.push('any'));
    const tools = new StubHookTools();
    const result = await runHook({
      charm,
      context: hookContext({ hookName: 'update-status', charmDir: dir }),
      metadata: { name: 'test', endpoints: [] },
      tools,
      store,
    });
    expect(result.exitCode).toBe(1);
    expect(result.error).toContain(store.location);
    expect(ran).toEqual([]);
    expect(readFileSync(store.location, 'utf8')).toBe(corrupt);
    expect(readdirSync(dir)).toEqual([STATE_FILE_NAME]);
    expect(tools.logs).toEqual([
      {
        level: 'ERROR',
        message: expect.stringContaining(`unit state file ${store.location} is corrupt`),
      },
    ]);
  });
});

describe('a hook with the file state store', () => {
  it('commits flags and data to the file on success, and nothing on failure', async () => {
    const dir = charmDir();
    const store = FileStateStore.forCharmDir(dir);
    let fail = false;
    const charm = new Charm();
    charm.handler({ id: 'work' }, (rt) => {
      rt.flags.set(fail ? 'second' : 'first');
      rt.state.set('hook', rt.hookName);
      if (fail) throw new Error('boom');
    });
    const run = (hookName: string) =>
      runHook({
        charm,
        context: hookContext({ hookName, charmDir: dir }),
        metadata: { name: 'test', endpoints: [] },
        tools: new StubHookTools(),
        store,
      });
    expect((await run('install')).exitCode).toBe(0);
    const committed = readFileSync(store.location, 'utf8');
    expect(store.load()).toEqual({ version: 1, flags: ['first'], data: { hook: 'install' } });
    fail = true;
    expect((await run('config-changed')).exitCode).toBe(1);
    expect(readFileSync(store.location, 'utf8')).toBe(committed);
    expect(readdirSync(dir)).toEqual([STATE_FILE_NAME]);
  });
});
