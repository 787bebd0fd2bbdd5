import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Result } from 'ts-results-es';
import { afterEach, describe, expect, it } from 'vitest';
import type { HookToolError } from '../../src/juju/hook-tool-error.js';
import {
  type HookToolCall,
  MAX_LOG_CHARS,
  ProcessHookTools,
} from '../../src/juju/process-hook-tools.js';
import { Redactor } from '../../src/juju/redact.js';
import { encodeSettingsFile } from '../../src/juju/settings-file.js';
import { parseSettingsFile } from '../../src/testing/process/settings-file.js';
import { createFakeJuju, type FakeJuju, type FakeScenario } from '../fixtures/fake-juju/index.js';

// A three-unit peer cluster seen from mysql/0, plus a related router application.
const clusterScenario = (extra: Partial<FakeScenario> = {}): FakeScenario => ({
  unit: 'mysql/0',
  leader: true,
  relations: {
    'cluster:3': {
      endpoint: 'cluster',
      app: 'mysql',
      units: {
        'mysql/10': { 'cluster-address': '10.0.0.10' },
        'mysql/2': { 'cluster-address': '10.0.0.2' },
      },
      appBags: { mysql: { 'cluster-name': 'jujuCluster' } },
    },
    'db-router:7': {
      endpoint: 'db-router',
      app: 'router',
      units: { 'router/0': { username: 'keystone' } },
      appBags: { router: { prefix: 'ks' } },
    },
  },
  ...extra,
});

let juju: FakeJuju | undefined;
afterEach(() => {
  juju?.cleanup();
  juju = undefined;
});

interface Setup {
  tools: ProcessHookTools;
  juju: FakeJuju;
  redactor: Redactor;
  reported: HookToolCall[];
}

const setup = (scenario: FakeScenario = clusterScenario(), env: NodeJS.ProcessEnv = {}): Setup => {
  const fake = createFakeJuju(scenario);
  juju = fake;
  const redactor = new Redactor();
  const reported: HookToolCall[] = [];
  const tools = new ProcessHookTools({
    env: { ...fake.env, ...env },
    redactor,
    onCall: (call) => reported.push(call),
  });
  return { tools, juju: fake, redactor, reported };
};

const argvOf = (fake: FakeJuju) => fake.calls().map((c) => [c.tool, ...c.argv]);

const errorOf = (result: Result<unknown, HookToolError>): HookToolError => {
  if (result.isOk()) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
};

describe('reading relations', () => {
  it('lists relation ids of an endpoint in numeric order', () => {
    const { tools, juju } = setup(
      clusterScenario({
        relations: {
          'cluster:10': { endpoint: 'cluster', app: 'mysql' },
          'cluster:2': { endpoint: 'cluster', app: 'mysql' },
        },
      }),
    );
    expect(tools.relationIds('cluster').unwrap()).toEqual(['cluster:2', 'cluster:10']);
    expect(argvOf(juju)).toEqual([['relation-ids', '--format=json', 'cluster']]);
  });

  it('gives no relation ids for an endpoint with no relations', () => {
    const { tools } = setup();
    expect(tools.relationIds('certificates').unwrap()).toEqual([]);
  });

  it('lists the remote units, without the local unit or departed units', () => {
    const scenario = clusterScenario();
    const cluster = scenario.relations?.['cluster:3'];
    if (cluster) {
      cluster.units = { ...cluster.units, 'mysql/0': { a: 'b' }, 'mysql/5': {} };
      cluster.departed = ['mysql/5'];
    }
    const { tools, juju } = setup(scenario);
    expect(tools.relationList('cluster:3').unwrap()).toEqual(['mysql/2', 'mysql/10']);
    expect(argvOf(juju)).toEqual([['relation-list', '--format=json', '-r', 'cluster:3']]);
  });

  it('names the remote application of a relation', () => {
    const { tools, juju } = setup();
    expect(tools.relationListApp('db-router:7').unwrap()).toBe('router');
    expect(argvOf(juju)).toEqual([
      ['relation-list', '--format=json', '-r', 'db-router:7', '--app'],
    ]);
  });

  it("reads a remote unit's whole bag", () => {
    const { tools, juju } = setup();
    expect(tools.relationGet('cluster:3', 'mysql/10').unwrap()).toEqual({
      'cluster-address': '10.0.0.10',
    });
    expect(argvOf(juju)).toEqual([
      ['relation-get', '--format=json', '-r', 'cluster:3', '-', 'mysql/10'],
    ]);
  });

  it("reads a remote application's bag", () => {
    const { tools, juju } = setup();
    expect(tools.relationGet('db-router:7', 'router', { app: true }).unwrap()).toEqual({
      prefix: 'ks',
    });
    expect(argvOf(juju)).toEqual([
      ['relation-get', '--format=json', '-r', 'db-router:7', '--app', '-', 'router'],
    ]);
  });

  it('reads one key, and gives undefined for a key that is not set', () => {
    const { tools, juju } = setup();
    expect(tools.relationGetKey('cluster:3', 'mysql/2', 'cluster-address').unwrap()).toBe(
      '10.0.0.2',
    );
    expect(tools.relationGetKey('cluster:3', 'mysql/2', 'password').unwrap()).toBeUndefined();
    expect(tools.relationGetKey('db-router:7', 'router', 'prefix', { app: true }).unwrap()).toBe(
      'ks',
    );
    expect(argvOf(juju)).toEqual([
      ['relation-get', '--format=json', '-r', 'cluster:3', 'cluster-address', 'mysql/2'],
      ['relation-get', '--format=json', '-r', 'cluster:3', 'password', 'mysql/2'],
      ['relation-get', '--format=json', '-r', 'db-router:7', '--app', 'prefix', 'router'],
    ]);
  });
});

