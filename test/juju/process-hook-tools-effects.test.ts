// ProcessHookTools, status, logs, ports, secrets, unit state: against the simulator's own hook tools on a worker
// thread (process-hook-tools-host.ts). What the tools answer follows Juju's jujuc commands
// (worker/uniter/runner/jujuc/*.go, checked in test/testing/process/tool-host.test.ts); what
// these tests check is ProcessHookTools' own side: argv, stdin and temp files, parsing, error
// kinds, redaction, caps. Faults and malformed output come from host.failTool.

import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_LOG_CHARS, ProcessHookTools } from '../../src/juju/process-hook-tools.js';
import { parseSettingsFile } from '../../src/testing/process/settings-file.js';
import type { OpenHook } from '../../src/testing/process/tool-host.js';
import {
  argv,
  commit,
  dbRouter,
  errorOf,
  fail,
  host,
  open,
  setup,
  spyFileMode,
  useMysqlCluster,
} from './process-hook-tools-host.js';

useMysqlCluster();

describe('status, logging and ports', () => {
  it('logs at a level, ending flags before the message', async () => {
    const { tools } = await setup();
    tools.jujuLog('--- cluster ready', 'WARNING').unwrap();
    expect(await argv()).toEqual([['juju-log', '-l', 'WARNING', '--', '--- cluster ready']]);
  });

  it('redacts known secrets from log messages before they leave the process', async () => {
    const { tools, redactor } = await setup();
    redactor.add('hunter2-password');
    tools.jujuLog('connecting with hunter2-password', 'DEBUG').unwrap();
    expect(await argv()).toEqual([['juju-log', '-l', 'DEBUG', '--', 'connecting with ***']]);
  });

  it('cuts a log message too long for argv', async () => {
    const { tools } = await setup();
    tools.jujuLog(`trace: ${'x'.repeat(500_000)}`, 'ERROR').unwrap();
    const message = (await host.calls())[0]?.args[3] ?? '';
    expect(message).toHaveLength(MAX_LOG_CHARS + ' [truncated]'.length);
    expect(message.endsWith(' [truncated]')).toBe(true);
  });

  it('sets and reads the unit status', async () => {
    const { tools } = await setup();
    tools.statusSet('active', 'Unit is ready').unwrap();
    expect(tools.statusGet().unwrap()).toEqual({ status: 'active', message: 'Unit is ready' });
    expect(await argv()).toEqual([
      ['status-set', '--', 'active', 'Unit is ready'],
      ['status-get', '--format=json', '--include-data'],
    ]);
  });

  it('sets and reads the application status', async () => {
    const { tools } = await setup();
    tools.statusSet('blocked', 'Need 3 units', { application: true }).unwrap();
    expect(tools.statusGet({ application: true }).unwrap()).toEqual({
      status: 'blocked',
      message: 'Need 3 units',
    });
    expect(await argv()).toEqual([
      ['status-set', '--application', '--', 'blocked', 'Need 3 units'],
      ['status-get', '--format=json', '--include-data', '--application'],
    ]);
  });

  it('sets the application version', async () => {
    const { tools } = await setup();
    tools.applicationVersionSet('8.0.36').unwrap();
    expect(await argv()).toEqual([['application-version-set', '8.0.36']]);
  });

  it('reads the goal state (goal-state.go: units and relations, each with status and since)', async () => {
    const { tools } = await setup();
    const goal = tools.goalState().unwrap();
    expect(Object.keys(goal.units).sort()).toEqual(['mysql/0', 'mysql/1', 'mysql/2']);
    expect(goal.units['mysql/0']?.status).toBe('active');
    expect(Object.keys(goal.relations).sort()).toEqual(['cluster', 'db-router']);
    expect(await argv()).toEqual([['goal-state', '--format=json']]);
  });

  it('opens and closes ports as <port>/<protocol>, tcp by default', async () => {
    const { tools } = await setup();
    tools.openPort(3306).unwrap();
    tools.openPort(33060, 'udp').unwrap();
    tools.openPort(0, 'icmp').unwrap();
    tools.closePort(33060, 'udp').unwrap();
    expect(await argv()).toEqual([
      ['open-port', '3306/tcp'],
      ['open-port', '33060/udp'],
      ['open-port', 'icmp'],
      ['close-port', '33060/udp'],
    ]);
    await commit();
    expect((await host.unit('mysql/0')).ports).toEqual(['3306/tcp', 'icmp']);
  });

  it('refuses a port outside 1-65535 without calling the tool', async () => {
    const { tools } = await setup();
    const error = errorOf(tools.openPort(70000));
    expect(error.kind).toBe('bad-arguments');
    expect(error.message).toBe('open-port: port 70000 is not a whole number from 1 to 65535');
    expect(await host.calls()).toEqual([]);
  });
});

