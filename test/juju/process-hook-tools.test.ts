// ProcessHookTools against the simulator's own hook tools (ToolHostThread: the tools answer
// from a worker thread while this thread blocks in spawnSync). What the tools answer follows
// Juju's jujuc commands (worker/uniter/runner/jujuc/*.go, checked in the tool-host tests); what
// these tests check is ProcessHookTools' own side: argv, stdin and temp files, parsing, error
// kinds, redaction, caps. Faults and malformed output come from host.failTool.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { Result } from 'ts-results-es';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HookToolError } from '../../src/juju/hook-tool-error.js';
import type { CharmMetadata } from '../../src/juju/metadata.js';
import {
  type HookToolCall,
  MAX_LOG_CHARS,
  ProcessHookTools,
} from '../../src/juju/process-hook-tools.js';
import { Redactor } from '../../src/juju/redact.js';
import { encodeSettingsFile } from '../../src/juju/settings-file.js';
import { parseSettingsFile } from '../../src/testing/process/settings-file.js';
import type { OpenHook } from '../../src/testing/process/tool-host.js';
import { ToolHostThread } from '../../src/testing/process/tool-host-thread.js';

// A three-unit mysql peer cluster, mysql/0 leading, related to a one-unit router application.
const mysql = {
  name: 'mysql',
  endpoints: [
    { name: 'cluster', role: 'peers', interface: 'mysql-innodb-cluster' },
    { name: 'db-router', role: 'provides', interface: 'mysql-router' },
  ],
} as CharmMetadata;
const router = {
  name: 'router',
  endpoints: [{ name: 'db-router', role: 'requires', interface: 'mysql-router' }],
} as CharmMetadata;

let host: ToolHostThread;
let cluster = '';
let dbRouter = '';
const scratch = mkdtempSync(join(tmpdir(), 'jr-process-hook-tools-'));

beforeAll(async () => {
  host = await ToolHostThread.start();
  await host.deploy('mysql', mysql, {
    units: 3,
    configOptions: {
      'cluster-name': { type: 'string' },
      'max-connections': { type: 'int' },
      debug: { type: 'boolean' },
    },
    config: { 'cluster-name': 'c1', 'max-connections': 600, debug: false },
  });
  await host.deploy('router', router, { units: 1 });
  dbRouter = await host.model('relate', 'mysql:db-router', 'router:db-router');
  await host.model('settle');
  cluster = (await host.model('relationIds', 'mysql', 'cluster'))[0] ?? '';
  await host.model('setRelationData', 'mysql/2', cluster, { 'cluster-address': '10.0.0.2' });
  await host.model('setRelationData', 'mysql/1', cluster, { 'cluster-address': '10.0.0.1' });
  await host.model('setRelationData', 'mysql', cluster, { 'cluster-name': 'jujuCluster' });
  await host.model('setRelationData', 'router/0', dbRouter, { username: 'keystone' });
  await host.model('setRelationData', 'router', dbRouter, { prefix: 'ks' });
  await host.model('settle');
}, 60_000);
afterAll(async () => {
  await host.close();
  rmSync(scratch, { recursive: true, force: true });
});

let open: OpenHook | undefined;
const faulted = new Set<string>();
/** host.failTool, cleared after the test. */
const fail = async (
  tool: string,
  fault: { exitCode: number; stdout?: string; stderr?: string },
) => {
  faulted.add(tool);
  await host.failTool(tool, fault);
};
afterEach(async () => {
  for (const tool of faulted) await host.failTool(tool, undefined);
  faulted.clear();
  if (open !== undefined) await host.endHook(open.contextId, 'test over');
  open = undefined;
});

interface Setup {
  tools: ProcessHookTools;
  hook: OpenHook;
  redactor: Redactor;
  reported: HookToolCall[];
}

/** Open a hook on `unit` (mysql/0, the leader, by default) and tools that call into it. */
const setup = async (
  unit = 'mysql/0',
  env: Readonly<Record<string, string>> = {},
): Promise<Setup> => {
  const hook = await host.openHook(unit, { hook: 'update-status' });
  open = hook;
  await host.clearCalls();
  const redactor = new Redactor();
  const reported: HookToolCall[] = [];
  const tools = new ProcessHookTools({
    env: { ...hook.env, ...env },
    redactor,
    onCall: (call) => reported.push(call),
  });
  return { tools, hook, redactor, reported };
};

/** End the open hook as a hook exiting 0 does: its writes commit to the model. */
const commit = async (): Promise<void> => {
  const hook = open;
  open = undefined;
  if (hook !== undefined) await host.endHook(hook.contextId);
};

const argv = async () => (await host.calls()).map((c) => [c.tool, ...c.args]);

const errorOf = (result: Result<unknown, HookToolError>): HookToolError => {
  if (result.isOk()) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
};

/**
 * Put a wrapper for `tool` first on PATH that logs the octal mode of its `--file` argument,
 * then runs the real tool: what the tool saw of ProcessHookTools' temp file.
 */
