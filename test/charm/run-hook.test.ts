import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { unitWith } from '../reactive/builders.js';

describe('committing a hook', () => {
  it('persists the new flags and key/value data when every handler succeeded', async () => {
    const charm = new Charm();
    charm.hook('install').run(function install(rt) {
      rt.flags.set('installed');
      rt.flags.clear('stale');
      rt.state.set('cluster', { members: ['mysql/0'], port: 3306 });
      rt.state.set('obsolete', undefined);
    });
    const h = unitWith(charm, { flags: ['stale', 'kept'], data: { obsolete: 1, kept: 'yes' } });
    const saves = h.store.saves;
    const result = await h.run({ hookName: 'install' });
    expect(result).toMatchObject({ ok: true, exitCode: 0 });
    expect(h.store.saves).toBe(saves + 1);
    expect(h.store.load()).toEqual({
      version: 1,
      flags: ['installed', 'kept'],
      data: { cluster: { members: ['mysql/0'], port: 3306 }, kept: 'yes' },
    });
  });

  it('loads the committed state in the next hook', async () => {
    const charm = new Charm();
    charm.hook('install').run(function install(rt) {
      rt.flags.set('installed');
      rt.state.set('password-id', 'secret:1');
    });
    const seen: unknown[] = [];
    charm.hook('start').run(function start(rt) {
      seen.push(rt.flags.list(), rt.state.get('password-id'));
    });
    const h = unitWith(charm);
    await h.run({ hookName: 'install' });
    await h.run({ hookName: 'start' });
    expect(seen).toEqual([['installed'], 'secret:1']);
  });

  it('persists nothing when a handler throws, even what earlier handlers did', async () => {
    const charm = new Charm();
    charm.handler({ id: 'prepare' }, (rt) => {
      rt.flags.set('prepared');
      rt.flags.clear('kept');
      rt.state.set('progress', 50);
    });
    charm.handler({ id: 'configure-mysql' }, () => {
      throw new Error('mysqld did not start');
    });
    const h = unitWith(charm, { flags: ['kept'], data: { progress: 0 } });
    const before = h.store.load();
    const saves = h.store.saves;
    const result = await h.run({ hookName: 'config-changed' });
    expect(result).toMatchObject({ ok: false, exitCode: 1, failedHandler: 'configure-mysql' });
    expect(h.store.saves).toBe(saves);
    expect(h.store.load()).toEqual(before);
  });

  it('logs the failing handler, its error and its stack through juju-log at ERROR', async () => {
    const charm = new Charm();
    charm.handler({ id: 'configure-mysql' }, function configure() {
      throw new Error('mysqld did not start');
    });
    const h = unitWith(charm);
    const result = await h.run({ hookName: 'config-changed' });
    const errors = h.tools.logs.filter((l) => l.level === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(
      /^hook config-changed failed in handler configure-mysql: mysqld did not start\n/,
    );
    expect(errors[0]?.message).toMatch(/\n\s+at .*configure/);
    expect(result.error).toBe(
      'hook config-changed failed in handler configure-mysql: mysqld did not start',
    );
  });

  it('reports a thrown non-Error value by its text', async () => {
    const charm = new Charm();
    charm.handler({ id: 'odd' }, () => {
      throw 'plain string';
    });
    const result = await unitWith(charm).run({ hookName: 'install' });
    expect(result.error).toBe('hook install failed in handler odd: plain string');
  });

  it('lists the handlers that ran before the one that failed', async () => {
    const charm = new Charm();
    charm.handler({ id: 'first' }, (rt) => {
      rt.flags.set('a');
    });
    charm.when('a').run(function second() {
      throw new Error('boom');
    });
    const result = await unitWith(charm).run({ hookName: 'update-status' });
    expect(result.runs).toEqual([{ handler: 'first', phase: 'other', iteration: 0 }]);
    expect(result.failedHandler).toBe('second');
  });

  it('reports no commit for a failed hook', async () => {
    const charm = new Charm();
    charm.handler({ id: 'fine' }, () => {});
    charm.handler({ id: 'broken' }, () => {
      throw new Error('x');
    });
    const result = await unitWith(charm).run({ hookName: 'install' });
    expect(result.commit).toBeUndefined();
  });

  it('awaits async handlers before committing', async () => {
    const charm = new Charm();
    charm.handler({ id: 'slow' }, async (rt) => {
      await Promise.resolve();
      rt.flags.set('after.await');
      await new Promise<void>((resolve) => queueMicrotask(resolve));
      rt.state.set('done', true);
    });
    const h = unitWith(charm);
    await h.run({ hookName: 'install' });
    expect(h.store.load()).toMatchObject({ flags: ['after.await'], data: { done: true } });
  });

  it('fails the hook when an async handler rejects, and commits nothing', async () => {
    const charm = new Charm();
    charm.handler({ id: 'rejects' }, async (rt) => {
      rt.flags.set('half');
      await Promise.resolve();
      throw new Error('later');
    });
    const h = unitWith(charm);
    const result = await h.run({ hookName: 'install' });
    expect(result).toMatchObject({ exitCode: 1, failedHandler: 'rejects' });
    expect(h.store.load().flags).toEqual([]);
  });
});
