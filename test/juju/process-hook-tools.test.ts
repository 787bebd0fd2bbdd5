// ProcessHookTools, relations, network, config, leadership: against the simulator's own hook tools on a worker
// thread (process-hook-tools-host.ts). What the tools answer follows Juju's jujuc commands
// (worker/uniter/runner/jujuc/*.go, checked in test/testing/process/tool-host.test.ts); what
// these tests check is ProcessHookTools' own side: argv, stdin and temp files, parsing, error
// kinds, redaction, caps. Faults and malformed output come from host.failTool.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { encodeSettingsFile } from '../../src/juju/settings-file.js';
import { parseSettingsFile } from '../../src/testing/process/settings-file.js';
import type { OpenHook } from '../../src/testing/process/tool-host.js';
import {
  argv,
  cluster,
  commit,
  dbRouter,
  errorOf,
  fail,
  host,
  setup,
  useMysqlCluster,
} from './process-hook-tools-host.js';

useMysqlCluster();

describe('reading relations', () => {
  it('gives the relation ids as relation-ids lists them', async () => {
    const { tools } = await setup();
    expect(tools.relationIds('cluster').unwrap()).toEqual([cluster]);
    expect(await argv()).toEqual([['relation-ids', '--format=json', 'cluster']]);
  });

  it('gives no relation ids for an endpoint with no relations', async () => {
    const { tools } = await setup();
    expect(tools.relationIds('certificates').unwrap()).toEqual([]);
  });

  it('lists the remote units, without the local unit', async () => {
    const { tools } = await setup();
    expect(tools.relationList(cluster).unwrap()).toEqual(['mysql/1', 'mysql/2']);
    expect(await argv()).toEqual([['relation-list', '--format=json', '-r', cluster]]);
  });

  it('names the remote application of a relation', async () => {
    const { tools } = await setup();
    expect(tools.relationListApp(dbRouter).unwrap()).toBe('router');
    expect(await argv()).toEqual([['relation-list', '--format=json', '-r', dbRouter, '--app']]);
  });

  it("reads a remote unit's whole bag", async () => {
    const { tools } = await setup();
    expect(tools.relationGet(cluster, 'mysql/2').unwrap()).toMatchObject({
      'cluster-address': '10.0.0.2',
    });
    expect(await argv()).toEqual([
      ['relation-get', '--format=json', '-r', cluster, '-', 'mysql/2'],
    ]);
  });

  it("reads a remote application's bag", async () => {
    const { tools } = await setup();
    expect(tools.relationGet(dbRouter, 'router', { app: true }).unwrap()).toEqual({
      prefix: 'ks',
    });
    expect(await argv()).toEqual([
      ['relation-get', '--format=json', '-r', dbRouter, '--app', '-', 'router'],
    ]);
  });

  it('reads one key, and gives undefined for a key that is not set', async () => {
    const { tools } = await setup();
    expect(tools.relationGetKey(cluster, 'mysql/2', 'cluster-address').unwrap()).toBe('10.0.0.2');
    expect(tools.relationGetKey(cluster, 'mysql/2', 'password').unwrap()).toBeUndefined();
    expect(tools.relationGetKey(dbRouter, 'router', 'prefix', { app: true }).unwrap()).toBe('ks');
    expect(await argv()).toEqual([
      ['relation-get', '--format=json', '-r', cluster, 'cluster-address', 'mysql/2'],
      ['relation-get', '--format=json', '-r', cluster, 'password', 'mysql/2'],
      ['relation-get', '--format=json', '-r', dbRouter, '--app', 'prefix', 'router'],
    ]);
  });
});

