// What a packed hook process loads: the example's leader cluster-relation-changed (the hook
// `npm run bench` times), run by its dispatch with the fake hook tools, loads none of the Node
// builtins it has no use for. Each cost every hook its load time: node:crypto (~5 ms, with
// streams), node:perf_hooks (~1.5 ms), node:module and the ES-module loader (~0.5 ms),
// node:child_process and node:net (~4 ms), node:os (~0.4 ms).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHARM_DIR } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { packCharm } from '../../src/cli/pack.js';
import { type HookRig, hookRig, settledWorld } from '../bench/hook-world.js';
import { timeProcess } from '../bench/measure.js';

const UNNEEDED = [
  'crypto',
  'perf_hooks',
  'module',
  'internal/modules/esm/loader',
  'child_process',
  'net',
  'stream',
  'os',
];

let root: string;
let packedDir: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'jr-hook-start-'));
  const packed = await packCharm({
    charmDir: CHARM_DIR,
    entry: 'src/main-simulated.ts',
    outDir: join(root, 'packed'),
  });
  packedDir = packed.outDir;
}, 120_000);
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Run the hook once through its dispatch; the builtins it loaded, and its tool calls. */
async function runHook(rig: HookRig): Promise<{ loaded: string[]; tools: string[] }> {
  const preload = join(root, 'loaded.cjs');
  const out = join(root, 'loaded.json');
  writeFileSync(
    preload,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.moduleLoadList)));\n`,
  );
  rig.restore();
  rig.resetCalls();
  const run = await timeProcess({
    command: join(rig.unitDir, 'dispatch'),
    env: { ...rig.env, NODE_OPTIONS: `--require ${preload}` },
    cwd: rig.unitDir,
  });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  const list = JSON.parse(readFileSync(out, 'utf8')) as string[];
  return {
    loaded: list.flatMap((m) => (m.startsWith('NativeModule ') ? [m.slice(13)] : [])),
    tools: rig.calls().map((call) => call.split(' ')[0] ?? ''),
  };
}

describe("the packed example's leader cluster-relation-changed", () => {
  // At 32 peers too: what a hook hashes (leader settings, peer digests) grows with the peers,
  // and past the first few KiB sha256Hex loads node:crypto.
  it.each([2, 32])(
    'does its work at %i peers without loading crypto, perf_hooks, module, child_process, net, streams or os',
    async (peers) => {
      const world = await settledWorld(peers + 1, 11);
      const rig = await hookRig(world, packedDir, join(root, `unit-${peers}`));
      try {
        for (const run of ['without its code cache', 'with it']) {
          const { loaded, tools } = await runHook(rig);
          expect(tools, run).toEqual(world.modelCalls);
          expect(loaded, run).toContain('vm');
          expect(
            loaded.filter((m) => UNNEEDED.includes(m)),
            run,
          ).toEqual([]);
        }
      } finally {
        await rig.close();
      }
    },
    120_000,
  );
});
