import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stateBookkeeping } from '../../src/charm/bookkeeping.js';
import { Charm } from '../../src/charm/charm.js';
import { dispatch } from '../../src/reactive/dispatch.js';
import { RuntimeEvents } from '../../src/reactive/events.js';
import { emptySnapshot } from '../../src/state/store.js';
import { UnitState } from '../../src/state/unit-state.js';
import { hookHarness } from '../helpers/hook.js';
import { handler } from '../reactive/builders.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A real charm dir with these files in it. */
function charmDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'juju-reactive-charm-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** A handler that throws the first `failures` times it runs, and counts its runs. */
function flaky(failures: number) {
  const calls = { count: 0 };
  const fn = () => {
    calls.count++;
    if (calls.count <= failures) throw new Error(`failure ${calls.count}`);
  };
  return { calls, fn };
}

const ran = (result: { runs: readonly { handler: string }[] }) => result.runs.map((r) => r.handler);

describe('onlyOnce', () => {
  it('runs in the first hook and never in a later one', async () => {
    const charm = new Charm();
    charm.handler({ id: 'bootstrap', onlyOnce: true }, () => {});
    const h = hookHarness(charm);
    expect(ran(await h.run({ hookName: 'install' }))).toEqual(['bootstrap']);
    expect(ran(await h.run({ hookName: 'config-changed' }))).toEqual([]);
    expect(ran(await h.run({ hookName: 'upgrade-charm' }))).toEqual([]);
  });

  it('runs again in the next hook when it threw, and only once it succeeded stops', async () => {
    const { calls, fn } = flaky(1);
    const charm = new Charm();
    charm.handler({ id: 'bootstrap', onlyOnce: true }, fn);
    const h = hookHarness(charm);
    const first = await h.run({ hookName: 'install' });
    expect(first.exitCode).toBe(1);
    expect(first.failedHandler).toBe('bootstrap');
    const second = await h.run({ hookName: 'install' });
    expect(second.exitCode).toBe(0);
    expect(ran(second)).toEqual(['bootstrap']);
    expect(ran(await h.run({ hookName: 'config-changed' }))).toEqual([]);
    expect(calls.count).toBe(2);
  });

  it('is ANDed with flag predicates: waits until its flags hold, then runs once', async () => {
    const charm = new Charm();
    charm
      .when('ready')
      .onlyOnce()
      .id('announce')
      .run(() => {});
    charm.hook('start').run(function start(rt) {
      rt.flags.set('ready');
    });
    const h = hookHarness(charm);
    expect(ran(await h.run({ hookName: 'install' }))).toEqual([]);
    expect(ran(await h.run({ hookName: 'start' }))).toEqual(['start', 'announce']);
    expect(ran(await h.run({ hookName: 'start' }))).toEqual(['start']);
  });

  it('does not re-run in the same hook when its flags change after it ran', async () => {
    const charm = new Charm();
    charm
      .whenAny('a', 'b')
      .onlyOnce()
      .id('once')
      .run(() => {});
    charm.whenNot('b').run(function setB(rt) {
      rt.flags.set('b');
    });
    const result = await hookHarness(charm).run({ hookName: 'install' });
    expect(ran(result)).toEqual(['setB', 'once']);
    expect(result.runs.find((r) => r.handler === 'once')?.iteration).toBe(1);
  });
});

