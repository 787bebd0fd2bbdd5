// One hook of a real charm as a real process: the tiny fixture charm is bundled, then run
// with the simulator's own hook tools on PATH (ToolHost, backed by a model of two peers),
// exactly as a Juju unit agent would run its dispatch.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Charm } from '../../src/charm/charm.js';
import { readMetadata } from '../../src/juju/metadata.js';
import { STATE_FILE_NAME } from '../../src/state/file-store.js';
import { bundleCharmEntry } from '../../src/testing/charm-dir.js';
import { Model } from '../../src/testing/model.js';
import { ToolHost } from '../../src/testing/process/tool-host.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const charmDir = here('../fixtures/tiny-charm');
let bundleDir: string;
let bundle: string;

beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), 'tiny-bundle-'));
  // The project's one bundler, as `juju-reactive pack` and the simulator use it.
  const bundled = await bundleCharmEntry({
    entry: join(charmDir, 'main.ts'),
    outdir: join(bundleDir, 'dist'),
  });
  bundle = bundled.start;
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

let stateDir: string;

/** tiny/0 (leader) and tiny/1 in a settled model; tiny/1 has published its greeting. */
async function freshWorld(): Promise<{ model: Model; host: ToolHost }> {
  stateDir = mkdtempSync(join(tmpdir(), 'tiny-unit-'));
  // The charm dir holds metadata.yaml; the state file is written next to it.
  spawnSync('cp', [join(charmDir, 'metadata.yaml'), stateDir]);
  const model = new Model();
  // A charm with no handlers: the model only holds the world the hook process sees.
  await model.deploy('tiny', { charm: new Charm(), metadata: readMetadata(charmDir), units: 2 });
  await model.settle();
  model.setRelationData('tiny/1', 'cluster', { greeting: '"hello from tiny/1"' });
  await model.settle();
  return { model, host: await ToolHost.start(model) };
}

function runHook(host: ToolHost, extraEnv: Record<string, string> = {}) {
  return host.runHook(
    'tiny/0',
    { hook: 'cluster-relation-changed', relationId: 'cluster:0', remoteUnit: 'tiny/1' },
    process.execPath,
    [bundle],
    { charmDir: stateDir, env: extraEnv },
  );
}

describe('a hook run as a real process', () => {
  it('makes exactly the expected hook-tool calls and commits relation data, leader settings and state', async () => {
    const { model, host } = await freshWorld();
    try {
      const run = await runHook(host);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const calls = host.calls().map((c) => [c.tool, ...c.args].join(' '));
      expect(calls).toEqual([
        'is-leader --format=json',
        'leader-get --format=json',
        'relation-get --format=json -r cluster:0 - tiny/1',
        // No relation-ids: a peer endpoint's relation is the hook's own, JUJU_RELATION_ID
        // (juju/juju worker/uniter/runner/context/context.go, HookVars).
        'relation-list --format=json -r cluster:0',
        'status-set -- active ready',
        'relation-get --format=json -r cluster:0 - tiny/0',
        'relation-set -r cluster:0 --file -',
        'leader-set token=token-1',
      ]);
      expect(host.calls().find((c) => c.tool === 'relation-set')?.stdin).toBe(
        '"greeting": "\\"hello from tiny/0\\""\n',
      );
      // Committed to the model, since the hook exited 0.
      expect(run.committed).toBe(true);
      expect(model.relationData('cluster:0', 'tiny/0')['greeting']).toBe('"hello from tiny/0"');
      expect(model.leaderSettings('tiny')).toEqual({ token: 'token-1' });
      const state = JSON.parse(readFileSync(join(stateDir, STATE_FILE_NAME), 'utf8'));
      expect(state.flags).toContain('tiny.published');
      expect(state.data.greetings).toEqual(['hello from tiny/1']);
    } finally {
      await host.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('writes nothing and exits 1 when a handler throws, logging the handler at ERROR', async () => {
    const { model, host } = await freshWorld();
    try {
      const run = await runHook(host, { TINY_FAIL: 'remember' });
      expect(run.status).toBe(1);
      expect(model.relationData('cluster:0', 'tiny/0')['greeting']).toBeUndefined();
      const tools = host.calls().map((c) => c.tool);
      expect(tools).not.toContain('relation-set');
      expect(tools).not.toContain('leader-set');
      const error = host.calls().find((c) => c.tool === 'juju-log');
      expect(error?.args.slice(0, 2)).toEqual(['-l', 'ERROR']);
      expect(error?.args.join(' ')).toMatch(
        /handler rememberGreetings: injected failure in rememberGreetings/,
      );
      expect(existsSync(join(stateDir, STATE_FILE_NAME))).toBe(false);
    } finally {
      await host.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('outside Juju, fails with one clear message and no stack trace', () => {
    const run = spawnSync(process.execPath, [bundle], {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/JUJU_UNIT_NAME is not set/);
  });
});
