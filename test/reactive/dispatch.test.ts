import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { DispatchNotSettledError, HandlerFailedError } from '../../src/reactive/dispatch.js';
import { RuntimeEvents } from '../../src/reactive/events.js';
import type { FlagSet } from '../../src/reactive/flags.js';
import { dispatchOver, eventsNamed, handler, recordEvents, unitWith } from './builders.js';

const other = (handler: string, iteration: number) => ({ handler, phase: 'other', iteration });
const hooks = (handler: string) => ({ handler, phase: 'hooks', iteration: 0 });

describe('the hooks phase', () => {
  it('runs matching hook handlers before every other handler, whatever the registration order', async () => {
    const charm = new Charm();
    charm.handler({ id: 'plain' }, () => {});
    charm.handler({ id: 'config' }, () => {});
    charm.handler({ id: 'on-install', hook: 'install' }, () => {});
    charm.handler({ id: 'on-any', hook: '*' }, () => {});
    const result = await unitWith(charm).run({ hookName: 'install' });
    expect(result.runs).toEqual([
      hooks('on-install'),
      hooks('on-any'),
      other('plain', 0),
      other('config', 0),
    ]);
  });

  it('lets flags set in the hooks phase gate handlers of the first other iteration', async () => {
    const charm = new Charm();
    charm.when('installed').run(function configure() {});
    charm.hook('install').run(function install(rt) {
      rt.flags.set('installed');
    });
    const result = await unitWith(charm).run({ hookName: 'install' });
    expect(result.runs).toEqual([hooks('install'), other('configure', 0)]);
  });
});

describe('iterations of the other phase', () => {
  function chain(order: 'forward' | 'reverse'): Charm {
    const charm = new Charm();
    const defs: [string, (c: Charm) => void][] = [
      [
        'A',
        (c) =>
          c.whenNot('x').run(function A(rt) {
            rt.flags.set('x');
          }),
      ],
      [
        'B',
        (c) =>
          c
            .when('x')
            .whenNot('y')
            .run(function B(rt) {
              rt.flags.set('y');
            }),
      ],
      ['C', (c) => c.when('y').run(function C() {})],
    ];
    for (const [, define] of order === 'forward' ? defs : [...defs].reverse()) define(charm);
    return charm;
  }

  it.each(['forward', 'reverse'] as const)(
    'runs a chain of flags one iteration per link (registered in %s order)',
    async (order) => {
      const result = await unitWith(chain(order)).run({ hookName: 'update-status' });
      expect(result.runs).toEqual([other('A', 0), other('B', 1), other('C', 2)]);
    },
  );

  it('reports the number of iterations it took to settle', async () => {
    const handlers = [
      handler('A', { whenNot: ['x'] }, (f: FlagSet) => void f.set('x')),
      handler('B', { when: ['x'], whenNot: ['y'] }, (f: FlagSet) => void f.set('y')),
      handler('C', { when: ['y'] }),
    ];
    const { report } = await dispatchOver(handlers);
    expect(report.iterations).toBe(3);
    expect(report.runs.map((r) => `${r.handler}@${r.iteration}`)).toEqual(['A@0', 'B@1', 'C@2']);
  });

  it('settles in zero iterations when no handler holds', async () => {
    const { report } = await dispatchOver([handler('A', { when: ['never'] })]);
    expect(report).toEqual({ runs: [], iterations: 0 });
  });
});

