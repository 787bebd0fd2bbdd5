// Actions on the library side: dispatch under JUJU_DISPATCH_PATH=actions/<name>, params checked
// against the schema Juju builds from actions.yaml (internal/charm/actions.go), results through
// action-set (jujuc/action-set.go), failures through action-fail (jujuc/action-fail.go).
import { describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { parseActions } from '../../src/juju/actions-metadata.js';
import type { CharmMetadata } from '../../src/juju/metadata.js';
import { leadership } from '../../src/layers/leadership.js';
import { hookHarness } from '../helpers/hook.js';
import { StubHookTools, stubWorld } from '../helpers/stub-tools.js';

const ACTIONS_YAML = `
backup:
  description: Back the database up.
  params:
    target: {type: string, description: Where to.}
    compress: {type: boolean, default: true}
    retries: {type: integer, minimum: 0}
    options:
      type: object
      properties:
        level: {type: integer, default: 6}
  required: [target]
loose:
  params:
    name: {type: string}
  additionalProperties: true
orphan:
  description: Declared, never registered.
`;

function metadataWithActions(): CharmMetadata {
  return {
    name: 'mysql',
    endpoints: [{ name: 'cluster', role: 'peers', interface: 'mysql-innodb-cluster' }],
    actions: parseActions(ACTIONS_YAML, 'actions.yaml'),
  };
}

function harness(charm: Charm, params: Record<string, unknown>, flags: string[] = []) {
  const tools = new StubHookTools(
    stubWorld({ leader: true, action: { params, results: {}, logs: [] } }),
  );
  const h = hookHarness(charm, { tools, metadata: metadataWithActions() });
  if (flags.length > 0) h.store.save({ version: 1, flags, data: {} });
  const run = (name: string) =>
    h.run({ hookName: name, action: { name, uuid: 'a1b2' }, dispatchPath: `actions/${name}` });
  return { ...h, run, action: () => tools.world.action };
}

describe('running an action (JUJU_DISPATCH_PATH=actions/<name>)', () => {
  it('runs only the action handler: no layer, flag handler or hook handler runs', async () => {
    const ran: string[] = [];
    const charm = new Charm().use(leadership);
    charm.when('installed').run(() => {
      ran.push('when-installed');
    });
    charm.hook('*').run(() => {
      ran.push('any-hook');
    });
    charm.action('backup').run(() => {
      ran.push('backup');
    });
    const h = harness(charm, { target: '/srv' }, ['installed']);
    const result = await h.run('backup');
    expect(result).toMatchObject({ ok: true, exitCode: 0, action: { status: 'completed' } });
    expect(ran).toEqual(['backup']);
    // The leadership layer's setup never ran: no is-leader, no leader-get.
    expect(h.tools.toolNames()).not.toContain('is-leader');
    expect(h.tools.toolNames()).not.toContain('leader-get');
  });

  it('gives the handler params checked against the schema, with Juju-style defaults filled in', async () => {
    let seen: unknown;
    const charm = new Charm();
    charm.action<{ target: string; compress: boolean }>('backup').run((_rt, action) => {
      seen = action.params;
      expect(action.name).toBe('backup');
      expect(action.uuid).toBe('a1b2');
    });
    const h = harness(charm, { target: '/srv', options: {} });
    await h.run('backup');
    expect(seen).toEqual({ target: '/srv', compress: true, options: { level: 6 } });
  });

  it.each([
    [{}, 'param "target" is required'],
    [{ target: 3 }, 'param "target": expected string'],
    [{ target: '/srv', retries: 1.5 }, 'param "retries": expected int'],
    [{ target: '/srv', retries: -1 }, 'param "retries"'],
    [{ target: '/srv', colour: 'blue' }, 'param "colour" is not declared for action backup'],
    [{ target: '/srv', options: { level: 'max' } }, 'param "options.level"'],
  ])(
    'fails the action on invalid params %j, naming the param, and runs no handler (internal/charm/actions.go ValidateParams)',
    async (params, message) => {
      let ran = false;
      const charm = new Charm();
      charm.action('backup').run(() => {
        ran = true;
      });
      const h = harness(charm, params);
      const result = await h.run('backup');
      expect(ran).toBe(false);
      // Exit 0 keeps the action-fail message as Juju's record of why; a non-zero exit would replace
      // it with "exit status 1" (worker/uniter/runner/context/context.go finalizeAction).
      expect(result).toMatchObject({ exitCode: 0, action: { status: 'failed' } });
      expect(h.action()?.failed).toContain(message);
      expect(result.action?.message).toContain(message);
    },
  );

  it('never quotes a param value in the failure message (params may be passwords)', async () => {
    const charm = new Charm();
    charm.action('backup').run(() => {});
    const h = harness(charm, { target: 'hunter2-s3cret', retries: 'hunter2-s3cret' });
    await h.run('backup');
    expect(h.action()?.failed).toContain('param "retries"');
    expect(h.action()?.failed).not.toContain('hunter2');
  });

  it('accepts undeclared params when the action says additionalProperties: true', async () => {
    let seen: unknown;
    const charm = new Charm();
    charm.action('loose').run((_rt, action) => {
      seen = action.params;
    });
    const h = harness(charm, { name: 'x', extra: 1 });
    const result = await h.run('loose');
    expect(result.action?.status).toBe('completed');
    expect(seen).toEqual({ name: 'x', extra: 1 });
  });

  it('flattens nested results into the dotted keys action-set takes (jujuc/action-set.go)', async () => {
    const charm = new Charm();
    charm.action('backup').run((_rt, action) => {
      action.log('starting');
      action.set({ outfile: { size: '10G', name: 'db.tgz' }, count: 3, ok: true });
    });
    const h = harness(charm, { target: '/srv' });
    const result = await h.run('backup');
    expect(h.action()?.results).toEqual({
      count: '3',
      ok: 'true',
      'outfile.name': 'db.tgz',
      'outfile.size': '10G',
    });
    expect(h.action()?.logs).toEqual(['starting']);
    expect(result.action).toEqual({
      name: 'backup',
      status: 'completed',
      results: { count: '3', ok: 'true', 'outfile.name': 'db.tgz', 'outfile.size': '10G' },
    });
  });

  it.each([
    ['Size', /key "Size" must start and end with lowercase alphanumeric/],
    ['stdout', /cannot set reserved action key "stdout"/],
    ['-x', /must start and end with lowercase alphanumeric/],
  ])(
    'refuses the result key %j as Juju does, failing the action and committing nothing',
    async (key, message) => {
      const charm = new Charm();
      charm.action('backup').run((rt, action) => {
        rt.flags.set('backup.done');
        action.set({ [key]: 'v' });
      });
      const h = harness(charm, { target: '/srv' });
      const result = await h.run('backup');
      expect(result).toMatchObject({ ok: false, exitCode: 1 });
      expect(result.error).toMatch(message);
      expect(h.action()?.results).toEqual({});
      expect(h.store.load().flags).not.toContain('backup.done');
    },
  );

  it('with action.fail(): reports failed with the message, exits 0 and still commits what the handler did', async () => {
    const charm = new Charm();
    charm.action('backup').run((rt, action) => {
      rt.flags.set('backup.attempted');
      action.fail('the target is full');
      expect(action.failed).toBe(true);
    });
    const h = harness(charm, { target: '/srv' });
    const result = await h.run('backup');
    expect(result).toMatchObject({
      ok: true,
      exitCode: 0,
      action: { status: 'failed', message: 'the target is full' },
    });
    expect(h.action()?.failed).toBe('the target is full');
    expect(h.store.load().flags).toContain('backup.attempted');
  });

  it('when the handler throws: action-fail with the reason, exit 1, nothing committed', async () => {
    const charm = new Charm();
    charm.action('backup').run((rt) => {
      rt.flags.set('backup.attempted');
      rt.juju.relationSet('cluster:0', { state: 'backing-up' });
      throw new Error('mysqldump crashed');
    });
    const h = harness(charm, { target: '/srv' });
    const result = await h.run('backup');
    expect(result).toMatchObject({ ok: false, exitCode: 1 });
    expect(h.action()?.failed).toBe('action backup failed: mysqldump crashed');
    expect(h.tools.callsOf('relation-set')).toEqual([]);
    expect(h.store.load().flags).not.toContain('backup.attempted');
  });

  it('fails an unknown action clearly and exits non-zero (never exit 0)', async () => {
    const charm = new Charm();
    charm.action('backup').run(() => {});
    const h = harness(charm, {});
    const result = await h.run('restore');
    expect(result).toMatchObject({ ok: false, exitCode: 1 });
    expect(h.action()?.failed).toBe(
      'unknown action restore: it is not declared in actions.yaml (declared: backup, loose, orphan)',
    );
  });

  it('fails an action declared in actions.yaml but registered by no handler, and exits non-zero', async () => {
    const h = harness(new Charm(), {});
    const result = await h.run('orphan');
    expect(result.exitCode).toBe(1);
    expect(h.action()?.failed).toMatch(/registers no handler.*charm\.action\('orphan'\)/);
  });

  it('leaves the automatic endpoint flags alone: an action does not consume a departure', async () => {
    const charm = new Charm();
    charm.action('backup').run(() => {});
    const h = harness(charm, { target: '/srv' }, [
      'endpoint.cluster.departed',
      'endpoint.cluster.joined',
    ]);
    await h.run('backup');
    expect(h.store.load().flags).toEqual(['endpoint.cluster.departed', 'endpoint.cluster.joined']);
  });
});

describe('registering actions', () => {
  it.each(['Backup', 'back_up', '-x', ''])(
    'refuses the action name %j when the charm loads',
    (name) => {
      expect(() => new Charm().action(name)).toThrow(
        /is not valid: Juju accepts lowercase letters/,
      );
    },
  );

  it('refuses a second handler for the same action', () => {
    const charm = new Charm();
    charm.action('backup').run(() => {});
    expect(() => charm.action('backup')).toThrow(/registered twice/);
  });
});