describe('writing relation data', () => {
  it('sends the data on stdin, not in argv, and a later read sees it', async () => {
    const { tools } = await setup();
    tools.relationSet(cluster, { 'cluster-address': '10.0.0.9', password: 's3cr3t-pw' }).unwrap();
    const [call] = await host.calls();
    expect(call?.args).toEqual(['-r', cluster, '--file', '-']);
    expect(parseSettingsFile(call?.stdin ?? '').unwrap().settings).toEqual({
      'cluster-address': '10.0.0.9',
      password: 's3cr3t-pw',
    });
    expect(tools.relationGet(cluster, 'mysql/0').unwrap()).toMatchObject({
      'cluster-address': '10.0.0.9',
      password: 's3cr3t-pw',
    });
  });

  it('sends a YAML file that Juju (yaml.v2, relation-set.go readSettings) stores unchanged', async () => {
    const { tools } = await setup();
    const data = {
      ready: 'True',
      version: '1.0',
      mask: '0x1F',
      none: '~',
      'c1-and-del': 'a\u0080b\u009fc\u007f',
      'nel-ls-ps': 'x\u0085y \u2028 z\u2029',
      quotes: ' "\'\\ ',
      json: '{"a": [1, 2]}',
    };
    tools.relationSet(cluster, data).unwrap();
    const stdin = (await host.calls())[0]?.stdin ?? '';
    expect(stdin).toBe(encodeSettingsFile(data).unwrap());
    expect(parseSettingsFile(stdin).unwrap().settings).toEqual(data);
    expect(tools.relationGet(cluster, 'mysql/0').unwrap()).toMatchObject(data);
    await commit();
    expect(await host.model('relationData', cluster, 'mysql/0')).toMatchObject(data);
  });

  it('refuses a value holding a lone surrogate, naming the key, and calls nothing', async () => {
    const { tools } = await setup();
    const error = errorOf(tools.relationSet(cluster, { good: 'x', broken: 'a\ud800' }));
    expect(error.kind).toBe('bad-arguments');
    expect(error.message).toContain('"broken"');
    expect(errorOf(tools.stateSet({ 'k\udfff': 'v' })).kind).toBe('bad-arguments');
    expect(await host.calls()).toEqual([]);
  });

  it("writes the application's bag with --app", async () => {
    const { tools } = await setup();
    tools.relationSet(dbRouter, { 'db-host': '10.0.0.1' }, { app: true }).unwrap();
    expect(await argv()).toEqual([['relation-set', '-r', dbRouter, '--app', '--file', '-']]);
    await commit();
    expect(await host.model('relationData', dbRouter, 'mysql')).toEqual({ 'db-host': '10.0.0.1' });
  });

  it('deletes a key written as an empty string', async () => {
    const { tools } = await setup();
    tools.relationSet(cluster, { a: '1', b: '2' }).unwrap();
    tools.relationSet(cluster, { a: '' }).unwrap();
    const bag = tools.relationGet(cluster, 'mysql/0').unwrap();
    expect([bag['a'], bag['b']]).toEqual([undefined, '2']);
  });

  it('calls nothing for an empty write', async () => {
    const { tools } = await setup();
    expect(tools.relationSet(cluster, {}).isOk()).toBe(true);
    expect(await host.calls()).toEqual([]);
  });
});

describe('network', () => {
  // Juju's own (kebab-case) network-get JSON, fed through failTool: this is about parsing.
  const network = {
    'bind-addresses': [
      {
        'interface-name': 'eth0',
        'mac-address': '00:16:3e:aa:bb:cc',
        addresses: [
          { value: '10.0.0.1', cidr: '10.0.0.0/24', hostname: '' },
          { value: '10.0.0.9', cidr: '10.0.0.0/24', hostname: 'db.local' },
        ],
      },
    ],
    'ingress-addresses': ['10.0.0.1'],
    'egress-subnets': ['10.0.0.1/32'],
  };

  it('parses bind addresses, ingress addresses and egress subnets', async () => {
    const { tools } = await setup();
    await fail('network-get', { exitCode: 0, stdout: JSON.stringify(network) });
    expect(tools.networkGet('cluster').unwrap()).toEqual({
      bindAddresses: [
        {
          interfaceName: 'eth0',
          macAddress: '00:16:3e:aa:bb:cc',
          addresses: [
            { value: '10.0.0.1', cidr: '10.0.0.0/24' },
            { value: '10.0.0.9', cidr: '10.0.0.0/24', hostname: 'db.local' },
          ],
        },
      ],
      ingressAddresses: ['10.0.0.1'],
      egressSubnets: ['10.0.0.1/32'],
    });
    expect(await argv()).toEqual([['network-get', '--format=json', 'cluster']]);
  });

  it("reads the simulator's network-get for the unit's address", async () => {
    const { tools } = await setup();
    const { address } = await host.unit('mysql/0');
    const info = tools.networkGet('cluster', { relationId: cluster }).unwrap();
    expect(info.ingressAddresses).toContain(address);
    expect(await argv()).toEqual([['network-get', '--format=json', 'cluster', '-r', cluster]]);
  });

  it('reads just the ingress address', async () => {
    const { tools } = await setup();
    const { address } = await host.unit('mysql/0');
    expect(tools.networkGetIngressAddress('cluster', { relationId: cluster }).unwrap()).toBe(
      address,
    );
    expect(await argv()).toEqual([
      ['network-get', '--format=json', 'cluster', '--ingress-address', '-r', cluster],
    ]);
  });

  it('reads a unit address', async () => {
    const { tools } = await setup();
    const { address } = await host.unit('mysql/0');
    expect(tools.unitGet('private-address').unwrap()).toBe(address);
    expect(await argv()).toEqual([['unit-get', '--format=json', 'private-address']]);
  });
});

