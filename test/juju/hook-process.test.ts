// One hook of a real charm as a real process: the tiny fixture charm is bundled, then run
// with the fake hook tools on PATH, exactly as a Juju unit agent would run its dispatch.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE_FILE_NAME } from '../../src/state/file-store.js';
import { bundleCharmEntry } from '../../src/testing/charm-dir.js';
import { createFakeJuju, type FakeJuju } from '../fixtures/fake-juju/index.js';

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

function runHook(
  fake: FakeJuju,
  hook: Record<string, string>,
  extraEnv: Record<string, string> = {},
) {
  const env = {
    ...fake.env,
    JUJU_UNIT_NAME: 'tiny/0',
    JUJU_CHARM_DIR: stateDir,
    JUJU_MODEL_NAME: 'test',
    JUJU_VERSION: '3.6.0',
    ...hook,
    ...extraEnv,
  };
  return spawnSync(process.execPath, [bundle], { env, encoding: 'utf8' });
}

let stateDir: string;

function freshWorld(): FakeJuju {
  stateDir = mkdtempSync(join(tmpdir(), 'tiny-unit-'));
  // The charm dir holds metadata.yaml; the state file is written next to it.
  spawnSync('cp', [join(charmDir, 'metadata.yaml'), stateDir]);
  return createFakeJuju({
    unit: 'tiny/0',
    leader: true,
    relations: {
      'cluster:0': {
        endpoint: 'cluster',
        app: 'tiny',
        units: { 'tiny/1': { greeting: '"hello from tiny/1"' } },
      },
    },
  });
}

const changedHook = {
  JUJU_HOOK_NAME: 'cluster-relation-changed',
  JUJU_RELATION: 'cluster',
  JUJU_RELATION_ID: 'cluster:0',
  JUJU_REMOTE_UNIT: 'tiny/1',
  JUJU_REMOTE_APP: 'tiny',
};

describe('a hook run as a real process', () => {
  it('makes exactly the expected hook-tool calls and commits relation data, leader settings and state', () => {
    const fake = freshWorld();
    try {
      const run = runHook(fake, changedHook);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const calls = fake.calls().map((c) => [c.tool, ...c.argv].join(' '));
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
      expect(fake.calls().find((c) => c.tool === 'relation-set')?.stdin).toBe(
        '"greeting": "\\"hello from tiny/0\\""\n',
      );
      const state = JSON.parse(readFileSync(join(stateDir, STATE_FILE_NAME), 'utf8'));
      expect(state.flags).toContain('tiny.published');
      expect(state.data.greetings).toEqual(['hello from tiny/1']);
    } finally {
      fake.cleanup();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('writes nothing and exits 1 when a handler throws, logging the handler at ERROR', () => {
    const fake = freshWorld();
    try {
      const run = runHook(fake, changedHook, { TINY_FAIL: 'remember' });
      expect(run.status).toBe(1);
      const tools = fake.calls().map((c) => c.tool);
      expect(tools).not.toContain('relation-set');
      expect(tools).not.toContain('leader-set');
      const error = fake.calls().find((c) => c.tool === 'juju-log');
      expect(error?.argv.slice(0, 2)).toEqual(['-l', 'ERROR']);
      expect(error?.argv.join(' ')).toMatch(
        /handler rememberGreetings: injected failure in rememberGreetings/,
      );
      expect(existsSync(join(stateDir, STATE_FILE_NAME))).toBe(false);
    } finally {
      fake.cleanup();
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
