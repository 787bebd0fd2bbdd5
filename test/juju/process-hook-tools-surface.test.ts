// ProcessHookTools' action, secret-metadata, storage, resource, port-range and metric tools,
// against tiny recording tools on PATH: the argv Juju's tools take and the output they print
// (juju/juju internal/worker/uniter/runner/jujuc/<tool>.go). Also one action end to end
// through main() under JUJU_DISPATCH_PATH=actions/<name>, as Juju runs it.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { main } from '../../src/charm/main.js';
import { parseActions } from '../../src/juju/actions-metadata.js';
import { ProcessHookTools } from '../../src/juju/process-hook-tools.js';
import { Redactor } from '../../src/juju/redact.js';

const TOOLS = [
  'action-get',
  'action-set',
  'action-fail',
  'action-log',
  'secret-info-get',
  'secret-ids',
  'storage-get',
  'storage-list',
  'storage-add',
  'resource-get',
  'open-port',
  'close-port',
  'opened-ports',
  'add-metric',
  'juju-log',
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'recording-tools-'));
  for (const tool of TOOLS) {
    // Record argv (unit separator between args, record separator after a call); print the
    // canned <tool>.out, <tool>.err and exit with <tool>.code when those files exist.
    const script = `#!/bin/sh
d='${dir}'
for a in "$@"; do printf '%s\\037' "$a"; done >> "$d/${tool}.rec"
printf '\\036' >> "$d/${tool}.rec"
[ -f "$d/${tool}.out" ] && cat "$d/${tool}.out"
[ -f "$d/${tool}.err" ] && cat "$d/${tool}.err" >&2
[ -f "$d/${tool}.code" ] && exit "$(cat "$d/${tool}.code")"
exit 0
`;
    writeFileSync(join(dir, tool), script);
    chmodSync(join(dir, tool), 0o755);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  for (const tool of TOOLS) {
    for (const ext of ['rec', 'out', 'err', 'code'])
      rmSync(join(dir, `${tool}.${ext}`), { force: true });
  }
});

const env = () => ({ PATH: `${dir}${delimiter}${process.env['PATH'] ?? ''}` });
const tools = () => new ProcessHookTools({ env: env(), redactor: new Redactor() });
const canned = (tool: string, out: string, code?: number, err?: string) => {
  writeFileSync(join(dir, `${tool}.out`), out);
  if (code !== undefined) writeFileSync(join(dir, `${tool}.code`), String(code));
  if (err !== undefined) writeFileSync(join(dir, `${tool}.err`), err);
};
const calls = (tool: string): string[][] => {
  const path = join(dir, `${tool}.rec`);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\u001e')
    .filter((c) => c !== '')
    .map((c) => c.split('\u001f').filter((a, i, all) => i < all.length - 1 || a !== ''));
};

describe('action tools (jujuc/action-*.go)', () => {
  it('action-get --format=json gives every param, typed', () => {
    canned('action-get', '{"target":"/srv","count":3,"opts":{"fast":true}}\n');
    expect(tools().actionGet().unwrap()).toEqual({
      target: '/srv',
      count: 3,
      opts: { fast: true },
    });
    expect(calls('action-get')).toEqual([['--format=json']]);
  });

  it('action-set passes key=value pairs, dotted keys as Juju nests them', () => {
    tools().actionSet({ 'outfile.size': '10G', count: '3' }).unwrap();
    expect(calls('action-set')).toEqual([['outfile.size=10G', 'count=3']]);
  });

  it('action-set refuses a bad or reserved key before running the tool, naming it', () => {
    const bad = tools().actionSet({ Size: '1' });
    expect(bad.isErr() && bad.error.kind).toBe('bad-arguments');
    expect(bad.isErr() && bad.error.message).toMatch(/key "Size" must start and end/);
    const reserved = tools().actionSet({ 'x.stderr': '1' });
    expect(reserved.isErr() && reserved.error.message).toMatch(
      /cannot set reserved action key "stderr"/,
    );
    expect(calls('action-set')).toEqual([]);
  });

  it('action-fail and action-log pass the message after -- (a message may start with a dash)', () => {
    const t = tools();
    t.actionFail('-1 rows: the target is full').unwrap();
    t.actionLog('copying 3 files').unwrap();
    expect(calls('action-fail')).toEqual([['--', '-1 rows: the target is full']]);
    expect(calls('action-log')).toEqual([['--', 'copying 3 files']]);
  });

  it('action-fail redacts secrets the tools have seen', () => {
    const redactor = new Redactor();
    redactor.add('hunter2-password');
    new ProcessHookTools({ env: env(), redactor })
      .actionFail('login hunter2-password refused')
      .unwrap();
    expect(calls('action-fail')[0]?.join(' ')).not.toContain('hunter2');
  });

  it('reports "not running an action" as a failure value', () => {
    canned('action-get', '', 1, 'ERROR not running an action\n');
    const got = tools().actionGet();
    expect(got.isErr() && got.error.message).toBe('action-get: not running an action');
  });
});