describe('secrets', () => {
  const content = { username: 'clusteruser', password: 'pw-9f8e7d6c5b' };

  /** Add a secret in a hook of its own, committed; a new hook is open afterwards. */
  const added = async (label?: string): Promise<{ id: string; tools: ProcessHookTools }> => {
    const first = await setup();
    const id = first.tools.secretAdd(content, label === undefined ? {} : { label }).unwrap();
    await commit();
    return { id, tools: (await setup()).tools };
  };

  it('adds a secret through a private temp file that is gone afterwards', async () => {
    const { hook } = await setup();
    const spy = spyFileMode(hook, 'secret-add');
    const tools = new ProcessHookTools({ env: { ...hook.env, ...spy.env } });
    const id = tools
      .secretAdd(content, {
        label: 'cluster-creds',
        description: 'cluster user',
        rotate: 'monthly',
      })
      .unwrap();
    expect(id).toMatch(/^secret:/);
    const [call] = await host.calls();
    const path = call?.args.at(-1) ?? '';
    expect(call?.args).toEqual([
      '--label',
      'cluster-creds',
      '--description',
      'cluster user',
      '--rotate',
      'monthly',
      '--file',
      path,
    ]);
    expect(spy.modes()).toEqual(['600']);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(dirname(path))).toBe(false);
    await commit();
    expect((await host.model('secrets')).map((s) => [s.id, s.label])).toContainEqual([
      id,
      'cluster-creds',
    ]);
  });

  it('passes the owner and expiry when given', async () => {
    const { tools } = await setup();
    tools.secretAdd(content, { owner: 'unit', expire: '24h' }).unwrap();
    const [call] = await host.calls();
    expect(call?.args.slice(0, 4)).toEqual(['--owner', 'unit', '--expire', '24h']);
  });

  it('reads a secret by id, by label, and with --peek or --refresh', async () => {
    const { id, tools } = await added('creds');
    expect(tools.secretGet(id).unwrap()).toEqual(content);
    expect(tools.secretGet('creds', { peek: true }).unwrap()).toEqual(content);
    expect(tools.secretGet(id, { label: 'creds', refresh: true }).unwrap()).toEqual(content);
    expect(await argv()).toEqual([
      ['secret-get', '--format=json', id],
      ['secret-get', '--format=json', '--label', 'creds', '--peek'],
      ['secret-get', '--format=json', id, '--label', 'creds', '--refresh'],
    ]);
  });

  it('refuses a label lookup that also names a different label', async () => {
    const { tools } = await setup();
    expect(errorOf(tools.secretGet('creds', { label: 'other' })).kind).toBe('bad-arguments');
    expect(await host.calls()).toEqual([]);
  });

  it('learns the values of secrets it reads, so later errors mask them', async () => {
    const id = await host.model('seedSecret', {
      owner: 'mysql',
      content: { token: 'tok-123456789' },
    });
    const { tools, redactor } = await setup();
    tools.secretGet(id).unwrap();
    expect(redactor.redact('token is tok-123456789')).toBe('token is ***');
    await fail('juju-log', { exitCode: 1, stderr: 'ERROR cannot log "tok-123456789"' });
    expect(errorOf(tools.jujuLog('x', 'INFO')).message).toBe('juju-log: cannot log "***"');
  });

  it('updates secret content through a temp file, and metadata alone without one', async () => {
    const { id } = await added();
    const hook = open as OpenHook;
    const spy = spyFileMode(hook, 'secret-set');
    const tools = new ProcessHookTools({ env: { ...hook.env, ...spy.env } });
    tools.secretSet(id, { password: 'pw-new-1234567' }, { label: 'creds' }).unwrap();
    tools.secretSet(id, {}, { description: 'rotated' }).unwrap();
    const [withContent, metadataOnly] = await host.calls();
    expect(withContent?.args).toEqual([id, '--label', 'creds', '--file', withContent?.args[4]]);
    expect(spy.modes()).toEqual(['600']);
    expect(metadataOnly?.args).toEqual([id, '--description', 'rotated']);
    await commit();
    const after = await setup();
    expect(after.tools.secretGet(id, { refresh: true }).unwrap()).toEqual({
      password: 'pw-new-1234567',
    });
  });

  it('grants, revokes and removes a secret', async () => {
    const { id, tools } = await added();
    tools.secretGrant(id, dbRouter).unwrap();
    tools.secretGrant(id, dbRouter, { unit: 'router/0' }).unwrap();
    tools.secretRevoke(id, dbRouter, { unit: 'router/0' }).unwrap();
    tools.secretRemove(id, { revision: 1 }).unwrap();
    expect(await argv()).toEqual([
      ['secret-grant', id, '-r', dbRouter],
      ['secret-grant', id, '-r', dbRouter, '--unit', 'router/0'],
      ['secret-revoke', id, '-r', dbRouter, '--unit', 'router/0'],
      ['secret-remove', id, '--revision', '1'],
    ]);
    await commit();
    expect((await host.model('secrets')).map((s) => s.id)).not.toContain(id);
  });

  it('never puts secret content in any argv', async () => {
    const { tools, reported } = await setup();
    const id = tools.secretAdd(content).unwrap();
    await commit();
    const again = await setup();
    again.tools.secretSet(id, { password: 'pw-rotated-42' }).unwrap();
    again.tools.secretGet(id).unwrap();
    const values = [...Object.values(content), 'pw-rotated-42'];
    const args = [
      ...(await host.calls()).flatMap((c) => c.args),
      ...reported.flatMap((c) => c.args),
      ...again.reported.flatMap((c) => c.args),
    ];
    expect(args.length).toBeGreaterThan(0);
    for (const value of values) {
      expect(args.filter((a) => a.includes(value))).toEqual([]);
    }
  });
});

describe('unit state', () => {
  it('reads, writes on stdin and deletes keys', async () => {
    const first = await setup();
    first.tools.stateSet({ old: 'x' }).unwrap();
    await commit();
    const { tools } = await setup();
    tools.stateSet({ flags: '["a"]', 'big-value': 'y'.repeat(200_000) }).unwrap();
    tools.stateDelete('old').unwrap();
    const state = tools.stateGet().unwrap();
    expect(state['old']).toBeUndefined();
    expect(state['flags']).toBe('["a"]');
    expect(state['big-value']).toHaveLength(200_000);
    const calls = await host.calls();
    expect(calls.map((c) => [c.tool, ...c.args])).toEqual([
      ['state-set', '--file', '-'],
      ['state-delete', 'old'],
      ['state-get', '--format=json'],
    ]);
    expect(parseSettingsFile(calls[0]?.stdin ?? '').unwrap().settings['flags']).toBe('["a"]');
  });
});
