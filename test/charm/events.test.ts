import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { hookHarness } from '../helpers/hook.js';
import { StubHookTools, stubWorld } from '../helpers/stub-tools.js';
import { eventsNamed, type RecordedEvent, recordEvents, unitWith } from '../reactive/builders.js';

const HANDLER_EVENTS = [
  'handler.queued',
  'handler.dequeued',
  'handler.started',
  'handler.finished',
  'handler.failed',
] as const;

/** A compact line per event, for asserting on order. */
function line(e: RecordedEvent): string {
  const p = e.payload as Record<string, unknown>;
  const parts = ['handler', 'flag', 'phase', 'iteration', 'ok', 'error']
    .filter((k) => p[k] !== undefined)
    .map((k) => String(p[k]));
  return [e.event, ...parts].join(' ');
}

describe('hook events', () => {
  it('open with hook.start and close with hook.end ok on success', async () => {
    const charm = new Charm();
    charm.handler({ id: 'noop' }, () => {});
    const h = unitWith(charm, { unit: 'mysql/3' });
    const recorded = recordEvents(h.events);
    await h.run({ hookName: 'install' });
    expect(recorded[0]).toEqual({
      event: 'hook.start',
      payload: { unit: 'mysql/3', hook: 'install' },
    });
    expect(recorded.at(-1)).toEqual({
      event: 'hook.end',
      payload: { unit: 'mysql/3', hook: 'install', ok: true },
    });
    expect(eventsNamed(recorded, 'hook.start', 'hook.end')).toHaveLength(2);
  });

  it('close with hook.end not ok, naming the failing handler, when a handler throws', async () => {
    const charm = new Charm();
    charm.handler({ id: 'boom' }, () => {
      throw new Error('kaboom');
    });
    const h = unitWith(charm);
    const recorded = recordEvents(h.events);
    await h.run({ hookName: 'start' });
    expect(recorded.at(-1)).toEqual({
      event: 'hook.end',
      payload: {
        unit: 'mysql/0',
        hook: 'start',
        ok: false,
        error: 'hook start failed in handler boom: kaboom',
      },
    });
  });
});

describe('flag events', () => {
  it('report each set and clear with the flag name, in order, including triggered flags', async () => {
    const charm = new Charm().trigger({ whenCleared: 'db.ready', set: ['db.lost'] });
    charm.hook('stop').run(function stop(rt) {
      rt.flags.set('stopping');
      rt.flags.clear('db.ready');
    });
    const h = unitWith(charm, { flags: ['db.ready'] });
    const recorded = recordEvents(h.events);
    await h.run({ hookName: 'stop' });
    expect(eventsNamed(recorded, 'flag.set', 'flag.cleared')).toEqual([
      { event: 'flag.set', payload: { flag: 'stopping' } },
      { event: 'flag.cleared', payload: { flag: 'db.ready' } },
      { event: 'flag.set', payload: { flag: 'db.lost' } },
    ]);
  });

  it('are emitted while the handler runs, between its started and finished events', async () => {
    const charm = new Charm();
    charm.handler({ id: 'setter' }, (rt) => void rt.flags.set('x'));
    const h = unitWith(charm);
    const recorded = recordEvents(h.events);
    await h.run({ hookName: 'install' });
    expect(
      recorded
        .filter((e) => e.event.startsWith('handler.') || e.event.startsWith('flag.'))
        .map(line),
    ).toEqual([
      'handler.queued setter other 0',
      'handler.started setter other 0',
      'flag.set x',
      'handler.finished setter',
    ]);
  });
});

