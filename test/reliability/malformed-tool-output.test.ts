// Malformed hook-tool output and a bad environment. Beyond test/juju/process-hook-tools.test.ts
// (which checks a few tools' shapes and exit-code kinds): every HookTools method, against
// every way a tool can misbehave, gives a typed HookToolError (never a raw exception, never
// the tool's output quoted back); a charm hook that hits one fails cleanly (exit 1, one
// ERROR log line naming the tool, nothing committed); and the process entry point answers a
// bad environment with one clear line, while a hook name it does not know still runs.
// The fake tools here are one /bin/sh script (a few ms per call), not the simulator's tool host (src/testing/process/tool-host.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import type { Result } from 'ts-results-es';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { Endpoint } from '../../src/endpoints/endpoint.js';
import { HookToolError, type HookToolErrorKind } from '../../src/juju/hook-tool-error.js';
import type { HookTools } from '../../src/juju/hook-tools.js';
import { ProcessHookTools } from '../../src/juju/process-hook-tools.js';
import { STATE_FILE_NAME } from '../../src/state/file-store.js';
import { HOOK_TOOL_NAMES } from '../../src/testing/process/tool-commands.js';
import { hookHarness, peerMetadata } from '../helpers/hook.js';
import { StubHookTools, stubWorld } from '../helpers/stub-tools.js';

const LEAK = 'pw-LEAK-7f3a9';

// One script for every tool: log the call, then either misbehave (the tool named in
// FAKE_BREAK_TOOL) or answer as a quiet peer relation of a ledger unit would.
const SCRIPT = `#!/bin/sh
tool=\${0##*/}
printf '%s %s\\n' "$tool" "$*" >> "$FAKE_LOG"
if [ "$tool" = "$FAKE_BREAK_TOOL" ]; then
  cat > /dev/null
  printf '%s' "$FAKE_BREAK_OUT"
  printf '%s' "$FAKE_BREAK_ERR" >&2
  exit "\${FAKE_BREAK_CODE:-0}"
fi
case "$tool" in
  relation-ids) echo '["cluster:0"]' ;;
  relation-list) case "$*" in *--app*) echo '"ledger"' ;; *) echo '["ledger/1"]' ;; esac ;;
  relation-get) echo '{"gen":"7"}' ;;
  config-get) echo '{"note":"first"}' ;;
  state-get) echo '{}' ;;
  is-leader) echo 'true' ;;
  leader-get) echo '{}' ;;
  *) cat > /dev/null ;;
esac
exit 0
`;

