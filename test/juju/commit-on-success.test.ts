// Commit on success: relation data, then secret operations, then leader settings, then the
// unit state; a failing hook writes none of them. Reads are cached for the hook.
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { runHook } from '../../src/charm/run-hook.js';
import { HookToolError } from '../../src/juju/hook-tool-error.js';
import { leaderSet, leadership } from '../../src/layers/leadership.js';
import { MemoryStateStore } from '../../src/state/memory-store.js';
import type { StateSnapshot, StateStore } from '../../src/state/store.js';
import { hookContext } from '../helpers/hook.js';
import { StubHookTools, stubWorld } from '../helpers/stub-tools.js';

/** A store that records its save into the tools' call list, to check commit order. */
class OrderedStore extends MemoryStateStore {
  constructor(private readonly tools: StubHookTools) {
    super();
  }
  override save(snapshot: StateSnapshot): void {
    this.tools.calls.push({ tool: 'state-save', args: [] });
    super.save(snapshot);
  }
}

/** Run one update-status hook of `charm` on mysql/0. */
function updateStatus(
  charm: Charm,
  tools: StubHookTools,
  store: StateStore = new MemoryStateStore(),
) {
  return runHook({
    charm,
    context: hookContext({ hookName: 'update-status' }),
    metadata: { name: 'mysql', endpoints: [] },
    tools,
    store,
  });
}

function world() {
  return new StubHookTools(
    stubWorld({
      leader: true,
      relations: {
        'cluster:0': { endpoint: 'cluster', app: 'mysql', units: { 'mysql/1': { a: '"1"' } } },
      },
      secrets: { 'secret:s1': { password: 'old-password-value' } },
    }),
  );
}

function writingCharm(fail: boolean): Charm {
  const charm = new Charm().use(leadership);
  charm.handler({ id: 'write-everything' }, (rt) => {
    rt.juju.relationSet('cluster:0', { address: '10.0.0.1' }).unwrap();
    leaderSet(rt, { 'cluster-created': 'true' });
    rt.juju.secretSet('secret:s1', { password: 'new-password-value' });
    rt.juju.secretGrant('secret:s1', 'cluster:0');
    rt.flags.set('wrote');
  });
  charm.handler({ id: 'maybe-fail' }, () => {
    if (fail) throw new Error('database unreachable');
  });
  return charm;
}

describe('commit on success', () => {
  it('flushes relation data, then secrets, then leader settings (which Juju applies at once), then unit state', async () => {
    const tools = world();
    const store = new OrderedStore(tools);
    const r = await updateStatus(writingCharm(false), tools, store);
    expect(r.ok).toBe(true);
    const writes = tools
      .toolNames()
      .filter((t) =>
        ['relation-set', 'leader-set', 'secret-set', 'secret-grant', 'state-save'].includes(t),
      );
    expect(writes).toEqual([
      'relation-set',
      'secret-set',
      'secret-grant',
      'leader-set',
      'state-save',
    ]);
    expect(store.load().flags).toContain('wrote');
  });

  it('writes nothing when a handler throws: no relation-set, leader-set, secret write or state change', async () => {
    const tools = world();
    const store = new OrderedStore(tools);
    const before = store.load();
    const r = await updateStatus(writingCharm(true), tools, store);
    expect(r.exitCode).toBe(1);
    expect(r.failedHandler).toBe('maybe-fail');
    const names = tools.toolNames();
    for (const write of ['relation-set', 'leader-set', 'secret-set', 'secret-grant', 'state-save'])
      expect(names).not.toContain(write);
    expect(store.load()).toEqual(before);
    expect(tools.world.secrets['secret:s1']).toEqual({ password: 'old-password-value' });
    const error = tools.logs.find((l) => l.level === 'ERROR');
    expect(error?.message).toMatch(
      /^hook update-status failed in handler maybe-fail: database unreachable\n/,
    );
    expect(error?.message).toMatch(/at /); // the stack follows the summary
  });

  it('fails the hook, and saves no state, when a commit write fails', async () => {
    const tools = world();
    tools.world.failures['leader-set'] = new HookToolError(
      'failed',
      'leader-set',
      'connection lost',
      1,
    );
    const store = new OrderedStore(tools);
    const r = await updateStatus(writingCharm(false), tools, store);
    expect(r.exitCode).toBe(1);
    expect(r.error).toMatch(/leader-set: connection lost/);
    expect(tools.toolNames()).not.toContain('state-save');
  });

  it('keeps secret values out of the error log line', async () => {
    const tools = world();
    const charm = new Charm();
    charm.handler({ id: 'leaky' }, (rt) => {
      const secret = rt.juju.secretGet('secret:s1').unwrap();
      throw new Error(`could not log in with ${secret.password}`);
    });
    const r = await updateStatus(charm, tools);
    expect(r.error).toBe('hook update-status failed in handler leaky: could not log in with ***');
    expect(JSON.stringify(tools.logs)).not.toContain('old-password-value');
  });
});

describe('per-hook read cache', () => {
  it('calls relation-get once for a bag read twice, and is-leader, config-get, network-get once', async () => {
    const tools = world();
    tools.world.network.cluster = { ingress: '10.0.0.5' };
    const charm = new Charm();
    charm.handler({ id: 'read-twice' }, (rt) => {
      for (let i = 0; i < 2; i++) {
        rt.juju.relationGet('cluster:0', 'mysql/1').unwrap();
        rt.juju.relationIds('cluster').unwrap();
        rt.juju.relationList('cluster:0').unwrap();
        rt.isLeader();
        rt.config();
        rt.juju.ingressAddress('cluster', 'cluster:0').unwrap();
      }
    });
    await updateStatus(charm, tools);
    expect(tools.toolNames()).toEqual([
      'relation-get',
      'relation-ids',
      'relation-list',
      'is-leader',
      'config-get',
      'network-get --ingress-address',
    ]);
  });

  it('serves a plain secret read from a refresh read earlier in the hook, but never the other way round', async () => {
    const tools = world();
    const charm = new Charm();
    charm.handler({ id: 'read-secret' }, (rt) => {
      rt.juju.secretGet('secret:s1', { refresh: true }).unwrap();
      rt.juju.secretGet('secret:s1').unwrap();
      rt.juju.secretGet('secret:s1', { refresh: true }).unwrap();
      rt.juju.secretGet('secret:s1', { peek: true }).unwrap();
    });
    await updateStatus(charm, tools);
    expect(tools.toolNames()).toEqual(['secret-get', 'secret-get', 'secret-get']);
  });

  it("reflects this unit's pending writes when it reads its own bag", async () => {
    const tools = world();
    tools.world.relations['cluster:0'] = {
      endpoint: 'cluster',
      app: 'mysql',
      units: {},
      local: { kept: 'k', dropped: 'd' },
    };
    let seen: unknown;
    const charm = new Charm();
    charm.handler({ id: 'write-then-read' }, (rt) => {
      rt.juju.relationSet('cluster:0', { added: 'a', dropped: null }).unwrap();
      seen = rt.juju.relationGet('cluster:0', 'mysql/0').unwrap();
    });
    await updateStatus(charm, tools);
    expect(seen).toEqual({ kept: 'k', added: 'a' });
  });
});
