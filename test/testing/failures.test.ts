// Commit on success and retries: a failed hook changes nothing others can see, the unit is in
// error, and the hook is retried (a bounded number of times) like `juju resolve --retry`.
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { Model } from '../../src/testing/index.js';
import { hooksRun, now, probeModel, scopeAddresses } from './helpers.js';

describe('a failed hook', () => {
  it('publishes nothing and queues nothing on other units until its retry succeeds', async () => {
    const model = await probeModel(3);
    await model.settle();
    model.setConfig('probe', { payload: 'p1' });
    model.failNextHook('probe/1', { hook: 'config-changed' });

    const failed = await model.step('probe/1');

    expect(failed?.ok).toBe(false);
    expect(failed?.error).toMatch(/injected failure/);
    expect(model.unit('probe/1').inError).toBe(true);
    expect(model.relationData('cluster:0', 'probe/1')).toEqual(scopeAddresses('10.0.0.11'));
    expect(model.unit('probe/0').pendingHooks).toEqual(['config-changed']);
    expect(model.unit('probe/2').pendingHooks).toEqual(['config-changed']);

    const retried = await model.step('probe/1');

    expect(retried).toMatchObject({ ok: true, attempt: 2, hook: 'config-changed' });
    expect(model.unit('probe/1').inError).toBe(false);
    expect(model.relationData('cluster:0', 'probe/1')).toEqual({
      ...scopeAddresses('10.0.0.11'),
      payload: 'p1',
    });
    expect(model.unit('probe/0').pendingHooks).toEqual([
      'config-changed',
      'cluster-relation-changed probe/1',
    ]);
  });

  it('discards leader settings when the hook fails before the library commits them (the library buffers leader-set)', async () => {
    const model = await probeModel(2);
    await model.settle();
    model.setConfig('probe', { payload: 'lead' });
    model.failNextHook('probe/0', { handler: 'publishPayload' });

    await model.step('probe/0');

    expect(model.leaderSettings('probe')).toEqual({});
    expect(model.unit('probe/1').pendingHooks).toEqual(['config-changed']);
    await model.settle();
    expect(model.leaderSettings('probe')).toEqual({ payload: 'lead' });
  });

  it('keeps leader settings a charm wrote with the leader-set tool in a hook that then failed, as Juju writes them at once (worker/uniter/runner/jujuc/leader-set.go)', async () => {
    const charm = new Charm({
      metadata: { name: 'raw', endpoints: [{ name: 'peers', role: 'peers', interface: 'raw' }] },
    });
    charm.hook('config-changed').run(function setThenFail(rt) {
      if (!rt.isLeader()) return;
      rt.juju.tools.leaderSet({ written: 'before-the-failure' }).unwrap();
      throw new Error('the charm fails after leader-set');
    });
    const model = new Model({ maxRetries: 0 });
    await model.deploy('raw', { charm, units: 2 });

    const report = await model.settle();

    expect(report.errorUnits).toEqual(['raw/0']);
    expect(model.leaderSettings('raw')).toEqual({ written: 'before-the-failure' });
    expect(model.unit('raw/1').pendingHooks).toEqual([]);
    expect(hooksRun(model, 'raw/1')).toContain('leader-settings-changed');
  });

  it('fails an injected whole-hook failure at leader-set, so the failed hook commits nothing', async () => {
    const model = await probeModel(2);
    await model.settle();
    model.setConfig('probe', { payload: 'kept' });
    model.failNextHook('probe/0', { hook: 'config-changed' });

    const failed = await model.step('probe/0');

    expect(failed?.ok).toBe(false);
    expect(model.leaderSettings('probe')).toEqual({});
    expect(model.relationData('cluster:0', 'probe/0')).toEqual(scopeAddresses('10.0.0.10'));
  });

  it('keeps the unit’s flags as they were, but applies status-set at once', async () => {
    const model = await probeModel(2);
    await model.settle();
    const flags = model.unit('probe/1').flags;
    model.setConfig('probe', { payload: 'p2' });
    model.failNextHook('probe/1', { hook: 'config-changed' });

    await model.step('probe/1');

    expect(model.unit('probe/1').flags).toEqual(flags);
    expect(model.unit('probe/1').status).toEqual({ status: 'active', message: 'payload p2' });
  });

  it('fails in the named handler, and names it in the error', async () => {
    const model = await probeModel(2);
    await model.settle();
    model.setConfig('probe', { payload: 'p3' });
    model.failNextHook('probe/1', { handler: 'publishPayload' });

    const report = await model.settle();

    expect(report).toMatchObject({ settled: true, hooksFailed: 1 });
    const attempts = model.timeline('probe/1').filter((e) => e.hook === 'config-changed');
    expect(attempts.at(-2)).toMatchObject({ ok: false, attempt: 1 });
    expect(attempts.at(-2)?.error).toMatch(/handler publishPayload/);
    expect(attempts.at(-1)).toMatchObject({ ok: true, attempt: 2 });
    expect(model.relationData('cluster:0', 'probe/1')).toEqual({
      ...scopeAddresses('10.0.0.11'),
      payload: 'p3',
    });
  });

  it('leaves the unit in error after maxRetries retries, and settle() reports it', async () => {
    const model = await probeModel(2, { maxRetries: 2 });
    await model.settle();
    model.setConfig('probe', { payload: 'p4' });
    model.failNextHook('probe/1', { hook: 'config-changed', times: 5 });

    const report = await model.settle();

    expect(report.settled).toBe(false);
    expect(report.errorUnits).toEqual(['probe/1']);
    expect(report.busyUnits).toEqual([]);
    expect(report.hooksFailed).toBe(3);
    expect(model.unit('probe/1').error).toMatchObject({ hook: 'config-changed', attempts: 3 });
    expect(model.relationData('cluster:0', 'probe/1')).toEqual(scopeAddresses('10.0.0.11'));
    expect(model.unit('probe/0').hasFlag('leadership.is_leader')).toBe(true);
  });

  it('runs the failed hook again after resolve(), or skips it with retry: false', async () => {
    const model = await probeModel(2, { maxRetries: 0 });
    await model.settle();
    model.setConfig('probe', { payload: 'p5' });
    model.failNextHook('probe/1', { hook: 'config-changed', times: 2 });
    expect((await model.settle()).errorUnits).toEqual(['probe/1']);

    model.resolve('probe/1');
    expect((await model.settle()).errorUnits).toEqual(['probe/1']);

    const before = now(model);
    model.resolve('probe/1', { retry: false });
    const report = await model.settle();

    // The skipped config-changed never ran; the relation hook it blocked did. (probe/0's
    // leader-settings-changed ran before the failed config-changed: the leadership slot comes
    // before config-changed in worker/uniter/resolver.go.)
    expect(report.settled).toBe(true);
    expect(hooksRun(model, 'probe/1', before)).toEqual(['cluster-relation-changed probe/0']);
    expect(model.relationData('cluster:0', 'probe/1')).toEqual(scopeAddresses('10.0.0.11'));
  });
});