describe('secret metadata (jujuc/secret-info-get.go, secret-ids.go)', () => {
  it('secret-info-get by id parses {<id>: {revision, label, owner, ...}}', () => {
    canned(
      'secret-info-get',
      '{"cj4v2vn8o2ac74bm8hfg":{"revision":2,"label":"pw","owner":"application","rotation":"daily","rotates":"2026-12-01T00:00:00Z"}}',
    );
    const info = tools().secretInfoGet('secret:cj4v2vn8o2ac74bm8hfg').unwrap();
    expect(info).toEqual({
      id: 'cj4v2vn8o2ac74bm8hfg',
      revision: 2,
      label: 'pw',
      owner: 'application',
      rotation: 'daily',
      rotates: '2026-12-01T00:00:00Z',
    });
    expect(calls('secret-info-get')).toEqual([['--format=json', 'secret:cj4v2vn8o2ac74bm8hfg']]);
  });

  it('secret-info-get by label uses --label', () => {
    canned(
      'secret-info-get',
      '{"cj4v2vn8o2ac74bm8hfg":{"revision":1,"label":"pw","owner":"unit"}}',
    );
    tools().secretInfoGet('pw').unwrap();
    expect(calls('secret-info-get')).toEqual([['--format=json', '--label', 'pw']]);
  });

  it('refuses secret-info-get output that is not one secret', () => {
    canned('secret-info-get', '{"a":{"revision":1},"b":{"revision":2}}');
    const got = tools().secretInfoGet('pw');
    expect(got.isErr() && got.error.kind).toBe('bad-output');
  });

  it('secret-ids lists ids', () => {
    canned('secret-ids', '["cj4v2vn8o2ac74bm8hfg"]');
    expect(tools().secretIds().unwrap()).toEqual(['cj4v2vn8o2ac74bm8hfg']);
  });
});

describe('storage and resources (jujuc/storage-*.go, resource-get.go)', () => {
  it('storage-get -s <id> parses kind and location; without an id, asks for the hook storage', () => {
    canned('storage-get', '{"kind":"filesystem","location":"/srv/data"}');
    const t = tools();
    expect(t.storageGet('data/0').unwrap()).toEqual({ kind: 'filesystem', location: '/srv/data' });
    t.storageGet().unwrap();
    expect(calls('storage-get')).toEqual([['--format=json', '-s', 'data/0'], ['--format=json']]);
  });

  it('storage-list [name] lists storage ids', () => {
    canned('storage-list', '["data/0","data/1"]');
    expect(tools().storageList('data').unwrap()).toEqual(['data/0', 'data/1']);
    expect(calls('storage-list')).toEqual([['--format=json', 'data']]);
  });

  it('storage-add takes <name>=<count>, refusing a count that is not positive', () => {
    const t = tools();
    t.storageAdd({ data: 2 }).unwrap();
    expect(calls('storage-add')).toEqual([['data=2']]);
    const bad = t.storageAdd({ data: 0 });
    expect(bad.isErr() && bad.error.kind).toBe('bad-arguments');
  });

  it('resource-get prints a path (no --format flag)', () => {
    canned('resource-get', '/var/lib/juju/agents/unit-mysql-0/resources/mysql-shell/mysqlsh.deb');
    expect(tools().resourceGet('mysql-shell').unwrap()).toBe(
      '/var/lib/juju/agents/unit-mysql-0/resources/mysql-shell/mysqlsh.deb',
    );
    expect(calls('resource-get')).toEqual([['mysql-shell']]);
  });
});

