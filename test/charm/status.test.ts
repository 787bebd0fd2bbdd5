// Status declared once, assessed after the last handler of a hook, set only after the hook
// committed (Juju applies status-set at once: jujuc/status-set.go), only when it changed.
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { hookHarness } from '../helpers/hook.js';
import { StubHookTools, stubWorld } from '../helpers/stub-tools.js';

function unit(charm: Charm, leader = false) {
  const tools = new StubHookTools(stubWorld({ leader }));
  return hookHarness(charm, { tools });
}

describe('charm.status(): the unit status, assessed once per hook', () => {
  it('reflects what the last handler did, not what held when the first one ran', async () => {
    const charm = new Charm();
    charm.status((rt) =>
      rt.flags.isSet('db.ready')
        ? { status: 'active', message: 'Ready' }
        : { status: 'waiting', message: 'Waiting for the database' },
    );
    charm.handler({ id: 'first' }, (rt) => {
      rt.flags.set('db.configured');
    });
    charm.when('db.configured').run(function later(rt) {
      rt.flags.set('db.ready');
    });
    const h = unit(charm);
    await h.run({ hookName: 'config-changed' });
    expect(h.tools.statuses).toEqual([{ status: 'active', message: 'Ready', application: false }]);
  });

  it('sets nothing when the hook fails, and sets it when the retry succeeds', async () => {
    let fail = true;
    const charm = new Charm();
    charm.status(() => ({ status: 'active' }));
    charm.handler({ id: 'flaky' }, () => {
      if (fail) throw new Error('not yet');
    });
    const h = unit(charm);
    expect((await h.run({ hookName: 'start' })).ok).toBe(false);
    expect(h.tools.statuses).toEqual([]);
    fail = false;
    await h.run({ hookName: 'start' });
    expect(h.tools.statuses).toEqual([{ status: 'active', message: '', application: false }]);
  });

  it('calls status-set only when the assessment changed since the last one set', async () => {
    const charm = new Charm();
    charm.status((rt) => ({ status: rt.flags.isSet('x') ? 'active' : 'blocked', message: 'm' }));
    charm.hook('config-changed').run((rt) => {
      rt.flags.set('x');
    });
    const h = unit(charm);
    await h.run({ hookName: 'install' });
    await h.run({ hookName: 'update-status' });
    await h.run({ hookName: 'config-changed' });
    expect(h.tools.statuses.map((s) => s.status)).toEqual(['blocked', 'active']);
  });

  it('sets the assessment again after a handler set a status of its own (rt.status)', async () => {
    const charm = new Charm();
    charm.status(() => ({ status: 'blocked', message: 'fix the config' }));
    charm.hook('config-changed').run(function progress(rt) {
      rt.status('maintenance', 'working');
    });
    const h = unit(charm);
    await h.run({ hookName: 'install' });
    await h.run({ hookName: 'config-changed' });
    await h.run({ hookName: 'update-status' });
    // Without the last one the unit would keep showing "working" over an unchanged assessment.
    expect(h.tools.statuses.map((s) => `${s.status}: ${s.message}`)).toEqual([
      'blocked: fix the config',
      'maintenance: working',
      'blocked: fix the config',
    ]);
  });

  it('assesses the application status on the leader only (status-set --application)', async () => {
    const charm = new Charm();
    charm.applicationStatus(() => ({ status: 'active', message: '3 units' }));
    const leader = unit(charm, true);
    await leader.run({ hookName: 'update-status' });
    expect(leader.tools.statuses).toEqual([
      { status: 'active', message: '3 units', application: true },
    ]);
    const follower = unit(charm, false);
    await follower.run({ hookName: 'update-status' });
    expect(follower.tools.statuses).toEqual([]);
  });

  it('fails the hook, naming the assessor, when it returns a status a charm may not set', async () => {
    const charm = new Charm();
    charm.status(() => ({ status: 'error' as 'active' }));
    const h = unit(charm);
    const result = await h.run({ hookName: 'start' });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/charm\.status\(\) returned status "error"/);
  });
});