describe('writing relation data', () => {
  it('sends the data on stdin, not in argv, and a later read sees it', () => {
    const { tools, juju } = setup();
    tools
      .relationSet('cluster:3', { 'cluster-address': '10.0.0.1', password: 's3cr3t-pw' })
      .unwrap();
    const [call] = juju.calls();
    expect(call?.argv).toEqual(['-r', 'cluster:3', '--file', '-']);
    expect(parseSettingsFile(call?.stdin ?? '').unwrap().settings).toEqual({
      'cluster-address': '10.0.0.1',
      password: 's3cr3t-pw',
    });
    expect(tools.relationGet('cluster:3', 'mysql/0').unwrap()).toEqual({
      'cluster-address': '10.0.0.1',
      password: 's3cr3t-pw',
    });
  });

  it('sends a YAML file that Juju (yaml.v2, relation-set.go readSettings) stores unchanged', () => {
    const { tools, juju } = setup();
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
    tools.relationSet('cluster:3', data).unwrap();
    const stdin = juju.calls()[0]?.stdin ?? '';
    expect(stdin).toBe(encodeSettingsFile(data).unwrap());
    expect(parseSettingsFile(stdin).unwrap().settings).toEqual(data);
    expect(tools.relationGet('cluster:3', 'mysql/0').unwrap()).toEqual(data);
  });

  it('refuses a value holding a lone surrogate, naming the key, and calls nothing', () => {
    const { tools, juju } = setup();
    const error = errorOf(tools.relationSet('cluster:3', { good: 'x', broken: 'a\ud800' }));
    expect(error.kind).toBe('bad-arguments');
    expect(error.message).toContain('"broken"');
    expect(errorOf(tools.stateSet({ 'k\udfff': 'v' })).kind).toBe('bad-arguments');
    expect(juju.calls()).toEqual([]);
  });

  it("writes the application's bag with --app", () => {
    const { tools, juju } = setup();
    tools.relationSet('db-router:7', { 'db-host': '10.0.0.1' }, { app: true }).unwrap();
    expect(argvOf(juju)).toEqual([['relation-set', '-r', 'db-router:7', '--app', '--file', '-']]);
    expect(juju.scenario().relations?.['db-router:7']?.appBags?.['mysql']).toEqual({
      'db-host': '10.0.0.1',
    });
  });

  it('deletes a key written as an empty string', () => {
    const { tools } = setup();
    tools.relationSet('cluster:3', { a: '1', b: '2' }).unwrap();
    tools.relationSet('cluster:3', { a: '' }).unwrap();
    expect(tools.relationGet('cluster:3', 'mysql/0').unwrap()).toEqual({ b: '2' });
  });

  it('calls nothing for an empty write', () => {
    const { tools, juju } = setup();
    expect(tools.relationSet('cluster:3', {}).isOk()).toBe(true);
    expect(juju.calls()).toEqual([]);
  });
});

