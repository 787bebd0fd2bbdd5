// model.runAction: an action queued on a unit as Juju queues it, run through the charm's action
// dispatch, with action-get/-set/-fail/-log served by the simulated unit.
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { parseActions } from '../../src/juju/actions-metadata.js';
import type { CharmMetadata } from '../../src/juju/metadata.js';
import { Model } from '../../src/testing/index.js';

const ACTIONS_YAML = `
backup:
  description: Back the data up.
  params:
    target: {type: string}
    compress: {type: boolean, default: true}
  required: [target]
probe-tools: {}
unhandled: {}
`;

const metadata: CharmMetadata = {
  name: 'app',
  endpoints: [{ name: 'peers', role: 'peers', interface: 'app-peers' }],
  actions: parseActions(ACTIONS_YAML, 'actions.yaml'),
};

interface Seen {
  backups: { target: unknown; compress: unknown }[];
  toolErrors: string[];
}

/** A charm with a `backup` action and a config-changed hook that can be told to fail. */
function testCharm(seen: Seen): Charm {
  const charm = new Charm({ metadata });
  charm.hook('config-changed').run(function configure(rt) {
    if (rt.config()['fail'] === true) throw new Error('config-changed fails on purpose');
    const got = rt.juju.tools.actionGet();
    if (got.isErr()) seen.toolErrors.push(got.error.message);
  });
  charm.action<{ target: string; compress: boolean }>('backup').run((rt, action) => {
    seen.backups.push({ target: action.params.target, compress: action.params.compress });
    action.log(`backing up to ${action.params.target}`);
    if (action.params.target === 'nowhere') {
      rt.flags.set('backup.attempted');
      action.fail('no such target: nowhere');
      return;
    }
    if (action.params.target === 'crash') {
      rt.flags.set('backup.crashed');
      throw new Error('the backup crashed');
    }
    rt.flags.set('backup.done');
    action.set({ backup: { path: `${action.params.target}/backup.tgz`, size: 10 }, ok: true });
  });
  charm.action('probe-tools').run((rt, action) => {
    const tools = rt.juju.tools;
    tools.actionSet({ a: '1' }).unwrap();
    tools.actionSet({ 'a.b': '2', 'c.d.e': '3' }).unwrap();
    tools.actionSet({ c: '4' }).unwrap();
    for (const bad of ['Bad', 'x.-y', 'stdout']) {
      const refused = tools.actionSet({ [bad]: 'v' });
      if (refused.isErr()) action.log(refused.error.message);
    }
  });
  return charm;
}

async function settledModel(seen: Seen, units = 2): Promise<Model> {
  const model = new Model({ maxRetries: 0 });
  await model.deploy('app', { charm: testCharm(seen), metadata, units });
  expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
  return model;
}

const fresh = (): Seen => ({ backups: [], toolErrors: [] });

