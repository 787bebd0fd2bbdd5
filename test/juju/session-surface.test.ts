// HookSession for the secret lifecycle and the new reads: an observer keeps its tracked
// revision until it refreshes (docs: secret-get --peek / --refresh, jujuc/secret-get.go); reads
// of secret metadata, storage and resources are cached for the hook.
import { Ok } from 'ts-results-es';
import { describe, expect, it } from 'vitest';
import { HookSession } from '../../src/juju/hook-session.js';
import type { SecretGetOptions } from '../../src/juju/hook-tools.js';
import { Redactor } from '../../src/juju/redact.js';
import { StubHookTools, stubWorld } from '../helpers/stub-tools.js';

/** Stub tools whose secret has a tracked and a latest revision, as Juju keeps per observer. */
function observer() {
  const tools = new StubHookTools(
    stubWorld({
      storage: { 'data/0': { kind: 'filesystem', location: '/srv/data' } },
      resources: { 'mysql-shell': '/res/mysqlsh.deb' },
      secretInfo: { cj4v2vn8o2ac74bm8hfg: { revision: 2, label: 'pw', owner: 'application' } },
    }),
  );
  const revisions = { tracked: { password: 'old-pw' }, latest: { password: 'new-pw' } };
  tools.secretGet = (id: string, options: SecretGetOptions = {}) => {
    tools.calls.push({ tool: 'secret-get', args: [id, options] });
    if (options.refresh) revisions.tracked = revisions.latest;
    return Ok({ ...(options.peek || options.refresh ? revisions.latest : revisions.tracked) });
  };
  const session = new HookSession(tools, {
    unitName: 'mysql/1',
    applicationName: 'mysql',
    redactor: new Redactor(),
  });
  return { tools, session };
}

describe('secret revisions in a hook session', () => {
  it('a plain read gets the tracked revision: an observer that forgot --refresh sees the old one', () => {
    const { session } = observer();
    expect(session.secretGet('secret:cj4v2vn8o2ac74bm8hfg').unwrap()).toEqual({
      password: 'old-pw',
    });
  });

  it('--peek reads the latest without tracking it: later plain reads still get the old one', () => {
    const { session } = observer();
    expect(session.secretGet('secret:x', { peek: true }).unwrap()).toEqual({ password: 'new-pw' });
    expect(session.secretGet('secret:x').unwrap()).toEqual({ password: 'old-pw' });
  });

  it('--refresh reads and tracks the latest: later plain reads in the hook get it without a call', () => {
    const { session, tools } = observer();
    session.secretGet('secret:x', { refresh: true });
    const calls = tools.callsOf('secret-get').length;
    expect(session.secretGet('secret:x').unwrap()).toEqual({ password: 'new-pw' });
    expect(tools.callsOf('secret-get').length).toBe(calls);
  });
});

describe('cached reads of secret metadata, storage and resources', () => {
  it('calls secret-info-get, secret-ids, storage-get, storage-list and resource-get once each per hook', () => {
    const { session, tools } = observer();
    for (let i = 0; i < 2; i++) {
      expect(session.secretInfoGet('pw').unwrap()).toMatchObject({
        revision: 2,
        owner: 'application',
      });
      expect(session.secretIds().unwrap()).toEqual(['cj4v2vn8o2ac74bm8hfg']);
      expect(session.storageGet('data/0').unwrap()).toEqual({
        kind: 'filesystem',
        location: '/srv/data',
      });
      expect(session.storageList().unwrap()).toEqual(['data/0']);
      expect(session.resourceGet('mysql-shell').unwrap()).toBe('/res/mysqlsh.deb');
    }
    for (const tool of [
      'secret-info-get',
      'secret-ids',
      'storage-get',
      'storage-list',
      'resource-get',
    ]) {
      expect(tools.callsOf(tool)).toHaveLength(1);
    }
  });

  it("does not cache opened-ports: it reflects this hook's own open-port calls", () => {
    const { session } = observer();
    expect(session.openedPorts().unwrap()).toEqual([]);
    session.openPortRange({ from: 3306, to: 3306, protocol: 'tcp' }).unwrap();
    expect(session.openedPorts().unwrap()).toEqual([{ from: 3306, to: 3306, protocol: 'tcp' }]);
  });
});
