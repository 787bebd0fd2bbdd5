import { describe, expect, it } from 'vitest';
import { hookKind, readHookContext } from '../../src/juju/hook-context.js';

const hookEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  JUJU_UNIT_NAME: 'mysql/2',
  JUJU_HOOK_NAME: 'install',
  JUJU_CHARM_DIR: '/var/lib/juju/agents/unit-mysql-2/charm',
  ...extra,
});

const errorOf = (env: NodeJS.ProcessEnv) => {
  const result = readHookContext(env);
  if (result.isOk()) throw new Error('expected an error');
  return result.error;
};

describe('hook context from the environment', () => {
  it('reads every variable Juju sets for a relation hook', () => {
    const ctx = readHookContext({
      JUJU_UNIT_NAME: 'mysql-innodb-cluster/10',
      JUJU_HOOK_NAME: 'cluster-relation-departed',
      JUJU_CHARM_DIR: '/charm',
      JUJU_MODEL_NAME: 'prod',
      JUJU_VERSION: '3.4.2',
      JUJU_RELATION: 'cluster',
      JUJU_RELATION_ID: 'cluster:3',
      JUJU_REMOTE_UNIT: 'mysql-innodb-cluster/2',
      JUJU_REMOTE_APP: 'mysql-innodb-cluster',
      JUJU_DEPARTING_UNIT: 'mysql-innodb-cluster/2',
    }).unwrap();
    expect(ctx).toEqual({
      unitName: 'mysql-innodb-cluster/10',
      applicationName: 'mysql-innodb-cluster',
      unitNumber: 10,
      hookName: 'cluster-relation-departed',
      charmDir: '/charm',
      modelName: 'prod',
      jujuVersion: '3.4.2',
      relation: { name: 'cluster', id: 'cluster:3' },
      remoteUnit: 'mysql-innodb-cluster/2',
      remoteApp: 'mysql-innodb-cluster',
      departingUnit: 'mysql-innodb-cluster/2',
    });
  });

  it('reads the secret a secret hook is about', () => {
    const ctx = readHookContext(
      hookEnv({
        JUJU_HOOK_NAME: 'secret-changed',
        JUJU_SECRET_ID: 'secret:abc',
        JUJU_SECRET_LABEL: 'db',
      }),
    ).unwrap();
    expect(ctx.secretId).toBe('secret:abc');
    expect(ctx.secretLabel).toBe('db');
  });

  it('leaves out what a non-relation hook does not have', () => {
    const ctx = readHookContext(hookEnv()).unwrap();
    expect(Object.keys(ctx).sort()).toEqual(
      ['applicationName', 'charmDir', 'hookName', 'unitName', 'unitNumber'].sort(),
    );
  });

  it('takes the hook name from the last part of JUJU_DISPATCH_PATH when JUJU_HOOK_NAME is unset', () => {
    const ctx = readHookContext(
      hookEnv({ JUJU_HOOK_NAME: undefined, JUJU_DISPATCH_PATH: 'hooks/cluster-relation-changed' }),
    ).unwrap();
    expect(ctx.hookName).toBe('cluster-relation-changed');
  });

  it('prefers JUJU_HOOK_NAME over JUJU_DISPATCH_PATH', () => {
    const ctx = readHookContext(hookEnv({ JUJU_DISPATCH_PATH: 'hooks/start' })).unwrap();
    expect(ctx.hookName).toBe('install');
  });

  it('falls back to CHARM_DIR when JUJU_CHARM_DIR is unset', () => {
    const ctx = readHookContext(
      hookEnv({ JUJU_CHARM_DIR: undefined, CHARM_DIR: '/old/charm' }),
    ).unwrap();
    expect(ctx.charmDir).toBe('/old/charm');
  });

  it('derives the relation name from the relation id when JUJU_RELATION is unset', () => {
    const ctx = readHookContext(hookEnv({ JUJU_RELATION_ID: 'db-router:12' })).unwrap();
    expect(ctx.relation).toEqual({ name: 'db-router', id: 'db-router:12' });
  });
});