describe('network', () => {
  const network: FakeScenario['network'] = {
    cluster: {
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
    },
  };

  it('parses bind addresses, ingress addresses and egress subnets', () => {
    const { tools, juju } = setup(clusterScenario({ network }));
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
    expect(argvOf(juju)).toEqual([['network-get', '--format=json', 'cluster']]);
  });

  it('passes the relation id when given', () => {
    const { tools, juju } = setup(clusterScenario({ network }));
    tools.networkGet('cluster', { relationId: 'cluster:3' }).unwrap();
    expect(argvOf(juju)).toEqual([['network-get', '--format=json', 'cluster', '-r', 'cluster:3']]);
  });

  it('reads just the ingress address', () => {
    const { tools, juju } = setup(clusterScenario({ network }));
    expect(tools.networkGetIngressAddress('cluster', { relationId: 'cluster:3' }).unwrap()).toBe(
      '10.0.0.1',
    );
    expect(argvOf(juju)).toEqual([
      ['network-get', '--format=json', 'cluster', '--ingress-address', '-r', 'cluster:3'],
    ]);
  });

  it('reads a unit address', () => {
    const { tools, juju } = setup(
      clusterScenario({ addresses: { 'private-address': '10.0.0.1' } }),
    );
    expect(tools.unitGet('private-address').unwrap()).toBe('10.0.0.1');
    expect(argvOf(juju)).toEqual([['unit-get', '--format=json', 'private-address']]);
  });
});

describe('config and leadership', () => {
  it('reads all config values with their JSON types', () => {
    const { tools, juju } = setup(
      clusterScenario({ config: { 'cluster-name': 'c1', 'max-connections': 600, debug: false } }),
    );
    expect(tools.configGet().unwrap()).toEqual({
      'cluster-name': 'c1',
      'max-connections': 600,
      debug: false,
    });
    expect(argvOf(juju)).toEqual([['config-get', '--format=json', '--all']]);
  });

  it('tells whether this unit is the leader', () => {
    expect(
      setup(clusterScenario({ leader: true }))
        .tools.isLeader()
        .unwrap(),
    ).toBe(true);
    juju?.cleanup();
    const { tools, juju: fake } = setup(clusterScenario({ leader: false }));
    expect(tools.isLeader().unwrap()).toBe(false);
    expect(argvOf(fake)).toEqual([['is-leader', '--format=json']]);
  });

  it('reads leader settings', () => {
    const { tools, juju } = setup(clusterScenario({ leaderSettings: { 'cluster-id': 'abc' } }));
    expect(tools.leaderGet().unwrap()).toEqual({ 'cluster-id': 'abc' });
    expect(argvOf(juju)).toEqual([['leader-get', '--format=json']]);
  });

  it('writes leader settings as key=value arguments, and a later read sees them', () => {
    const { tools, juju } = setup();
    tools.leaderSet({ 'cluster-id': 'abc', seeded: 'true' }).unwrap();
    expect(argvOf(juju)).toEqual([['leader-set', 'cluster-id=abc', 'seeded=true']]);
    expect(tools.leaderGet().unwrap()).toEqual({ 'cluster-id': 'abc', seeded: 'true' });
  });

  it('calls nothing for an empty leader-set', () => {
    const { tools, juju } = setup();
    expect(tools.leaderSet({}).isOk()).toBe(true);
    expect(juju.calls()).toEqual([]);
  });

  it('refuses a leader-settings key that would be misread as key=value', () => {
    const { tools, juju } = setup();
    expect(errorOf(tools.leaderSet({ 'a=b': 'c' })).kind).toBe('bad-arguments');
    expect(juju.calls()).toEqual([]);
  });

  it('refuses, without throwing or naming the value, a NUL or lone surrogate argv cannot carry (leader-set.go: key=value argv)', () => {
    const { tools, juju } = setup();
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
    expect(juju.calls()).toEqual([]);
  });

  it('masks values the redactor knows in the argv reported to onCall', () => {
    const { tools, redactor, reported } = setup();
    redactor.add('hunter2-password');
    tools.leaderSet({ token: 'hunter2-password' }).unwrap();
    expect(reported.map((c) => [c.tool, ...c.args])).toEqual([['leader-set', 'token=***']]);
  });
});