let root: string;
let binDir: string;
let logPath: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'jr-malformed-'));
  binDir = join(root, 'bin');
  logPath = join(root, 'calls.log');
  mkdirSync(binDir);
  for (const tool of HOOK_TOOL_NAMES) writeFileSync(join(binDir, tool), SCRIPT, { mode: 0o755 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Breakage {
  readonly out?: string;
  readonly err?: string;
  readonly code?: number;
}

function toolEnv(tool: string, breakage: Breakage): NodeJS.ProcessEnv {
  return {
    PATH: [binDir, process.env['PATH'] ?? ''].join(delimiter),
    FAKE_LOG: logPath,
    FAKE_BREAK_TOOL: tool,
    FAKE_BREAK_OUT: breakage.out ?? '',
    FAKE_BREAK_ERR: breakage.err ?? '',
    FAKE_BREAK_CODE: String(breakage.code ?? 0),
  };
}

type Call = (t: HookTools) => Result<unknown, HookToolError>;

/** Every HookTools method, the tool it runs, and output of the wrong shape when it parses some. */
const METHODS: readonly { name: string; tool: string; call: Call; wrongShape?: string }[] = [
  {
    name: 'relationIds',
    tool: 'relation-ids',
    call: (t) => t.relationIds('cluster'),
    wrongShape: '{"cluster:0":1}',
  },
  {
    name: 'relationList',
    tool: 'relation-list',
    call: (t) => t.relationList('cluster:0'),
    wrongShape: '[1,2]',
  },
  {
    name: 'relationListApp',
    tool: 'relation-list',
    call: (t) => t.relationListApp('cluster:0'),
    wrongShape: '["ledger"]',
  },
  {
    name: 'relationGet',
    tool: 'relation-get',
    call: (t) => t.relationGet('cluster:0', 'ledger/1'),
    wrongShape: '{"gen":7}',
  },
  {
    name: 'relationGetKey',
    tool: 'relation-get',
    call: (t) => t.relationGetKey('cluster:0', 'ledger/1', 'gen'),
    wrongShape: '{"gen":"7"}',
  },
  {
    name: 'relationSet',
    tool: 'relation-set',
    call: (t) => t.relationSet('cluster:0', { gen: '8' }),
  },
  {
    name: 'networkGet',
    tool: 'network-get',
    call: (t) => t.networkGet('cluster'),
    wrongShape: '{"bind-addresses":"eth0"}',
  },
  {
    name: 'networkGetIngressAddress',
    tool: 'network-get',
    call: (t) => t.networkGetIngressAddress('cluster'),
    wrongShape: '["10.0.0.1"]',
  },
  {
    name: 'unitGet',
    tool: 'unit-get',
    call: (t) => t.unitGet('private-address'),
    wrongShape: '10',
  },
  { name: 'configGet', tool: 'config-get', call: (t) => t.configGet(), wrongShape: '"note"' },
  { name: 'isLeader', tool: 'is-leader', call: (t) => t.isLeader(), wrongShape: '"true"' },
  {
    name: 'leaderGet',
    tool: 'leader-get',
    call: (t) => t.leaderGet(),
    wrongShape: '{"a":{"b":"c"}}',
  },
  { name: 'leaderSet', tool: 'leader-set', call: (t) => t.leaderSet({ a: 'b' }) },
  { name: 'jujuLog', tool: 'juju-log', call: (t) => t.jujuLog('hello', 'INFO') },
  { name: 'statusSet', tool: 'status-set', call: (t) => t.statusSet('active', 'ready') },
  {
    name: 'statusGet',
    tool: 'status-get',
    call: (t) => t.statusGet(),
    wrongShape: '{"status":"active","message":3}',
  },
  {
    name: 'statusGet (application)',
    tool: 'status-get',
    call: (t) => t.statusGet({ application: true }),
    wrongShape: '{"status":"active"}',
  },
  {
    name: 'applicationVersionSet',
    tool: 'application-version-set',
    call: (t) => t.applicationVersionSet('8.0'),
  },
  {
    name: 'goalState',
    tool: 'goal-state',
    call: (t) => t.goalState(),
    wrongShape: '{"units":{"ledger/0":"active"}}',
  },
  { name: 'openPort', tool: 'open-port', call: (t) => t.openPort(3306) },
  { name: 'closePort', tool: 'close-port', call: (t) => t.closePort(3306) },
  {
    name: 'secretAdd',
    tool: 'secret-add',
    call: (t) => t.secretAdd({ password: LEAK }),
    wrongShape: 'secret:a secret:b',
  },
  {
    name: 'secretGet',
    tool: 'secret-get',
    call: (t) => t.secretGet('secret:abc'),
    wrongShape: '{"password":["x"]}',
  },
  {
    name: 'secretSet',
    tool: 'secret-set',
    call: (t) => t.secretSet('secret:abc', { password: LEAK }),
  },
  {
    name: 'secretSet (metadata)',
    tool: 'secret-set',
    call: (t) => t.secretSet('secret:abc', {}, { label: 'l' }),
  },
  {
    name: 'secretGrant',
    tool: 'secret-grant',
    call: (t) => t.secretGrant('secret:abc', 'cluster:0'),
  },
  {
    name: 'secretRevoke',
    tool: 'secret-revoke',
    call: (t) => t.secretRevoke('secret:abc', 'cluster:0'),
  },
  { name: 'secretRemove', tool: 'secret-remove', call: (t) => t.secretRemove('secret:abc') },
  { name: 'stateGet', tool: 'state-get', call: (t) => t.stateGet(), wrongShape: '["a"]' },
  { name: 'stateSet', tool: 'state-set', call: (t) => t.stateSet({ a: 'b' }) },
  { name: 'stateDelete', tool: 'state-delete', call: (t) => t.stateDelete('a') },
];

const BREAKAGES: readonly {
  what: string;
  breakage: Breakage;
  kind: HookToolErrorKind;
  json?: boolean;
}[] = [
  {
    what: 'exits 1 saying why',
    breakage: { code: 1, err: 'ERROR connection is shut down\n' },
    kind: 'failed',
  },
  {
    what: 'exits 1 saying permission denied',
    breakage: { code: 1, err: 'ERROR permission denied\n' },
    kind: 'permission-denied',
  },
  {
    what: 'exits 2 (bad arguments)',
    breakage: { code: 2, err: 'ERROR flag provided but not defined\n' },
    kind: 'bad-arguments',
  },
  { what: 'exits 137 without a word', breakage: { code: 137 }, kind: 'failed' },
  {
    what: 'prints truncated JSON',
    breakage: { out: `{"password":"${LEAK}","gen":[1,` },
    kind: 'bad-output',
    json: true,
  },
  {
    what: 'prints text that is not JSON',
    breakage: { out: `password: ${LEAK}\n` },
    kind: 'bad-output',
    json: true,
  },
];

/** Call, and describe what came back: the error, or how it went wrong. */
function attempt(call: Call, tools: HookTools): HookToolError | string {
  let result: Result<unknown, HookToolError>;
  try {
    result = call(tools);
  } catch (error) {
    return `threw ${(error as Error)?.name}: ${(error as Error)?.message}`;
  }
  if (result.isOk()) return `succeeded with ${JSON.stringify(result.value)}`;
  return result.error instanceof HookToolError
    ? result.error
    : 'returned an error that is not a HookToolError';
}

describe('every hook tool, misbehaving', () => {
  it('gives a typed HookToolError, never a crash and never the output quoted back', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const method of METHODS) {
      const cases = [
        ...BREAKAGES,
        ...(method.wrongShape === undefined
          ? []
          : [
              {
                what: 'prints output of the wrong shape',
                breakage: { out: method.wrongShape },
                kind: 'bad-output' as const,
                json: true,
              },
            ]),
      ];
      for (const { what, breakage, kind, json } of cases) {
        // Tools that print nothing a caller reads cannot print the wrong thing.
        if (json && method.wrongShape === undefined) continue;
        const tools = new ProcessHookTools({ env: toolEnv(method.tool, breakage) });
        const got = attempt(method.call, tools);
        checked++;
        const label = `${method.name} when ${method.tool} ${what}`;
        if (typeof got === 'string') {
          wrong.push(`${label}: ${got}`);
          continue;
        }
        if (got.kind !== kind || got.tool !== method.tool)
          wrong.push(
            `${label}: ${got.kind} from ${got.tool}, expected ${kind} from ${method.tool}`,
          );
        if (got.message.includes(LEAK)) wrong.push(`${label}: the message quotes the output`);
        if (breakage.code) {
          if (got.exitCode !== breakage.code) wrong.push(`${label}: exit code ${got.exitCode}`);
          if (!breakage.err && !got.message.endsWith(`exited with code ${breakage.code}`))
            wrong.push(`${label}: says "${got.message}"`);
        }
      }
    }
    console.log(
      `malformed tool output: ${checked} misbehaving calls over ${METHODS.length} methods, ${wrong.length} not a typed HookToolError`,
    );
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(150);
  });
});

