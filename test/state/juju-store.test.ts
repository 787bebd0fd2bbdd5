import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { runHook } from '../../src/charm/run-hook.js';
import { JUJU_STATE_CHUNK, JujuStateStore } from '../../src/state/juju-store.js';
import type { StateSnapshot } from '../../src/state/store.js';
import { hookContext } from '../helpers/hook.js';
import { StubHookTools } from '../helpers/stub-tools.js';

const snapshot = (big = 0): StateSnapshot => ({
  version: 1,
  flags: ['a', 'b'],
  data: { blob: 'x'.repeat(big), n: 1 },
});

describe('the Juju state store', () => {
  it('starts empty and round-trips a snapshot through state-set and state-get', () => {
    const tools = new StubHookTools();
    expect(new JujuStateStore(tools).load()).toEqual({ version: 1, flags: [], data: {} });
    new JujuStateStore(tools).save(snapshot());
    expect(new JujuStateStore(tools).load()).toEqual(snapshot());
  });

  it('splits a large snapshot into chunks under Juju’s 64 KiB value limit, and deletes stale chunks', () => {
    const tools = new StubHookTools();
    new JujuStateStore(tools).save(snapshot(3 * JUJU_STATE_CHUNK));
    const values = Object.values(tools.world.state);
    expect(values.length).toBe(5); // 4 chunks + the count
    expect(Math.max(...values.map((v) => v.length))).toBeLessThanOrEqual(JUJU_STATE_CHUNK);
    const store = new JujuStateStore(tools);
    expect(store.load()).toEqual(snapshot(3 * JUJU_STATE_CHUNK));
    store.save(snapshot());
    expect(Object.keys(tools.world.state).sort()).toEqual([
      'juju-reactive.state.0',
      'juju-reactive.state.chunks',
    ]);
    expect(new JujuStateStore(tools).load()).toEqual(snapshot());
  });

  it('refuses to start from empty state when a chunk is missing, naming what to inspect', () => {
    const tools = new StubHookTools();
    new JujuStateStore(tools).save(snapshot(2 * JUJU_STATE_CHUNK));
    delete tools.world.state['juju-reactive.state.1'];
    expect(() => new JujuStateStore(tools).load()).toThrow(
      /corrupt: chunk 1 of 3 is missing.*state-get/,
    );
  });

  it('is written by a successful hook and not by a failed one', async () => {
    const tools = new StubHookTools();
    const charm = new Charm();
    charm.handler({ id: 'mark' }, (rt) => {
      rt.flags.set('marked');
      if (rt.hookName === 'stop') throw new Error('fail');
    });
    const run = (hookName: string) =>
      runHook({
        charm,
        context: hookContext({ hookName }),
        metadata: { name: 't', endpoints: [] },
        tools,
        store: new JujuStateStore(tools),
      });
    expect((await run('stop')).exitCode).toBe(1);
    expect(tools.callsOf('state-set')).toEqual([]);
    expect((await run('start')).ok).toBe(true);
    expect(new JujuStateStore(tools).load().flags).toEqual(['marked']);
  });
});