describe('whenFileChanged', () => {
  function fileCharm(...paths: string[]) {
    const charm = new Charm();
    const seen: string[] = [];
    charm
      .whenFileChanged(...paths)
      .id('render')
      .run((rt) => {
        seen.push(rt.hookName);
      });
    return { charm, seen };
  }

  it('runs the first time, not while the file is unchanged, and again once it changed', async () => {
    const dir = charmDir({ 'config.yaml': 'port: 3306\n' });
    const { charm, seen } = fileCharm('config.yaml');
    const h = hookHarness(charm);
    await h.run({ hookName: 'install', charmDir: dir });
    await h.run({ hookName: 'update-status', charmDir: dir });
    writeFileSync(join(dir, 'config.yaml'), 'port: 3307\n');
    await h.run({ hookName: 'config-changed', charmDir: dir });
    await h.run({ hookName: 'update-status', charmDir: dir });
    expect(seen).toEqual(['install', 'config-changed']);
  });

  it('does not run when the file is rewritten with the same content', async () => {
    const dir = charmDir({ 'a.txt': 'same' });
    const { charm, seen } = fileCharm('a.txt');
    const h = hookHarness(charm);
    await h.run({ hookName: 'install', charmDir: dir });
    writeFileSync(join(dir, 'a.txt'), 'same');
    await h.run({ hookName: 'update-status', charmDir: dir });
    expect(seen).toEqual(['install']);
  });

  it('runs when any one of several files changed, and accepts absolute paths', async () => {
    const dir = charmDir({ 'a.txt': 'a', 'b.txt': 'b' });
    const { charm, seen } = fileCharm('a.txt', join(dir, 'b.txt'));
    const h = hookHarness(charm);
    await h.run({ hookName: 'install', charmDir: dir });
    writeFileSync(join(dir, 'b.txt'), 'b2');
    await h.run({ hookName: 'config-changed', charmDir: dir });
    await h.run({ hookName: 'update-status', charmDir: dir });
    expect(seen).toEqual(['install', 'config-changed']);
  });

  it('treats a missing file as a state: runs once while missing, again when it appears', async () => {
    const dir = charmDir();
    const { charm, seen } = fileCharm('later.txt');
    const h = hookHarness(charm);
    await h.run({ hookName: 'install', charmDir: dir });
    await h.run({ hookName: 'update-status', charmDir: dir });
    writeFileSync(join(dir, 'later.txt'), 'here');
    await h.run({ hookName: 'config-changed', charmDir: dir });
    expect(seen).toEqual(['install', 'config-changed']);
  });

  it('runs again in the next hook when it threw: the hash is recorded only on success', async () => {
    const dir = charmDir({ 'config.yaml': 'v1' });
    const { calls, fn } = flaky(1);
    const charm = new Charm();
    charm.whenFileChanged('config.yaml').id('render').run(fn);
    const h = hookHarness(charm);
    expect((await h.run({ hookName: 'install', charmDir: dir })).exitCode).toBe(1);
    const retry = await h.run({ hookName: 'install', charmDir: dir });
    expect(retry.exitCode).toBe(0);
    expect(ran(retry)).toEqual(['render']);
    expect(ran(await h.run({ hookName: 'update-status', charmDir: dir }))).toEqual([]);
    expect(calls.count).toBe(2);
  });

  it('does not record the hash in the working state when the handler threw', async () => {
    const dir = charmDir({ 'config.yaml': 'v1' });
    const state = new UnitState(emptySnapshot());
    const bookkeeping = stateBookkeeping(state, dir);
    const failing = handler('render', { whenFileChanged: ['config.yaml'] }, () => {
      throw new Error('template error');
    });
    await expect(
      dispatch({
        handlers: [failing],
        flags: state.flags,
        hookName: 'install',
        context: state.flags,
        events: new RuntimeEvents(),
        bookkeeping,
      }),
    ).rejects.toThrow(/template error/);
    expect(bookkeeping.filesChanged('render', ['config.yaml'])).toBe(true);
  });

  it('records the hash after a success, in the hook’s working state', async () => {
    const dir = charmDir({ 'config.yaml': 'v1' });
    const state = new UnitState(emptySnapshot());
    const bookkeeping = stateBookkeeping(state, dir);
    await dispatch({
      handlers: [handler('render', { whenFileChanged: ['config.yaml'] })],
      flags: state.flags,
      hookName: 'install',
      context: state.flags,
      events: new RuntimeEvents(),
      bookkeeping,
    });
    expect(bookkeeping.filesChanged('render', ['config.yaml'])).toBe(false);
    writeFileSync(join(dir, 'config.yaml'), 'v2');
    expect(bookkeeping.filesChanged('render', ['config.yaml'])).toBe(true);
  });

  it('keeps the hashes of different handlers apart', async () => {
    const dir = charmDir({ 'a.txt': 'a' });
    const charm = new Charm();
    charm
      .whenFileChanged('a.txt')
      .id('first')
      .run(() => {});
    charm
      .when('second.enabled')
      .whenFileChanged('a.txt')
      .id('second')
      .run(() => {});
    charm.hook('start').run(function enable(rt) {
      rt.flags.set('second.enabled');
    });
    const h = hookHarness(charm);
    expect(ran(await h.run({ hookName: 'install', charmDir: dir }))).toEqual(['first']);
    expect(ran(await h.run({ hookName: 'start', charmDir: dir }))).toEqual(['enable', 'second']);
  });
});