describe('config and leadership', () => {
  it('reads all config values with their JSON types', async () => {
    const { tools } = await setup();
    expect(tools.configGet().unwrap()).toEqual({
      'cluster-name': 'c1',
      'max-connections': 600,
      debug: false,
    });
    expect(await argv()).toEqual([['config-get', '--format=json', '--all']]);
  });

  it('tells whether this unit is the leader', async () => {
    expect((await setup('mysql/0')).tools.isLeader().unwrap()).toBe(true);
    await commit();
    const { tools } = await setup('mysql/1');
    expect(tools.isLeader().unwrap()).toBe(false);
    expect(await argv()).toEqual([['is-leader', '--format=json']]);
  });

  it('writes leader settings as key=value arguments, and a later read sees them', async () => {
    const { tools } = await setup();
    tools.leaderSet({ 'cluster-id': 'abc', seeded: 'true' }).unwrap();
    expect(await argv()).toEqual([['leader-set', 'cluster-id=abc', 'seeded=true']]);
    expect(tools.leaderGet().unwrap()).toMatchObject({ 'cluster-id': 'abc', seeded: 'true' });
    await commit();
    const other = await setup('mysql/1');
    expect(other.tools.leaderGet().unwrap()).toMatchObject({ 'cluster-id': 'abc' });
    expect(await argv()).toEqual([['leader-get', '--format=json']]);
  });

  it('calls nothing for an empty leader-set', async () => {
    const { tools } = await setup();
    expect(tools.leaderSet({}).isOk()).toBe(true);
    expect(await host.calls()).toEqual([]);
  });

  it('refuses a leader-settings key that would be misread as key=value', async () => {
    const { tools } = await setup();
    expect(errorOf(tools.leaderSet({ 'a=b': 'c' })).kind).toBe('bad-arguments');
    expect(await host.calls()).toEqual([]);
  });

  it('refuses, without throwing or naming the value, a NUL or lone surrogate argv cannot carry (leader-set.go: key=value argv)', async () => {
    const { tools } = await setup();
    const cases: Record<string, string>[] = [
      { token: 'pw\0x' },
      { token: 'pw\udc00' },
      { 'k\ud800': 'v' },
    ];
    for (const data of cases) {
      const error = errorOf(tools.leaderSet(data));
      expect(error.kind).toBe('bad-arguments');
      expect(error.message).not.toContain('pw');
    }
    expect(await host.calls()).toEqual([]);
  });

  it('masks values the redactor knows in the argv reported to onCall', async () => {
    const { tools, redactor, reported } = await setup();
    redactor.add('hunter2-password');
    tools.leaderSet({ token: 'hunter2-password' }).unwrap();
    expect(reported.map((c) => [c.tool, ...c.args])).toEqual([['leader-set', 'token=***']]);
  });
});

describe('relation-set --file, read as Juju reads it (relation-set.go readSettings, yaml.v2)', () => {
  const relationSetFile = (hook: OpenHook, text: string) =>
    spawnSync('relation-set', ['-r', cluster, '--file', '-'], {
      env: hook.env,
      input: text,
      encoding: 'utf8',
    });

  it('keeps plain scalars as written and turns plain nulls into deletions', async () => {
    const { hook, tools } = await setup();
    const done = relationSetFile(hook, 'a: True\nb: 1.0\nc: 0x1F\nd: "~"\ne: ~\n');
    expect(done.status).toBe(0);
    const bag = tools.relationGet(cluster, 'mysql/0').unwrap();
    expect([bag['a'], bag['b'], bag['c'], bag['d'], bag['e']]).toEqual([
      'True',
      '1.0',
      '0x1F',
      '~',
      undefined,
    ]);
  });

  it('fails in Run (exit 1, yaml.v2 text, writing nothing) on control characters and nested values', async () => {
    const { hook, tools } = await setup();
    const outcomes = ['{"a":"x\u0080"}', 'a: {b: c}\n', 'a: [1]\n'].map((text) => {
      const done = relationSetFile(hook, text);
      return [done.status, done.stderr];
    });
    expect(outcomes).toEqual([
      [1, 'ERROR yaml: control characters are not allowed\n'],
      [1, 'ERROR yaml: unmarshal errors:\n  line 1: cannot unmarshal !!map into string\n'],
      [1, 'ERROR yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string\n'],
    ]);
    expect(tools.relationGet(cluster, 'mysql/0').unwrap()['a']).toBeUndefined();
  });
});