describe('status, logging and ports', () => {
  it('logs at a level, ending flags before the message', () => {
    const { tools, juju } = setup();
    tools.jujuLog('--- cluster ready', 'WARNING').unwrap();
    expect(argvOf(juju)).toEqual([['juju-log', '-l', 'WARNING', '--', '--- cluster ready']]);
  });

  it('redacts known secrets from log messages before they leave the process', () => {
    const { tools, juju, redactor } = setup();
    redactor.add('hunter2-password');
    tools.jujuLog('connecting with hunter2-password', 'DEBUG').unwrap();
    expect(argvOf(juju)).toEqual([['juju-log', '-l', 'DEBUG', '--', 'connecting with ***']]);
  });

  it('cuts a log message too long for argv', () => {
    const { tools, juju } = setup();
    tools.jujuLog(`trace: ${'x'.repeat(500_000)}`, 'ERROR').unwrap();
    const message = juju.calls()[0]?.argv[3] ?? '';
    expect(message).toHaveLength(MAX_LOG_CHARS + ' [truncated]'.length);
    expect(message.endsWith(' [truncated]')).toBe(true);
  });

  it('sets and reads the unit status', () => {
    const { tools, juju } = setup();
    tools.statusSet('active', 'Unit is ready').unwrap();
    expect(tools.statusGet().unwrap()).toEqual({ status: 'active', message: 'Unit is ready' });
    expect(argvOf(juju)).toEqual([
      ['status-set', '--', 'active', 'Unit is ready'],
      ['status-get', '--format=json', '--include-data'],
    ]);
  });

  it('sets and reads the application status', () => {
    const { tools, juju } = setup();
    tools.statusSet('blocked', 'Need 3 units', { application: true }).unwrap();
    expect(tools.statusGet({ application: true }).unwrap()).toEqual({
      status: 'blocked',
      message: 'Need 3 units',
    });
    expect(argvOf(juju)).toEqual([
      ['status-set', '--application', '--', 'blocked', 'Need 3 units'],
      ['status-get', '--format=json', '--include-data', '--application'],
    ]);
  });

  it('sets the application version', () => {
    const { tools, juju } = setup();
    tools.applicationVersionSet('8.0.36').unwrap();
    expect(argvOf(juju)).toEqual([['application-version-set', '8.0.36']]);
    expect(juju.scenario().applicationVersion).toBe('8.0.36');
  });

  it('reads the goal state', () => {
    const goalState = {
      units: { 'mysql/0': { status: 'active', since: '2024-01-01 10:00:00Z' } },
      relations: { cluster: { 'mysql/1': { status: 'joining' } } },
    };
    const { tools, juju } = setup(clusterScenario({ goalState }));
    expect(tools.goalState().unwrap()).toEqual(goalState);
    expect(argvOf(juju)).toEqual([['goal-state', '--format=json']]);
  });

  it('opens and closes ports as <port>/<protocol>, tcp by default', () => {
    const { tools, juju } = setup();
    tools.openPort(3306).unwrap();
    tools.openPort(33060, 'udp').unwrap();
    tools.openPort(0, 'icmp').unwrap();
    tools.closePort(33060, 'udp').unwrap();
    expect(argvOf(juju)).toEqual([
      ['open-port', '3306/tcp'],
      ['open-port', '33060/udp'],
      ['open-port', 'icmp'],
      ['close-port', '33060/udp'],
    ]);
    expect(juju.scenario().openPorts).toEqual(['3306/tcp', 'icmp']);
  });

  it('refuses a port outside 1-65535 without calling the tool', () => {
    const { tools, juju } = setup();
    const error = errorOf(tools.openPort(70000));
    expect(error.kind).toBe('bad-arguments');
    expect(error.message).toBe('open-port: port 70000 is not a whole number from 1 to 65535');
    expect(juju.calls()).toEqual([]);
  });
});