describe('the queue is a snapshot', () => {
  it('makes a handler that becomes true mid-iteration wait for the next iteration', async () => {
    const charm = new Charm();
    charm.whenNot('x').run(function setX(rt) {
      rt.flags.set('x');
    });
    charm.when('x').run(function onX() {});
    const result = await unitWith(charm).run({ hookName: 'update-status' });
    expect(result.runs).toEqual([other('setX', 0), other('onX', 1)]);
  });

  it('dequeues, after a clear, later handlers that no longer hold, and says so', async () => {
    const charm = new Charm();
    charm.when('go').run(function clearX(rt) {
      rt.flags.clear('x');
      rt.flags.clear('go');
    });
    charm.when('x').run(function needsX() {});
    charm.whenNot('never').run(function unaffected() {});
    const h = unitWith(charm, { flags: ['go', 'x'] });
    const recorded = recordEvents(h.events);
    const result = await h.run({ hookName: 'update-status' });
    expect(result.runs).toEqual([other('clearX', 0), other('unaffected', 0)]);
    expect(eventsNamed(recorded, 'handler.dequeued').map((e) => e.payload)).toEqual([
      { handler: 'needsX', iteration: 0 },
    ]);
  });

  it('keeps queued handlers that still hold after a clear of another flag', async () => {
    const charm = new Charm();
    charm.when('go').run(function clearGo(rt) {
      rt.flags.clear('go');
    });
    charm.when('x').run(function needsX() {});
    const h = unitWith(charm, { flags: ['go', 'x'] });
    const recorded = recordEvents(h.events);
    const result = await h.run({ hookName: 'update-status' });
    expect(result.runs).toEqual([other('clearGo', 0), other('needsX', 0)]);
    expect(eventsNamed(recorded, 'handler.dequeued')).toEqual([]);
  });

  it('never dequeues on a set: a whenNot handler later in the queue still runs (charms.reactive parity)', async () => {
    const charm = new Charm();
    charm.whenNot('blocked').run(function block(rt) {
      rt.flags.set('blocked');
    });
    charm.whenNot('blocked').run(function stillRuns() {});
    const h = unitWith(charm);
    const recorded = recordEvents(h.events);
    const result = await h.run({ hookName: 'update-status' });
    expect(result.runs).toEqual([other('block', 0), other('stillRuns', 0)]);
    expect(eventsNamed(recorded, 'handler.dequeued')).toEqual([]);
  });

  it('re-tests the whole rest of the queue after a clear, sets included', async () => {
    const charm = new Charm();
    charm.when('go').run(function setAndClear(rt) {
      rt.flags.set('blocked');
      rt.flags.clear('go');
    });
    charm.whenNot('blocked').run(function blockedLater() {});
    const result = await unitWith(charm, { flags: ['go'] }).run({ hookName: 'update-status' });
    expect(result.runs).toEqual([other('setAndClear', 0)]);
  });

  it('dequeues in the hooks phase too', async () => {
    const charm = new Charm();
    charm.hook('install').run(function first(rt) {
      rt.flags.clear('x');
    });
    charm
      .hook('install')
      .when('x')
      .run(function second() {});
    const result = await unitWith(charm, { flags: ['x'] }).run({ hookName: 'install' });
    expect(result.runs).toEqual([hooks('first')]);
  });
});

describe('re-running in the same hook', () => {
  it('does not re-run a handler when only flags it does not watch changed', async () => {
    const charm = new Charm();
    charm.when('ready').run(function watcher() {});
    charm.whenNot('unrelated').run(function setUnrelated(rt) {
      rt.flags.set('unrelated');
    });
    charm.when('unrelated').run(function reactsToUnrelated() {});
    const result = await unitWith(charm, { flags: ['ready'] }).run({ hookName: 'update-status' });
    expect(result.runs).toEqual([
      other('watcher', 0),
      other('setUnrelated', 0),
      other('reactsToUnrelated', 1),
    ]);
  });

  it('re-runs a handler in the next iteration when one of its own flags changed', async () => {
    const charm = new Charm();
    charm.whenAny('ready', 'more').run(function watcher() {});
    charm.whenNot('more').run(function addMore(rt) {
      rt.flags.set('more');
    });
    const result = await unitWith(charm, { flags: ['ready'] }).run({ hookName: 'update-status' });
    expect(result.runs).toEqual([other('watcher', 0), other('addMore', 0), other('watcher', 1)]);
  });

  it('runs the handlers a later iteration wakes in registration order, not in the order their flags changed', async () => {
    const charm = new Charm();
    charm.when('b').run(function first() {});
    charm.when('a').run(function second() {});
    charm
      .whenAny('b', 'a')
      .whenNot('never')
      .run(function third() {});
    charm.whenNot('b').run(function setB(rt) {
      rt.flags.set('b');
    });
    charm.whenNot('a').run(function setA(rt) {
      rt.flags.set('a');
    });
    const result = await unitWith(charm).run({ hookName: 'update-status' });
    expect(result.runs).toEqual([
      other('setB', 0),
      other('setA', 0),
      other('first', 1),
      other('second', 1),
      other('third', 1),
    ]);
  });

  it('re-runs a handler whose flag was cleared and set again within one iteration', async () => {
    const charm = new Charm();
    charm.when('ready').run(function watcher() {});
    charm.whenNot('bounced').run(function bounce(rt) {
      rt.flags.set('bounced');
      rt.flags.clear('ready');
      rt.flags.set('ready');
    });
    const result = await unitWith(charm, { flags: ['ready'] }).run({ hookName: 'update-status' });
    expect(result.runs).toEqual([other('watcher', 0), other('bounce', 0), other('watcher', 1)]);
  });

  it('runs a handler without flag predicates once per hook', async () => {
    const charm = new Charm();
    charm.handler({ id: 'every-hook' }, () => {});
    charm.whenNot('a').run(function setA(rt) {
      rt.flags.set('a');
    });
    const result = await unitWith(charm).run({ hookName: 'update-status' });
    expect(result.runs.filter((r) => r.handler === 'every-hook')).toEqual([other('every-hook', 0)]);
  });
});