// ---- a charm hook that hits a misbehaving tool, as a real process ----

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
let bundle: string;
let unitDir: string;
beforeAll(() => {
  bundle = join(root, 'ledger.mjs');
  buildSync({
    entryPoints: [here('./fixtures/ledger-main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    alias: { 'juju-reactive': here('../../src/index.ts') },
    logLevel: 'silent',
    // Some CommonJS dependencies (yaml) call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  unitDir = join(root, 'unit');
  mkdirSync(unitDir);
  writeFileSync(
    join(unitDir, 'metadata.yaml'),
    'name: ledger\npeers:\n  cluster:\n    interface: ledger\n',
  );
});

const CHANGED = {
  JUJU_HOOK_NAME: 'cluster-relation-changed',
  JUJU_RELATION: 'cluster',
  JUJU_RELATION_ID: 'cluster:0',
  JUJU_REMOTE_UNIT: 'ledger/1',
  JUJU_REMOTE_APP: 'ledger',
};
const CONFIG_CHANGED = { JUJU_HOOK_NAME: 'config-changed' };

function runLedger(hook: Record<string, string>, tool: string, breakage: Breakage) {
  writeFileSync(logPath, '');
  const run = spawnSync(process.execPath, [bundle], {
    env: {
      ...toolEnv(tool, breakage),
      JUJU_UNIT_NAME: 'ledger/0',
      JUJU_CHARM_DIR: unitDir,
      JUJU_MODEL_NAME: 'test',
      ...hook,
    },
    encoding: 'utf8',
  });
  const calls = readFileSync(logPath, 'utf8').split('\n').filter(Boolean);
  return {
    status: run.status,
    stderr: run.stderr,
    calls,
    tools: calls.map((c) => c.split(' ')[0]),
  };
}

describe('a charm hook that hits a misbehaving tool', () => {
  it('runs clean when no tool misbehaves (the baseline the cases below break)', () => {
    const run = runLedger(CONFIG_CHANGED, 'none', {});
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.tools).toContain('relation-set');
    expect(run.tools).toContain('state-set');
  });

  it.each([
    ['relation-get prints truncated JSON', CHANGED, 'relation-get', { out: `{"gen":"${LEAK}` }],
    // In config-changed: a peer endpoint's own relation hook asks no relation-ids (JUJU_RELATION_ID).
    [
      'relation-ids prints the wrong shape',
      CONFIG_CHANGED,
      'relation-ids',
      { out: '{"cluster:0":true}' },
    ],
    [
      'relation-list exits 1',
      CHANGED,
      'relation-list',
      { code: 1, err: 'ERROR relation not found\n' },
    ],
    [
      'state-get prints text',
      CONFIG_CHANGED,
      'state-get',
      { out: `juju-reactive.state.0: ${LEAK}` },
    ],
    [
      'state-get exits 1',
      CONFIG_CHANGED,
      'state-get',
      { code: 1, err: 'ERROR connection is shut down\n' },
    ],
    ['config-get prints truncated JSON', CONFIG_CHANGED, 'config-get', { out: '{"note":' }],
    [
      'relation-set fails at commit',
      CONFIG_CHANGED,
      'relation-set',
      { code: 1, err: 'ERROR permission denied\n' },
    ],
  ] as const)(
    'fails cleanly when %s: exit 1, one ERROR line naming the tool, nothing committed',
    (_what, hook, tool, breakage) => {
      const run = runLedger(hook, tool, breakage);
      expect(run.status).toBe(1);
      const errors = run.calls.filter((c) => c.startsWith('juju-log -l ERROR'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`${tool}: `);
      expect(errors[0]).not.toContain(LEAK);
      // Nothing committed: no unit state written, and no relation data unless the failure
      // came after it (Juju discards the relation-set of a hook that exits 1).
      expect(run.tools).not.toContain('state-set');
      if (tool !== 'relation-set') expect(run.tools).not.toContain('relation-set');
      expect(run.stderr).toBe('');
    },
  );

  it('fails cleanly when state-set fails: exit 1, and Juju drops the relation-set made before it', () => {
    const run = runLedger(CONFIG_CHANGED, 'state-set', { code: 1, err: 'ERROR quota exceeded\n' });
    expect(run.status).toBe(1);
    const errors = run.calls.filter((c) => c.startsWith('juju-log -l ERROR'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('cannot write unit state: state-set: quota exceeded');
  });

  it('still succeeds when juju-log itself fails, writing the line to stderr instead', () => {
    const run = runLedger(CONFIG_CHANGED, 'juju-log', { code: 1, err: 'ERROR cannot log\n' });
    expect(run.status).toBe(0);
    expect(run.tools).toContain('state-set');
    expect(run.stderr).toContain('ledger: committed');
  });
});

// ---- the environment ----

describe('a bad environment', () => {
  const good = { JUJU_UNIT_NAME: 'ledger/0', JUJU_HOOK_NAME: 'update-status', JUJU_CHARM_DIR: '' };

  it.each([
    [
      'no hook name',
      { JUJU_HOOK_NAME: '' },
      /^juju-reactive: neither JUJU_HOOK_NAME nor JUJU_DISPATCH_PATH is set: /,
    ],
    [
      'a malformed unit name',
      { JUJU_UNIT_NAME: 'Ledger-0' },
      /^juju-reactive: JUJU_UNIT_NAME is "Ledger-0": expected/,
    ],
    [
      'a malformed relation id',
      { JUJU_RELATION_ID: 'cluster' },
      /^juju-reactive: JUJU_RELATION_ID is "cluster": expected/,
    ],
    [
      'no charm dir',
      { JUJU_CHARM_DIR: '' },
      /^juju-reactive: neither JUJU_CHARM_DIR nor CHARM_DIR is set: /,
    ],
    ['a charm dir without metadata', { JUJU_CHARM_DIR: 'MISSING' }, /^juju-reactive: .*metadata/],
  ] as const)(
    'with %s, exits 1 with one clear line and no stack trace',
    (_what, change, message) => {
      const env: Record<string, string> = {
        PATH: [binDir, process.env['PATH'] ?? ''].join(delimiter),
        FAKE_LOG: logPath,
        ...good,
        JUJU_CHARM_DIR: unitDir,
        ...change,
      };
      if (env['JUJU_CHARM_DIR'] === 'MISSING') env['JUJU_CHARM_DIR'] = join(root, 'no-such-charm');
      for (const [k, v] of Object.entries(env)) if (v === '') delete env[k];
      const run = spawnSync(process.execPath, [bundle], { env, encoding: 'utf8' });
      expect(run.status).toBe(1);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('runs a hook whose name it does not know, as a process (Juju may add hooks)', () => {
    const run = runLedger({ JUJU_HOOK_NAME: 'pre-refresh' }, 'none', {});
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.tools).toContain('state-set');
    expect(existsSync(join(unitDir, STATE_FILE_NAME))).toBe(false); // the Juju store, not the file
  });

  it('runs an unknown hook like any other: every handler but unmatched hook() ones', async () => {
    const ran: string[] = [];
    class Peers extends Endpoint {
      static override readonly interfaceName = 'mysql-innodb-cluster';
    }
    const charm = new Charm().endpoint(Peers);
    charm.hook('install').run(function onInstall() {
      ran.push('install');
    });
    charm.hook('*').run(function onAnyHook() {
      ran.push('any hook');
    });
    charm.hook('pre-*').run(function onPreHooks() {
      ran.push('pre-*');
    });
    charm.when('endpoint.cluster.joined').run(function whenJoined() {
      ran.push('joined');
    });
    charm.handler({ id: 'always' }, () => {
      ran.push('always');
    });
    const world = stubWorld({
      relations: { 'cluster:0': { endpoint: 'cluster', app: 'mysql', units: { 'mysql/1': {} } } },
    });
    const h = hookHarness(charm, { tools: new StubHookTools(world), metadata: peerMetadata() });
    for (const hookName of ['pre-refresh', 'cluster-relation-exploded', 'backup']) {
      ran.length = 0;
      const result = await h.run({
        hookName,
        ...(hookName.startsWith('cluster-')
          ? { relation: { name: 'cluster', id: 'cluster:0' }, remoteUnit: 'mysql/1' }
          : {}),
      });
      expect(result.ok, result.error).toBe(true);
      expect(ran).toEqual([
        'any hook',
        ...(hookName.startsWith('pre-') ? ['pre-*'] : []),
        'joined',
        'always',
      ]);
    }
  });
});