describe('secrets', () => {
  const content = { username: 'clusteruser', password: 'pw-9f8e7d6c5b' };

  it('adds a secret through a private temp file that is gone afterwards', () => {
    const { tools, juju } = setup();
    const id = tools
      .secretAdd(content, {
        label: 'cluster-creds',
        description: 'cluster user',
        rotate: 'monthly',
      })
      .unwrap();
    expect(id).toMatch(/^secret:/);
    const [call] = juju.calls();
    const path = call?.file?.path ?? '';
    expect(call?.argv).toEqual([
      '--label',
      'cluster-creds',
      '--description',
      'cluster user',
      '--rotate',
      'monthly',
      '--file',
      path,
    ]);
    expect(call?.file?.mode).toBe(0o600);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(dirname(path))).toBe(false);
    expect(juju.scenario().secrets?.[id]?.content).toEqual(content);
  });

  it('passes the owner and expiry when given', () => {
    const { tools, juju } = setup();
    tools.secretAdd(content, { owner: 'unit', expire: '24h' }).unwrap();
    const [call] = juju.calls();
    expect(call?.argv.slice(0, 4)).toEqual(['--owner', 'unit', '--expire', '24h']);
  });

  it('reads a secret by id, by label, and with --peek or --refresh', () => {
    const { tools, juju } = setup();
    const id = tools.secretAdd(content, { label: 'creds' }).unwrap();
    juju.clearCalls();
    expect(tools.secretGet(id).unwrap()).toEqual(content);
    expect(tools.secretGet('creds', { peek: true }).unwrap()).toEqual(content);
    expect(tools.secretGet(id, { label: 'mine', refresh: true }).unwrap()).toEqual(content);
    expect(argvOf(juju)).toEqual([
      ['secret-get', '--format=json', id],
      ['secret-get', '--format=json', '--label', 'creds', '--peek'],
      ['secret-get', '--format=json', id, '--label', 'mine', '--refresh'],
    ]);
  });

  it('refuses a label lookup that also names a different label', () => {
    const { tools, juju } = setup();
    expect(errorOf(tools.secretGet('creds', { label: 'other' })).kind).toBe('bad-arguments');
    expect(juju.calls()).toEqual([]);
  });

  it('learns the values of secrets it reads, so later errors mask them', () => {
    const { tools, juju, redactor } = setup(
      clusterScenario({
        secrets: { 'secret:abc': { content: { token: 'tok-123456789' } } },
      }),
    );
    tools.secretGet('secret:abc').unwrap();
    expect(redactor.redact('token is tok-123456789')).toBe('token is ***');
    juju.setScenario({
      ...juju.scenario(),
      failures: { 'juju-log': { exitCode: 1, stderr: 'ERROR cannot log "tok-123456789"' } },
    });
    expect(errorOf(tools.jujuLog('x', 'INFO')).message).toBe('juju-log: cannot log "***"');
  });

  it('updates secret content through a temp file, and metadata alone without one', () => {
    const { tools, juju } = setup();
    const id = tools.secretAdd(content).unwrap();
    juju.clearCalls();
    tools.secretSet(id, { password: 'pw-new-1234567' }, { label: 'creds' }).unwrap();
    tools.secretSet(id, {}, { description: 'rotated' }).unwrap();
    const [withContent, metadataOnly] = juju.calls();
    expect(withContent?.argv).toEqual([id, '--label', 'creds', '--file', withContent?.file?.path]);
    expect(withContent?.file?.mode).toBe(0o600);
    expect(metadataOnly?.argv).toEqual([id, '--description', 'rotated']);
    const secret = juju.scenario().secrets?.[id];
    expect(secret?.content).toEqual({ password: 'pw-new-1234567' });
    expect(secret?.description).toBe('rotated');
  });

  it('grants, revokes and removes a secret', () => {
    const { tools, juju } = setup();
    const id = tools.secretAdd(content).unwrap();
    juju.clearCalls();
    tools.secretGrant(id, 'db-router:7').unwrap();
    tools.secretGrant(id, 'db-router:7', { unit: 'router/0' }).unwrap();
    tools.secretRevoke(id, 'db-router:7', { unit: 'router/0' }).unwrap();
    expect(juju.scenario().secrets?.[id]?.grants).toEqual({ 'db-router:7': ['*'] });
    tools.secretRemove(id, { revision: 1 }).unwrap();
    expect(argvOf(juju)).toEqual([
      ['secret-grant', id, '-r', 'db-router:7'],
      ['secret-grant', id, '-r', 'db-router:7', '--unit', 'router/0'],
      ['secret-revoke', id, '-r', 'db-router:7', '--unit', 'router/0'],
      ['secret-remove', id, '--revision', '1'],
    ]);
    expect(juju.scenario().secrets?.[id]).toBeUndefined();
  });

  it('never puts secret content in any argv', () => {
    const { tools, juju, reported } = setup();
    const id = tools.secretAdd(content).unwrap();
    tools.secretSet(id, { password: 'pw-rotated-42' }).unwrap();
    tools.secretGet(id).unwrap();
    const values = [...Object.values(content), 'pw-rotated-42'];
    const argv = [...juju.calls().flatMap((c) => c.argv), ...reported.flatMap((c) => c.args)];
    expect(argv.length).toBeGreaterThan(0);
    for (const value of values) {
      expect(argv.filter((a) => a.includes(value))).toEqual([]);
    }
  });
});