describe('a dispatch that does not settle', () => {
  const pingPong = () => [
    handler('ping', { when: ['ping'] }, (f: FlagSet) => {
      f.clear('ping');
      f.set('pong');
    }),
    handler('pong', { when: ['pong'] }, (f: FlagSet) => {
      f.clear('pong');
      f.set('ping');
    }),
  ];

  it('fails with DispatchNotSettledError naming the handlers and flags that kept changing', async () => {
    const error = await dispatchOver(pingPong(), { flags: ['ping'], maxIterations: 10 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DispatchNotSettledError);
    const e = error as DispatchNotSettledError;
    expect(e.iterations).toBe(10);
    expect([...e.handlers].sort()).toEqual(['ping', 'pong']);
    expect(e.flags).toEqual(['ping', 'pong']);
    expect(e.message).toMatch(/did not settle after 10 iterations/);
    expect(e.message).toMatch(/handlers \[(ping, pong|pong, ping)\]/);
    expect(e.message).toMatch(/flags \[ping, pong\]/);
  });

  it('fails at the default bound of 100 iterations, not silently', async () => {
    await expect(dispatchOver(pingPong(), { flags: ['ping'] })).rejects.toThrow(
      /did not settle after 100 iterations/,
    );
  });

  it('succeeds when it settles in exactly the bound, and fails one iteration short of it', async () => {
    const chain = () => [
      handler('A', { whenNot: ['x'] }, (f: FlagSet) => void f.set('x')),
      handler('B', { when: ['x'], whenNot: ['y'] }, (f: FlagSet) => void f.set('y')),
      handler('C', { when: ['y'] }),
    ];
    await expect(dispatchOver(chain(), { maxIterations: 3 })).resolves.toMatchObject({
      report: { iterations: 3 },
    });
    await expect(dispatchOver(chain(), { maxIterations: 2 })).rejects.toBeInstanceOf(
      DispatchNotSettledError,
    );
  });

  it('fails the hook through runHook with exit code 1 and commits nothing', async () => {
    const charm = new Charm({ maxIterations: 10 });
    charm.when('ping').run(function ping(rt) {
      rt.flags.clear('ping');
      rt.flags.set('pong');
      rt.state.set('touched', true);
    });
    charm.when('pong').run(function pong(rt) {
      rt.flags.clear('pong');
      rt.flags.set('ping');
    });
    const h = unitWith(charm, { flags: ['ping'] });
    const before = h.store.load();
    const saves = h.store.saves;
    const result = await h.run({ hookName: 'update-status' });
    expect(result.exitCode).toBe(1);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/did not settle after 10 iterations/);
    expect(result.error).toMatch(/ping/);
    expect(result.error).toMatch(/pong/);
    expect(h.store.saves).toBe(saves);
    expect(h.store.load()).toEqual(before);
    expect(h.tools.logs.filter((l) => l.level === 'ERROR').map((l) => l.message)).toEqual([
      expect.stringMatching(/hook update-status failed: dispatch did not settle/),
    ]);
  });
});

describe('a handler that throws', () => {
  it('stops dispatch at once with HandlerFailedError carrying the handler id and cause', async () => {
    const ran: string[] = [];
    const cause = new Error('disk full');
    const events = new RuntimeEvents();
    const recorded = recordEvents(events);
    const error = await dispatchOver(
      [
        handler('first', {}, () => {
          throw cause;
        }),
        handler('second', {}, () => void ran.push('second')),
      ],
      { events },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HandlerFailedError);
    expect((error as HandlerFailedError).handlerId).toBe('first');
    expect((error as HandlerFailedError).cause).toBe(cause);
    expect((error as Error).message).toBe('handler first failed: disk full');
    expect(ran).toEqual([]);
    expect(eventsNamed(recorded, 'handler.failed').map((e) => e.payload)).toEqual([
      { handler: 'first', error: 'disk full' },
    ]);
  });
});