const spyFileMode = (
  hook: OpenHook,
  tool: string,
): { env: Record<string, string>; modes: () => string[] } => {
  const dir = mkdtempSync(join(scratch, 'spy-'));
  const log = join(dir, 'modes');
  const real = join((hook.env['PATH'] ?? '').split(delimiter)[0] ?? '', tool);
  const script = `#!/bin/sh\nprev=\nfor a in "$@"; do [ "$prev" = --file ] && stat -c %a "$a" >> '${log}'; prev=$a; done\nexec '${real}' "$@"\n`;
  writeFileSync(join(dir, tool), script);
  chmodSync(join(dir, tool), 0o755);
  writeFileSync(log, '');
  return {
    env: { PATH: [dir, hook.env['PATH'] ?? ''].join(delimiter) },
    modes: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
};

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

describe('tool failures', () => {
  it('reports an unknown relation id as relation-not-found (jujuc relation-get_test.go "explicit relation, not known": exit 2)', async () => {
    const { tools } = await setup();
    const error = errorOf(tools.relationGet('cluster:99', 'mysql/2'));
    expect(error.kind).toBe('relation-not-found');
    expect(error.tool).toBe('relation-get');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'relation-get: invalid value "cluster:99" for option -r: relation not found',
    );
  });

  it('reports leader-set on a non-leader as not-leader, in the tool’s own words', async () => {
    const { tools } = await setup('mysql/1');
    const error = errorOf(tools.leaderSet({ a: 'b' }));
    expect(error.kind).toBe('not-leader');
    expect(error.message).toBe(
      'leader-set: cannot write leadership settings: cannot write settings: not the leader',
    );
  });

  it('reports an application-bag write by a non-leader as permission-denied', async () => {
    const { tools } = await setup('mysql/1');
    expect(errorOf(tools.relationSet(dbRouter, { a: 'b' }, { app: true })).kind).toBe(
      'permission-denied',
    );
  });

  it('reports an unknown secret as not-found', async () => {
    const { tools } = await setup();
    const error = errorOf(tools.secretGet('secret:nope'));
    expect(error.kind).toBe('not-found');
    expect(error.message).toBe('secret-get: secret "secret:nope" not found');
  });

  it('reports a tool that is not on PATH as tool-missing', async () => {
    const { tools, reported } = await setup('mysql/0', { PATH: '' });
    const error = errorOf(tools.relationIds('cluster'));
    expect(error.kind).toBe('tool-missing');
    expect(error.message).toBe(
      'relation-ids: not found on PATH: is this running inside a Juju hook?',
    );
    expect(reported.map((c) => c.exitCode)).toEqual([127]);
  });

  it('reports exit code 2 as bad-arguments', async () => {
    const { tools } = await setup();
    await fail('relation-list', {
      exitCode: 2,
      stderr: 'ERROR flag provided but not defined: --app',
    });
    const error = errorOf(tools.relationListApp(cluster));
    expect(error.kind).toBe('bad-arguments');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('relation-list: flag provided but not defined: --app');
  });

  it('reports other exit codes as failed', async () => {
    const { tools } = await setup();
    await fail('config-get', { exitCode: 1, stderr: 'ERROR connection is shut down' });
    const error = errorOf(tools.configGet());
    expect(error.kind).toBe('failed');
    expect(error.message).toBe('config-get: connection is shut down');
  });

  it('says which exit code a silent failure had', async () => {
    const { tools } = await setup();
    await fail('is-leader', { exitCode: 3 });
    expect(errorOf(tools.isLeader()).message).toBe('is-leader: exited with code 3');
  });

  it('reports output that is not JSON as bad-output, without quoting it', async () => {
    const { tools } = await setup();
    await fail('relation-get', { exitCode: 0, stdout: 'password: hunter2\n' });
    const error = errorOf(tools.relationGet(cluster, 'mysql/2'));
    expect(error.kind).toBe('bad-output');
    expect(error.message).not.toContain('hunter2');
  });

  it.each([
    ['relation-ids', (t: ProcessHookTools) => t.relationIds('cluster'), '{"a":1}'],
    ['relation-get', (t: ProcessHookTools) => t.relationGet(cluster, 'mysql/2'), '{"a":1}'],
    ['is-leader', (t: ProcessHookTools) => t.isLeader(), '"yes"'],
    ['unit-get', (t: ProcessHookTools) => t.unitGet('private-address'), '""'],
    ['network-get', (t: ProcessHookTools) => t.networkGet('cluster'), '{"bind-addresses":{}}'],
    ['status-get', (t: ProcessHookTools) => t.statusGet(), '{"status":"sleeping"}'],
    ['goal-state', (t: ProcessHookTools) => t.goalState(), '{"units":[]}'],
    ['config-get', (t: ProcessHookTools) => t.configGet(), '[1,2]'],
  ] as const)(
    'reports JSON of the wrong shape from %s as bad-output',
    async (tool, call, stdout) => {
      const { tools } = await setup();
      await fail(tool, { exitCode: 0, stdout });
      const error = errorOf(call(tools));
      expect(error.kind).toBe('bad-output');
      expect(error.tool).toBe(tool);
      expect(error.message).toMatch(/ where .+ was expected$/);
    },
  );

  it('reports a secret-add that prints no id as bad-output', async () => {
    const { tools } = await setup();
    await fail('secret-add', { exitCode: 0, stdout: '' });
    expect(errorOf(tools.secretAdd({ password: 'pw-9f8e7d6c5b' })).kind).toBe('bad-output');
  });

  it('masks secret content in error messages', async () => {
    const { tools } = await setup();
    await fail('secret-add', {
      exitCode: 1,
      stderr: 'ERROR invalid value "pw-9f8e7d6c5b" for key password',
    });
    const error = errorOf(tools.secretAdd({ password: 'pw-9f8e7d6c5b' }));
    expect(error.message).toBe('secret-add: invalid value "***" for key password');
  });

  it('removes the secret temp file when the tool fails', async () => {
    const { tools } = await setup('mysql/1');
    expect(errorOf(tools.secretAdd({ password: 'pw-9f8e7d6c5b' })).kind).toBe('permission-denied');
    const path = (await host.calls())[0]?.args.at(-1) ?? '';
    expect(path).not.toBe('');
    expect(existsSync(dirname(path))).toBe(false);
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