describe('unit state', () => {
  it('reads, writes on stdin and deletes keys', () => {
    const { tools, juju } = setup(clusterScenario({ state: { old: 'x' } }));
    tools.stateSet({ flags: '["a"]', 'big-value': 'y'.repeat(200_000) }).unwrap();
    tools.stateDelete('old').unwrap();
    const state = tools.stateGet().unwrap();
    expect(Object.keys(state).sort()).toEqual(['big-value', 'flags']);
    expect(state['flags']).toBe('["a"]');
    const calls = juju.calls();
    expect(calls.map((c) => [c.tool, ...c.argv])).toEqual([
      ['state-set', '--file', '-'],
      ['state-delete', 'old'],
      ['state-get', '--format=json'],
    ]);
    expect(parseSettingsFile(calls[0]?.stdin ?? '').unwrap().settings['flags']).toBe('["a"]');
  });
});

describe('tool failures', () => {
  it('reports an unknown relation id as relation-not-found', () => {
    const { tools } = setup();
    const error = errorOf(tools.relationGet('cluster:99', 'mysql/2'));
    expect(error.kind).toBe('relation-not-found');
    expect(error.tool).toBe('relation-get');
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe('relation-get: relation not found');
  });

  it('reports leader-set on a non-leader as not-leader, in the tool’s own words', () => {
    const { tools } = setup(clusterScenario({ leader: false }));
    const error = errorOf(tools.leaderSet({ a: 'b' }));
    expect(error.kind).toBe('not-leader');
    expect(error.message).toBe(
      'leader-set: cannot write leadership settings: cannot write settings: not the leader',
    );
  });

  it('reports an application-bag write by a non-leader as permission-denied', () => {
    const { tools } = setup(clusterScenario({ leader: false }));
    expect(errorOf(tools.relationSet('db-router:7', { a: 'b' }, { app: true })).kind).toBe(
      'permission-denied',
    );
  });

  it('reports an unknown secret as not-found', () => {
    const { tools } = setup();
    const error = errorOf(tools.secretGet('secret:nope'));
    expect(error.kind).toBe('not-found');
    expect(error.message).toBe('secret-get: secret "secret:nope" not found');
  });

  it('reports a tool that is not on PATH as tool-missing', () => {
    const { tools, reported } = setup(clusterScenario(), { PATH: '' });
    const error = errorOf(tools.relationIds('cluster'));
    expect(error.kind).toBe('tool-missing');
    expect(error.message).toBe(
      'relation-ids: not found on PATH: is this running inside a Juju hook?',
    );
    expect(reported.map((c) => c.exitCode)).toEqual([127]);
  });

  it('reports exit code 2 as bad-arguments', () => {
    const { tools } = setup(
      clusterScenario({
        failures: {
          'relation-list': { exitCode: 2, stderr: 'ERROR flag provided but not defined: --app' },
        },
      }),
    );
    const error = errorOf(tools.relationListApp('cluster:3'));
    expect(error.kind).toBe('bad-arguments');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('relation-list: flag provided but not defined: --app');
  });

  it('reports other exit codes as failed', () => {
    const { tools } = setup(
      clusterScenario({
        failures: { 'config-get': { exitCode: 1, stderr: 'ERROR connection is shut down' } },
      }),
    );
    const error = errorOf(tools.configGet());
    expect(error.kind).toBe('failed');
    expect(error.message).toBe('config-get: connection is shut down');
  });

  it('says which exit code a silent failure had', () => {
    const { tools } = setup(clusterScenario({ failures: { 'is-leader': { exitCode: 3 } } }));
    expect(errorOf(tools.isLeader()).message).toBe('is-leader: exited with code 3');
  });

  it('reports output that is not JSON as bad-output, without quoting it', () => {
    const { tools } = setup(
      clusterScenario({
        failures: { 'relation-get': { exitCode: 0, stdout: 'password: hunter2\n' } },
      }),
    );
    const error = errorOf(tools.relationGet('cluster:3', 'mysql/2'));
    expect(error.kind).toBe('bad-output');
    expect(error.message).not.toContain('hunter2');
  });

  it.each([
    ['relation-ids', (t: ProcessHookTools) => t.relationIds('cluster'), '{"a":1}'],
    ['relation-get', (t: ProcessHookTools) => t.relationGet('cluster:3', 'mysql/2'), '{"a":1}'],
    ['is-leader', (t: ProcessHookTools) => t.isLeader(), '"yes"'],
    ['unit-get', (t: ProcessHookTools) => t.unitGet('private-address'), '""'],
    ['network-get', (t: ProcessHookTools) => t.networkGet('cluster'), '{"bind-addresses":{}}'],
    ['status-get', (t: ProcessHookTools) => t.statusGet(), '{"status":"sleeping"}'],
    ['goal-state', (t: ProcessHookTools) => t.goalState(), '{"units":[]}'],
    ['config-get', (t: ProcessHookTools) => t.configGet(), '[1,2]'],
  ] as const)('reports JSON of the wrong shape from %s as bad-output', (tool, call, stdout) => {
    const { tools } = setup(clusterScenario({ failures: { [tool]: { exitCode: 0, stdout } } }));
    const error = errorOf(call(tools));
    expect(error.kind).toBe('bad-output');
    expect(error.tool).toBe(tool);
    expect(error.message).toMatch(/ where .+ was expected$/);
  });

  it('reports a secret-add that prints no id as bad-output', () => {
    const { tools } = setup(
      clusterScenario({ failures: { 'secret-add': { exitCode: 0, stdout: '' } } }),
    );
    expect(errorOf(tools.secretAdd({ password: 'pw-9f8e7d6c5b' })).kind).toBe('bad-output');
  });

  it('masks secret content in error messages', () => {
    const { tools } = setup(
      clusterScenario({
        failures: {
          'secret-add': {
            exitCode: 1,
            stderr: 'ERROR invalid value "pw-9f8e7d6c5b" for key password',
          },
        },
      }),
    );
    const error = errorOf(tools.secretAdd({ password: 'pw-9f8e7d6c5b' }));
    expect(error.message).toBe('secret-add: invalid value "***" for key password');
  });

  it('removes the secret temp file when the tool fails', () => {
    const { tools, juju } = setup(clusterScenario({ leader: false }));
    expect(errorOf(tools.secretAdd({ password: 'pw-9f8e7d6c5b' })).kind).toBe('permission-denied');
    const path = juju.calls()[0]?.file?.path ?? '';
    expect(path).not.toBe('');
    expect(existsSync(dirname(path))).toBe(false);
  });
});

