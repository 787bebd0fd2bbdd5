import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import type { HookRuntime } from '../../src/charm/runtime.js';
import { recordEvents, unitWith } from '../reactive/builders.js';

/** A promise and the function that resolves it: lets two hooks take turns without sleeping. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** A charm whose flags and handlers all carry its own prefix. */
function prefixedCharm(prefix: string): Charm {
  const charm = new Charm();
  charm.hook('install').run(function install(rt) {
    rt.flags.set(`${prefix}.installed`);
    rt.state.set(`${prefix}.key`, prefix);
  });
  charm
    .when(`${prefix}.installed`)
    .whenNot(`${prefix}.configured`)
    .run(function configure(rt) {
      rt.flags.set(`${prefix}.configured`);
    });
  return charm;
}

describe('two runtimes in one process', () => {
  it('keep two charm definitions apart: same derived ids, no shared handlers', () => {
    const a = prefixedCharm('a');
    const b = prefixedCharm('b');
    expect(a.handlers.map((h) => h.id)).toEqual(['install', 'configure']);
    expect(b.handlers.map((h) => h.id)).toEqual(['install', 'configure']);
    expect(a.handlers.some((h) => b.handlers.includes(h))).toBe(false);
    a.handler({ id: 'only-in-a' }, () => {});
    expect(b.handlers.map((h) => h.id)).not.toContain('only-in-a');
  });

  it('never see each other’s flags, state or events when their hooks interleave', async () => {
    const ua = unitWith(prefixedCharm('a'), { unit: 'alpha/0' });
    const ub = unitWith(prefixedCharm('b'), { unit: 'beta/0' });
    const eventsA = recordEvents(ua.events);
    const eventsB = recordEvents(ub.events);
    const ra1 = await ua.run({ hookName: 'install' });
    const rb1 = await ub.run({ hookName: 'install' });
    const ra2 = await ua.run({ hookName: 'config-changed' });
    const rb2 = await ub.run({ hookName: 'config-changed' });
    expect([ra1, rb1, ra2, rb2].map((r) => r.exitCode)).toEqual([0, 0, 0, 0]);
    expect(ua.store.load()).toEqual({
      version: 1,
      flags: ['a.configured', 'a.installed'],
      data: { 'a.key': 'a' },
    });
    expect(ub.store.load()).toEqual({
      version: 1,
      flags: ['b.configured', 'b.installed'],
      data: { 'b.key': 'b' },
    });
    const flagsIn = (recorded: typeof eventsA) =>
      recorded.flatMap((e) => (e.event === 'flag.set' ? [e.payload.flag] : []));
    expect(flagsIn(eventsA)).toEqual(['a.installed', 'a.configured']);
    expect(flagsIn(eventsB)).toEqual(['b.installed', 'b.configured']);
    const unitsIn = (recorded: typeof eventsA) =>
      new Set(recorded.flatMap((e) => (e.event === 'hook.start' ? [e.payload.unit] : [])));
    expect(unitsIn(eventsA)).toEqual(new Set(['alpha/0']));
    expect(unitsIn(eventsB)).toEqual(new Set(['beta/0']));
  });

  it('stay apart when run concurrently with async handlers that interleave mid-hook', async () => {
    const aStarted = gate();
    const bStarted = gate();
    const observed: Record<string, string[]> = {};
    const order: string[] = [];

    const concurrent = (
      prefix: string,
      mine: ReturnType<typeof gate>,
      theirs: ReturnType<typeof gate>,
    ) => {
      const charm = new Charm();
      charm.handler({ id: `${prefix}-work` }, async (rt: HookRuntime) => {
        rt.flags.set(`${prefix}.started`);
        rt.state.set('owner', prefix);
        order.push(`${prefix} set`);
        mine.open();
        await theirs.opened; // the other hook has set its own flag by now
        order.push(`${prefix} resumed`);
        observed[prefix] = rt.flags.list();
        rt.flags.set(`${prefix}.done`);
        expect(rt.state.get('owner')).toBe(prefix);
      });
      charm.when(`${prefix}.done`).run(async function finish(rt) {
        await Promise.resolve();
        rt.flags.set(`${prefix}.finished`);
      });
      return charm;
    };

    const ua = unitWith(concurrent('a', aStarted, bStarted), { unit: 'alpha/0' });
    const ub = unitWith(concurrent('b', bStarted, aStarted), { unit: 'beta/0' });
    const [ra, rb] = await Promise.all([
      ua.run({ hookName: 'install' }),
      ub.run({ hookName: 'install' }),
    ]);

    // Both hooks really were in flight at once.
    expect(order.slice(0, 2).sort()).toEqual(['a set', 'b set']);
    expect(ra.exitCode).toBe(0);
    expect(rb.exitCode).toBe(0);
    expect(observed).toEqual({ a: ['a.started'], b: ['b.started'] });
    expect(ra.runs.map((r) => r.handler)).toEqual(['a-work', 'finish']);
    expect(rb.runs.map((r) => r.handler)).toEqual(['b-work', 'finish']);
    expect(ua.store.load()).toEqual({
      version: 1,
      flags: ['a.done', 'a.finished', 'a.started'],
      data: { owner: 'a' },
    });
    expect(ub.store.load()).toEqual({
      version: 1,
      flags: ['b.done', 'b.finished', 'b.started'],
      data: { owner: 'b' },
    });
  });

  it('keep two units of one charm definition apart, even when one of them fails', async () => {
    const charm = new Charm();
    const go = gate();
    charm.hook('install').run(async function install(rt) {
      rt.flags.set(`installed.${rt.unitName}`);
      await go.opened;
      if (rt.unitName === 'mysql/1') throw new Error('disk full on mysql/1');
    });
    const u0 = unitWith(charm, { unit: 'mysql/0' });
    const u1 = unitWith(charm, { unit: 'mysql/1' });
    const both = Promise.all([u0.run({ hookName: 'install' }), u1.run({ hookName: 'install' })]);
    go.open();
    const [r0, r1] = await both;
    expect(r0.exitCode).toBe(0);
    expect(r1.exitCode).toBe(1);
    expect(u0.store.load().flags).toEqual(['installed.mysql/0']);
    expect(u1.store.load().flags).toEqual([]);
    expect(u0.tools.logs).toEqual([]);
    expect(u1.tools.logs.map((l) => l.level)).toEqual(['ERROR']);
  });
});