describe('hook context errors', () => {
  it('explains that a missing JUJU_UNIT_NAME means the program is not running in a hook', () => {
    const error = errorOf(hookEnv({ JUJU_UNIT_NAME: undefined }));
    expect(error.variable).toBe('JUJU_UNIT_NAME');
    expect(error.message).toBe(
      'JUJU_UNIT_NAME is not set: this program is a Juju charm hook and must be run by the Juju ' +
        'unit agent (or the juju-reactive simulator), which sets JUJU_UNIT_NAME, JUJU_HOOK_NAME or ' +
        'JUJU_DISPATCH_PATH, and JUJU_CHARM_DIR',
    );
  });

  it('treats an empty variable as unset', () => {
    expect(errorOf(hookEnv({ JUJU_UNIT_NAME: '' })).variable).toBe('JUJU_UNIT_NAME');
  });

  it.each(['mysql', 'MySQL/0', 'mysql/01', 'mysql/-1', '1mysql/0', 'mysql-/0', 'my_sql/0'])(
    'rejects the malformed unit name %j and says what it expected',
    (unit) => {
      const error = errorOf(hookEnv({ JUJU_UNIT_NAME: unit }));
      expect(error.variable).toBe('JUJU_UNIT_NAME');
      expect(error.message).toContain(`JUJU_UNIT_NAME is "${unit}"`);
      expect(error.message).toContain('<application>/<number>');
    },
  );

  it('names both hook-name variables when neither is set', () => {
    const error = errorOf(hookEnv({ JUJU_HOOK_NAME: undefined }));
    expect(error.variable).toBe('JUJU_HOOK_NAME');
    expect(error.message).toMatch(/^neither JUJU_HOOK_NAME nor JUJU_DISPATCH_PATH is set: /);
  });

  it('rejects a dispatch path that names no hook', () => {
    const error = errorOf(hookEnv({ JUJU_HOOK_NAME: undefined, JUJU_DISPATCH_PATH: '/' }));
    expect(error.variable).toBe('JUJU_DISPATCH_PATH');
    expect(error.message).toContain('JUJU_DISPATCH_PATH is "/", which names no hook');
  });

  it('names both charm-dir variables when neither is set', () => {
    const error = errorOf(hookEnv({ JUJU_CHARM_DIR: undefined }));
    expect(error.variable).toBe('JUJU_CHARM_DIR');
    expect(error.message).toMatch(/^neither JUJU_CHARM_DIR nor CHARM_DIR is set: /);
  });

  it.each(['cluster', 'cluster:', 'cluster:x', ':3', 'Cluster:3'])(
    'rejects the malformed relation id %j',
    (id) => {
      const error = errorOf(hookEnv({ JUJU_RELATION_ID: id }));
      expect(error.variable).toBe('JUJU_RELATION_ID');
      expect(error.message).toBe(
        `JUJU_RELATION_ID is "${id}": expected <endpoint>:<number>, like "cluster:3"`,
      );
    },
  );

  it('rejects a relation name without a relation id', () => {
    const error = errorOf(hookEnv({ JUJU_RELATION: 'cluster' }));
    expect(error.variable).toBe('JUJU_RELATION_ID');
    expect(error.message).toContain('JUJU_RELATION is "cluster" but JUJU_RELATION_ID is not set');
  });

  it('rejects a relation id that belongs to another endpoint', () => {
    const error = errorOf(hookEnv({ JUJU_RELATION: 'cluster', JUJU_RELATION_ID: 'db:3' }));
    expect(error.variable).toBe('JUJU_RELATION');
    expect(error.message).toContain('must start with the endpoint name');
  });

  it.each(['JUJU_REMOTE_UNIT', 'JUJU_DEPARTING_UNIT'])('rejects a malformed %s', (variable) => {
    const error = errorOf(hookEnv({ [variable]: 'mysql' }));
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(`${variable} is "mysql": expected <application>/<number>`);
  });

  it('rejects a malformed JUJU_REMOTE_APP', () => {
    const error = errorOf(hookEnv({ JUJU_REMOTE_APP: 'mysql/0' }));
    expect(error.variable).toBe('JUJU_REMOTE_APP');
    expect(error.message).toContain('JUJU_REMOTE_APP is "mysql/0": expected an application name');
  });
});

describe('hook names', () => {
  it.each([
    ['install', { kind: 'lifecycle', name: 'install' }],
    ['config-changed', { kind: 'lifecycle', name: 'config-changed' }],
    ['upgrade-charm', { kind: 'lifecycle', name: 'upgrade-charm' }],
    ['update-status', { kind: 'lifecycle', name: 'update-status' }],
    ['leader-elected', { kind: 'leader', event: 'elected' }],
    ['leader-settings-changed', { kind: 'leader', event: 'settings-changed' }],
    ['cluster-relation-created', { kind: 'relation', endpoint: 'cluster', event: 'created' }],
    ['cluster-relation-joined', { kind: 'relation', endpoint: 'cluster', event: 'joined' }],
    ['db-router-relation-changed', { kind: 'relation', endpoint: 'db-router', event: 'changed' }],
    ['cluster-relation-departed', { kind: 'relation', endpoint: 'cluster', event: 'departed' }],
    ['shared-db-relation-broken', { kind: 'relation', endpoint: 'shared-db', event: 'broken' }],
    ['secret-changed', { kind: 'secret', event: 'changed' }],
    ['secret-rotate', { kind: 'secret', event: 'rotate' }],
    ['secret-relation-changed', { kind: 'relation', endpoint: 'secret', event: 'changed' }],
    ['data-storage-attached', { kind: 'storage', storage: 'data', event: 'attached' }],
    ['logs-storage-detaching', { kind: 'storage', storage: 'logs', event: 'detaching' }],
    ['backup', { kind: 'unknown', name: 'backup' }],
    ['cluster-relation-exploded', { kind: 'unknown', name: 'cluster-relation-exploded' }],
  ])('parses %s', (name, kind) => {
    expect(hookKind(name)).toEqual(kind);
  });
});