describe('the fake relation-set --file, read as Juju reads it (relation-set.go readSettings, yaml.v2)', () => {
  const relationSetFile = (fake: FakeJuju, text: string) =>
    spawnSync('relation-set', ['-r', 'cluster:3', '--file', '-'], {
      env: fake.env,
      input: text,
      encoding: 'utf8',
    });

  it('keeps plain scalars as written and turns plain nulls into deletions', () => {
    const { juju } = setup();
    const done = relationSetFile(juju, 'a: True\nb: 1.0\nc: 0x1F\nd: "~"\ne: ~\n');
    expect(done.status).toBe(0);
    expect(juju.scenario().relations?.['cluster:3']?.units?.['mysql/0']).toEqual({
      a: 'True',
      b: '1.0',
      c: '0x1F',
      d: '~',
    });
  });

  it('fails, writing nothing, on control characters, nested values and extra documents', () => {
    const { juju } = setup();
    for (const [text, error] of [
      ['{"a":"x\u0080"}', 'ERROR yaml: control characters are not allowed\n'],
      ['a: {b: c}\n', 'ERROR yaml: unmarshal errors:\n  cannot unmarshal !!map into string\n'],
      ['a: [1]\n', 'ERROR yaml: unmarshal errors:\n  cannot unmarshal !!seq into string\n'],
      [
        'a: b\n---\nc: d\n',
        'ERROR the settings file holds 2 YAML documents; Juju reads only the first\n',
      ],
    ] as const) {
      const done = relationSetFile(juju, text);
      expect([done.status, done.stderr]).toEqual([1, error]);
    }
    expect(juju.scenario().relations?.['cluster:3']?.units?.['mysql/0']).toBeUndefined();
  });
});