describe('port ranges (jujuc/ports.go, opened-ports.go)', () => {
  it('open-port and close-port take <from>-<to>/<protocol>, icmp, and --endpoints', () => {
    const t = tools();
    t.openPortRange({ from: 8000, to: 8099, protocol: 'udp' }).unwrap();
    t.openPortRange(
      { from: 3306, to: 3306, protocol: 'tcp' },
      { endpoints: ['db', 'cluster'] },
    ).unwrap();
    t.closePortRange({ from: -1, to: -1, protocol: 'icmp' }).unwrap();
    expect(calls('open-port')).toEqual([
      ['8000-8099/udp'],
      ['--endpoints', 'db,cluster', '3306/tcp'],
    ]);
    expect(calls('close-port')).toEqual([['icmp']]);
  });

  it.each([
    [{ from: 90, to: 80, protocol: 'tcp' as const }, /expected fromPort <= toPort/],
    [{ from: 0, to: 80, protocol: 'tcp' as const }, /fromPort must be in the range \[1, 65535\]/],
    [{ from: 80, to: 70000, protocol: 'udp' as const }, /toPort must be in the range/],
  ])("refuses %j with Juju's words, before running the tool", (range, message) => {
    const got = tools().openPortRange(range);
    expect(got.isErr() && got.error.message).toMatch(message);
    expect(calls('open-port')).toEqual([]);
  });

  it('opened-ports parses ports, ranges and icmp', () => {
    canned('opened-ports', '["80/tcp","8000-8099/udp","icmp"]');
    expect(tools().openedPorts().unwrap()).toEqual([
      { from: 80, to: 80, protocol: 'tcp' },
      { from: 8000, to: 8099, protocol: 'udp' },
      { from: -1, to: -1, protocol: 'icmp' },
    ]);
  });

  it('refuses opened-ports output it cannot read', () => {
    canned('opened-ports', '["eighty"]');
    const got = tools().openedPorts();
    expect(got.isErr() && got.error.kind).toBe('bad-output');
  });
});

describe('add-metric (jujuc/add-metric.go)', () => {
  it('passes key=value pairs', () => {
    tools().addMetric({ users: '3', 'queries-per-second': '1.5' }).unwrap();
    expect(calls('add-metric')).toEqual([['users=3', 'queries-per-second=1.5']]);
  });
});

describe('an action through main(), as Juju runs it (JUJU_DISPATCH_PATH=actions/<name>)', () => {
  const actions = parseActions(
    'backup:\n  params:\n    target: {type: string}\n  required: [target]\n',
    'actions.yaml',
  );
  const charm = () => {
    const c = new Charm({ metadata: { name: 'demo', endpoints: [], actions } });
    c.action<{ target: string }>('backup').run((_rt, action) => {
      action.log(`to ${action.params.target}`);
      action.set({ backup: { target: action.params.target, files: 3 } });
    });
    return c;
  };
  const run = async (name: string) => {
    const charmDir = mkdtempSync(join(tmpdir(), 'action-charm-'));
    const before = process.exitCode;
    try {
      const result = await main(charm(), {
        ...env(),
        JUJU_UNIT_NAME: 'demo/0',
        JUJU_CHARM_DIR: charmDir,
        JUJU_DISPATCH_PATH: `actions/${name}`,
        JUJU_ACTION_NAME: name,
        JUJU_ACTION_UUID: '1',
      });
      return { result, exitCode: process.exitCode };
    } finally {
      process.exitCode = before;
      rmSync(charmDir, { recursive: true, force: true });
    }
  };

  it('reads params with action-get, reports progress and results, exits 0', async () => {
    canned('action-get', '{"target":"/srv"}');
    const { exitCode, result } = await run('backup');
    expect(exitCode).toBe(0);
    expect(result?.action?.status).toBe('completed');
    expect(calls('action-log')).toEqual([['--', 'to /srv']]);
    expect(calls('action-set')).toEqual([['backup.files=3', 'backup.target=/srv']]);
    expect(calls('action-fail')).toEqual([]);
  });

  it('fails invalid params with action-fail naming the param, and runs no handler', async () => {
    canned('action-get', '{}');
    const { exitCode } = await run('backup');
    expect(exitCode).toBe(0);
    expect(calls('action-fail')).toEqual([
      ['--', 'action backup was given invalid params: param "target" is required'],
    ]);
    expect(calls('action-set')).toEqual([]);
  });

  it('fails an unknown action with action-fail and a non-zero exit', async () => {
    const { exitCode } = await run('restore');
    expect(exitCode).toBe(1);
    expect(calls('action-fail')[0]?.[1]).toMatch(/^unknown action restore/);
    expect(calls('juju-log')[0]).toContain('ERROR');
  });
});
