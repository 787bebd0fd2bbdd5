// The hook context of actions, secrets, storage and workload hooks, from the environment
// Juju sets (worker/uniter/runner/context/context.go HookVars; docs/reference/hook.md).
import { describe, expect, it } from 'vitest';
import { hookKind, RESTRICTED_HOOKS, readHookContext } from '../../src/juju/hook-context.js';

const base = { JUJU_UNIT_NAME: 'mysql/0', JUJU_CHARM_DIR: '/var/lib/juju/charm' };

describe('the hook context of an action', () => {
  it('reads JUJU_ACTION_NAME, JUJU_ACTION_UUID and JUJU_DISPATCH_PATH=actions/<name>', () => {
    const ctx = readHookContext({
      ...base,
      JUJU_DISPATCH_PATH: 'actions/backup',
      JUJU_ACTION_NAME: 'backup',
      JUJU_ACTION_UUID: '8a8b4a5c-1',
    }).unwrap();
    expect(ctx).toMatchObject({
      hookName: 'backup',
      dispatchPath: 'actions/backup',
      action: { name: 'backup', uuid: '8a8b4a5c-1' },
    });
  });

  it('takes the action from the dispatch path alone', () => {
    const ctx = readHookContext({ ...base, JUJU_DISPATCH_PATH: 'actions/cluster-status' }).unwrap();
    expect(ctx.action).toEqual({ name: 'cluster-status', uuid: '' });
  });

  it('has no action in a hook', () => {
    const ctx = readHookContext({ ...base, JUJU_DISPATCH_PATH: 'hooks/install' }).unwrap();
    expect(ctx.action).toBeUndefined();
    expect(ctx.hookName).toBe('install');
  });

  it.each([
    [
      { JUJU_DISPATCH_PATH: 'actions/backup', JUJU_ACTION_NAME: 'restore' },
      'JUJU_ACTION_NAME',
      /must name the same action/,
    ],
    [{ JUJU_DISPATCH_PATH: 'actions/Back_up' }, 'JUJU_DISPATCH_PATH', /names the action "Back_up"/],
  ])('refuses %j, naming the variable', (env, variable, message) => {
    const ctx = readHookContext({ ...base, ...env });
    expect(ctx.isErr()).toBe(true);
    if (ctx.isErr()) {
      expect(ctx.error.variable).toBe(variable);
      expect(ctx.error.message).toMatch(message);
    }
  });
});

describe('the hook context of secret, storage and workload hooks', () => {
  it('reads JUJU_SECRET_ID, _LABEL and _REVISION in a secret-remove hook', () => {
    const ctx = readHookContext({
      ...base,
      JUJU_HOOK_NAME: 'secret-remove',
      JUJU_SECRET_ID: 'secret:cj4v2vn8o2ac74bm8hfg',
      JUJU_SECRET_LABEL: 'cluster-password',
      JUJU_SECRET_REVISION: '3',
    }).unwrap();
    expect(ctx).toMatchObject({
      secretId: 'secret:cj4v2vn8o2ac74bm8hfg',
      secretLabel: 'cluster-password',
      secretRevision: 3,
    });
    expect(hookKind(ctx.hookName)).toEqual({ kind: 'secret', event: 'remove' });
  });

  it('refuses a JUJU_SECRET_REVISION that is not a revision number', () => {
    const ctx = readHookContext({
      ...base,
      JUJU_HOOK_NAME: 'secret-expired',
      JUJU_SECRET_REVISION: 'x',
    });
    expect(ctx.isErr() && ctx.error.variable).toBe('JUJU_SECRET_REVISION');
  });

  it('reads JUJU_STORAGE_ID and JUJU_STORAGE_LOCATION in a storage hook', () => {
    const ctx = readHookContext({
      ...base,
      JUJU_HOOK_NAME: 'data-storage-attached',
      JUJU_STORAGE_ID: 'data/0',
      JUJU_STORAGE_LOCATION: '/srv/data',
    }).unwrap();
    expect(ctx.storage).toEqual({ id: 'data/0', location: '/srv/data' });
    expect(hookKind(ctx.hookName)).toEqual({ kind: 'storage', storage: 'data', event: 'attached' });
  });

  it('refuses a malformed JUJU_STORAGE_ID', () => {
    const ctx = readHookContext({ ...base, JUJU_HOOK_NAME: 'x', JUJU_STORAGE_ID: 'data' });
    expect(ctx.isErr() && ctx.error.variable).toBe('JUJU_STORAGE_ID');
  });

  it('reads JUJU_WORKLOAD_NAME and knows the Pebble hooks', () => {
    const ctx = readHookContext({
      ...base,
      JUJU_HOOK_NAME: 'mysql-pebble-ready',
      JUJU_WORKLOAD_NAME: 'mysql',
    }).unwrap();
    expect(ctx.workloadName).toBe('mysql');
    expect(hookKind('mysql-pebble-ready')).toEqual({
      kind: 'workload',
      container: 'mysql',
      event: 'ready',
    });
  });

  it('names collect-metrics and meter-status-changed as the restricted hooks', () => {
    expect([...RESTRICTED_HOOKS].sort()).toEqual(['collect-metrics', 'meter-status-changed']);
    expect(hookKind('meter-status-changed')).toEqual({
      kind: 'lifecycle',
      name: 'meter-status-changed',
    });
  });
});