describe('handler events', () => {
  it('queue a whole iteration before starting it, with phase and iteration', async () => {
    const charm = new Charm();
    charm.whenNot('x').run(function setX(rt) {
      rt.flags.set('x');
    });
    charm.handler({ id: 'plain' }, () => {});
    charm.when('x').run(function onX() {});
    charm.hook('install').run(function install() {});
    const h = unitWith(charm);
    const recorded = recordEvents(h.events);
    await h.run({ hookName: 'install' });
    expect(eventsNamed(recorded, ...HANDLER_EVENTS).map(line)).toEqual([
      'handler.queued install hooks 0',
      'handler.started install hooks 0',
      'handler.finished install',
      'handler.queued setX other 0',
      'handler.queued plain other 0',
      'handler.started setX other 0',
      'handler.finished setX',
      'handler.started plain other 0',
      'handler.finished plain',
      'handler.queued onX other 1',
      'handler.started onX other 1',
      'handler.finished onX',
    ]);
  });

  it('carry full payloads: queued and started with phase and iteration, finished with the id', async () => {
    const charm = new Charm();
    charm.hook('install').run(function install() {});
    const h = unitWith(charm);
    const recorded = recordEvents(h.events);
    await h.run({ hookName: 'install' });
    expect(eventsNamed(recorded, ...HANDLER_EVENTS)).toEqual([
      { event: 'handler.queued', payload: { handler: 'install', phase: 'hooks', iteration: 0 } },
      { event: 'handler.started', payload: { handler: 'install', phase: 'hooks', iteration: 0 } },
      { event: 'handler.finished', payload: { handler: 'install' } },
    ]);
  });

  it('report a failure with handler.failed and the error text, and no finished event', async () => {
    const charm = new Charm();
    charm.handler({ id: 'fails' }, () => {
      throw new Error('cannot reach the cluster');
    });
    charm.handler({ id: 'never' }, () => {});
    const h = unitWith(charm);
    const recorded = recordEvents(h.events);
    await h.run({ hookName: 'install' });
    expect(eventsNamed(recorded, ...HANDLER_EVENTS)).toEqual([
      { event: 'handler.queued', payload: { handler: 'fails', phase: 'other', iteration: 0 } },
      { event: 'handler.queued', payload: { handler: 'never', phase: 'other', iteration: 0 } },
      { event: 'handler.started', payload: { handler: 'fails', phase: 'other', iteration: 0 } },
      { event: 'handler.failed', payload: { handler: 'fails', error: 'cannot reach the cluster' } },
    ]);
  });

  it('report a dequeue with the handler id and iteration', async () => {
    const charm = new Charm();
    charm.when('x').run(function clearX(rt) {
      rt.flags.clear('x');
    });
    charm.when('x').run(function needsX() {});
    const h = unitWith(charm, { flags: ['x'] });
    const recorded = recordEvents(h.events);
    await h.run({ hookName: 'install' });
    expect(eventsNamed(recorded, ...HANDLER_EVENTS).map(line)).toEqual([
      'handler.queued clearX other 0',
      'handler.queued needsX other 0',
      'handler.started clearX other 0',
      'handler.finished clearX',
      'handler.dequeued needsX 0',
    ]);
  });
});

describe('tool call events', () => {
  it('report every hook-tool call with its plain arguments, never a data payload or a secret', async () => {
    const charm = new Charm();
    charm.handler({ id: 'use-tools' }, (rt) => {
      const secret = rt.juju.secretGet('secret:s1').unwrap();
      rt.juju.relationSet('cluster:0', { password: secret.password ?? '' }).unwrap();
      rt.juju.relationGet('cluster:9', 'mysql/1');
      rt.log.info(`using ${secret.password}`);
    });
    const tools = new StubHookTools(
      stubWorld({
        secrets: { 'secret:s1': { password: 'pw-do-not-show' } },
        relations: { 'cluster:0': { endpoint: 'cluster', app: 'mysql', units: {} } },
      }),
    );
    const h = hookHarness(charm, { tools });
    const calls: unknown[] = [];
    h.events.on('tool.call', (e) => calls.push(e));
    await h.run({ hookName: 'update-status' });
    expect(calls).toEqual([
      { tool: 'secret-get', args: ['secret:s1'], ok: true },
      {
        tool: 'relation-get',
        args: ['cluster:9', 'mysql/1'],
        ok: false,
        errorKind: 'relation-not-found',
      },
      { tool: 'juju-log', args: ['using ***', 'INFO'], ok: true },
      { tool: 'relation-get', args: ['cluster:0', 'mysql/0'], ok: true },
      { tool: 'relation-set', args: ['cluster:0'], ok: true },
    ]);
  });
});