describe('model.runAction', () => {
  it('completes with the results action-set recorded (dotted, as Juju nests them) and the action-log lines', async () => {
    const seen = fresh();
    const model = await settledModel(seen);

    const result = await model.runAction('app/1', 'backup', { target: '/srv' });

    expect(result).toEqual({
      status: 'completed',
      results: { 'backup.path': '/srv/backup.tgz', 'backup.size': '10', ok: 'true' },
      log: ['backing up to /srv'],
    });
    // the schema's default filled in; only this action's handler ran
    expect(seen.backups).toEqual([{ target: '/srv', compress: true }]);
    expect(model.unit('app/1').flags).toContain('backup.done');
    const last = model.timeline('app/1').at(-1);
    expect(last).toMatchObject({ hook: 'actions/backup', ok: true, handlers: ['action:backup'] });
  });

  it('fails with the action-fail message, and still commits what the action wrote (exit 0: runner/context/context.go finalizeAction)', async () => {
    const seen = fresh();
    const model = await settledModel(seen);

    const result = await model.runAction('app/0', 'backup', { target: 'nowhere' });

    expect(result).toEqual({
      status: 'failed',
      results: {},
      message: 'no such target: nowhere',
      log: ['backing up to nowhere'],
    });
    expect(model.unit('app/0').flags).toContain('backup.attempted');
    expect(model.unit('app/0').error).toBeUndefined();
  });

  it('fails with "exit status 1" and commits nothing when the handler throws (Juju replaces the message with the process error)', async () => {
    const seen = fresh();
    const model = await settledModel(seen);

    const result = await model.runAction('app/0', 'backup', { target: 'crash' });

    expect(result).toMatchObject({ status: 'failed', message: 'exit status 1' });
    expect(model.unit('app/0').flags).not.toContain('backup.crashed');
    expect(model.unit('app/0').error).toBeUndefined();
  });

  it('fails invalid params naming the param, and runs no handler', async () => {
    const seen = fresh();
    const model = await settledModel(seen);

    const missing = await model.runAction('app/0', 'backup', {});
    const extra = await model.runAction('app/0', 'backup', { target: 'x', colour: 'red' });
    const mistyped = await model.runAction('app/0', 'backup', { target: 'x', compress: 'yes' });

    expect(missing).toMatchObject({ status: 'failed', results: {} });
    expect(missing.message).toMatch(/param "target" is required/);
    expect(extra.message).toMatch(/param "colour" is not declared for action backup/);
    expect(mistyped.message).toMatch(/param "compress"/);
    expect(seen.backups).toEqual([]);
  });

  it('fails an action the charm does not declare as Juju refuses it (state/unit.go: not defined on unit), running nothing', async () => {
    const seen = fresh();
    const model = await settledModel(seen);
    const before = model.timeline('app/0').length;

    const result = await model.runAction('app/0', 'restore', {});

    expect(result).toEqual({
      status: 'failed',
      results: {},
      message: 'action "restore" not defined on unit "app/0"',
      log: [],
    });
    expect(model.timeline('app/0')).toHaveLength(before);
  });

  it('fails a declared action without a handler with the process error', async () => {
    const model = await settledModel(fresh());

    const result = await model.runAction('app/0', 'unhandled');

    expect(result).toMatchObject({ status: 'failed', message: 'exit status 1' });
  });

  it('runs on a unit whose hook is in error, leaving the hook failed and its retry untouched (worker/uniter/actions/resolver.go: actions run in a hook error state)', async () => {
    const seen = fresh();
    const model = await settledModel(seen);
    model.setConfig('app', { fail: true });
    await model.settle();
    expect(model.unit('app/0').error?.hook).toBe('config-changed');
    const attempts = model.timeline('app/0').filter((e) => e.hook === 'config-changed').length;

    const result = await model.runAction('app/0', 'backup', { target: '/srv' });

    expect(result.status).toBe('completed');
    expect(model.unit('app/0').error).toMatchObject({ hook: 'config-changed', attempts: 1 });
    expect(model.timeline('app/0').filter((e) => e.hook === 'config-changed')).toHaveLength(
      attempts,
    );
  });

  it('runs between hooks, before the config-changed the unit owes (worker/uniter/resolver.go: actions before the hook queue); other units wait', async () => {
    const seen = fresh();
    const model = await settledModel(seen);
    model.setConfig('app', { note: 'x' });

    await model.runAction('app/0', 'backup', { target: '/srv' });

    expect(model.unit('app/0').pendingHooks).toEqual(['config-changed']);
    expect(model.unit('app/1').pendingHooks).toEqual(['config-changed']);
    await model.settle();
    expect(model.timeline('app/0').at(-1)?.hook).toBe('config-changed');
  });

  it('serves action-set with Juju’s key rule and nesting (jujuc/action-set.go; addValueToMap overwrites what a key overlaps)', async () => {
    const model = await settledModel(fresh());

    const result = await model.runAction('app/0', 'probe-tools');

    expect(result.status).toBe('completed');
    expect(result.results).toEqual({ 'a.b': '2', c: '4' });
    expect(result.log).toEqual([
      expect.stringMatching(/key "Bad" must start and end with lowercase alphanumeric/),
      expect.stringMatching(/key "-y" must start and end with lowercase alphanumeric/),
      expect.stringMatching(/reserved action key "stdout"/),
    ]);
  });

  it('refuses the action tools in a hook: "not running an action"', async () => {
    const seen = fresh();
    await settledModel(seen);

    expect(seen.toolErrors[0]).toMatch(/not running an action/);
  });

  it('refuses params that are not JSON data, and an unknown unit', async () => {
    const model = await settledModel(fresh());

    await expect(
      model.runAction('app/0', 'backup', { target: 'x', when: () => 1 }),
    ).rejects.toThrow(/param "when" is not JSON data/);
    await expect(model.runAction('app/9', 'backup', { target: 'x' })).rejects.toThrow(/app\/9/);
  });
});

describe('model.failNextHook with { action }: a crashed action (worker/uniter/runner/context/context.go finalizeAction)', () => {
  it('fails the next run of that action with "exit status 1", commits nothing it wrote, and leaves the unit out of error', async () => {
    const seen = fresh();
    const model = await settledModel(seen);
    model.failNextHook('app/1', { action: 'backup' });

    const crashed = await model.runAction('app/1', 'backup', { target: '/srv' });

    expect(crashed).toMatchObject({ status: 'failed', message: 'exit status 1' });
    expect(seen.backups).toHaveLength(1); // the handler ran; its writes did not commit
    expect(model.unit('app/1').flags).not.toContain('backup.done');
    expect(model.unit('app/1').inError).toBe(false);
    expect(model.timeline('app/1').at(-1)).toMatchObject({ hook: 'actions/backup', ok: false });
    // One shot: the next run completes and commits.
    const again = await model.runAction('app/1', 'backup', { target: '/srv' });
    expect(again.status).toBe('completed');
    expect(model.unit('app/1').flags).toContain('backup.done');
  });

  it('an action fault never strikes a hook, and a hook fault never strikes an action', async () => {
    const seen = fresh();
    const model = await settledModel(seen);
    model.failNextHook('app/0', { action: 'probe-*' });
    model.failNextHook('app/0', { hook: 'config-changed' });

    expect((await model.runAction('app/0', 'backup', { target: '/a' })).status).toBe('completed');
    model.setConfig('app', { unrelated: 'x' });
    const report = await model.settle();
    expect(report.hooksFailed).toBe(1); // config-changed took the hook fault
    expect((await model.runAction('app/0', 'probe-tools')).message).toBe('exit status 1');
  });

  it('refuses an action fault combined with a hook or a handler, naming why', () => {
    const model = new Model();
    return model.deploy('app', { charm: testCharm(fresh()), metadata, units: 1 }).then(() => {
      expect(() => model.failNextHook('app/0', { action: 'backup', hook: 'install' })).toThrow(
        'give an action or a hook (and handler), not both',
      );
      expect(() =>
        model.failNextHook('app/0', { action: 'backup', handler: 'action:backup' }),
      ).toThrow('an action run is not a hook');
    });
  });
});
