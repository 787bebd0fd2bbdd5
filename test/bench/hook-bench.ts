// The hook-process part of `npm run bench`: the PACKED example's cluster-relation-changed on
// the leader at several peer counts, steady and cold, against `node -e ''`, every process in
// the environment a unit agent gives a hook (measure.ts, unitAgentEnv), all interleaved in one
// run. A measurement, not a test.
//   steady: the unit dir has its code cache and the unit state the model left before the hook
//           (the leader's last cluster-relation-changed of the settle: it does real work).
//   cold:   the same hook on a fresh unit dir (no code cache of its own: the first hook of its
//           kind runs from the cache `pack` shipped, src/pack/start-file.ts).
//   learning: that hook again on that unit dir, from the same state: the second hook of a kind
//           compiles what it runs and writes the unit's own cache (once per kind in a unit's life).
//   idle:   the same hook again on the state it left: a settled cluster, nothing to do.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STATE_FILE_NAME } from '../../src/state/file-store.js';
import type { StateSnapshot } from '../../src/state/store.js';
import { type HookRig, hookRig, type SettledWorld, settledWorld } from './hook-world.js';
import {
  peakRssMiB,
  type RunSpec,
  type Stats,
  stats,
  timeProcess,
  unitAgentEnv,
} from './measure.js';

export interface HookBenchOptions {
  readonly root: string;
  /** The packed example (simulated backend entry). */
  readonly packedDir: string;
  readonly peerCounts: readonly number[];
  readonly runs: number;
  readonly coldRuns: number;
  readonly rssRuns: number;
  readonly spyRuns: number;
  readonly seed: number;
  readonly log: (line: string) => void;
}

export interface HookCaseResult {
  readonly peers: number;
  readonly hook: string;
  readonly handlers: readonly string[];
  readonly steady: Stats;
  readonly cold: Stats;
  readonly learning: Stats;
  readonly idle: Stats;
  /** Median of hook / node over the interleaved pairs. */
  readonly steadyRatio: number;
  readonly coldRatio: number;
  readonly learningRatio: number;
  readonly idleRatio: number;
  readonly steadyCalls: readonly string[];
  readonly coldCalls: readonly string[];
  /** The same hook again on the state it left (no peer data changed). */
  readonly repeatCalls: readonly string[];
  /** All of the hook's tool calls, timed inside the hook (spawnSync, a preload). */
  readonly inHookToolsMs: number;
  readonly rssMiB?: Stats;
}

export interface HookBenchResult {
  readonly node: Stats;
  readonly nodeRssMiB?: Stats;
  readonly cases: readonly HookCaseResult[];
  readonly toolClient: string;
}

interface Case {
  readonly peers: number;
  readonly world: SettledWorld;
  readonly rig: HookRig;
  readonly spec: RunSpec;
  readonly coldState: StateSnapshot;
  idleState: StateSnapshot;
  steadyCalls: readonly string[];
  coldCalls: readonly string[];
  repeatCalls: readonly string[];
}

const NODE = process.execPath;

async function mustRun(spec: RunSpec, what: string): Promise<number> {
  const run = await timeProcess(spec);
  if (run.exitCode !== 0) throw new Error(`${what} failed: ${run.stderr}`);
  return run.ms;
}

/**
 * A fresh copy of the packed charm (no code cache of its own) holding `state`: the hook's first
 * run there (cold), then, if `baseline` is given, a `node -e ''` and its second run from the
 * same state (learning). Times in ms.
 */
async function coldRun(
  c: Case,
  packedDir: string,
  root: string,
  k: number,
  baseline?: RunSpec,
): Promise<{ cold: number; learning?: { hook: number; node: number } }> {
  const fresh = join(root, `cold-${c.peers}-${k}`);
  cpSync(packedDir, fresh, { recursive: true });
  const spec: RunSpec = {
    command: join(fresh, 'dispatch'),
    env: { ...c.rig.env, JUJU_CHARM_DIR: fresh, CHARM_DIR: fresh },
    cwd: fresh,
  };
  const run = async (what: string) => {
    writeFileSync(join(fresh, STATE_FILE_NAME), JSON.stringify(c.coldState));
    c.rig.restore(c.coldState);
    return mustRun(spec, `the ${what} hook at ${c.peers} peers`);
  };
  try {
    const cold = await run('cold');
    if (baseline === undefined) return { cold };
    const node = await mustRun(baseline, "node -e ''");
    return { cold, learning: { hook: await run('learning'), node } };
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

async function prepare(opts: HookBenchOptions, peers: number): Promise<Case> {
  opts.log(`settling ${peers + 1} units in process for the ${peers}-peer hook`);
  const world = await settledWorld(peers + 1, opts.seed);
  const rig = await hookRig(world, opts.packedDir, opts.root, `unit-${peers}`);
  const c: Case = {
    peers,
    world,
    rig,
    spec: { command: join(rig.unitDir, 'dispatch'), env: rig.env, cwd: rig.unitDir },
    coldState: world.before.unitState,
    idleState: world.after.unitState,
    steadyCalls: [],
    coldCalls: [],
    repeatCalls: [],
  };
  // One recording run: the responder answers from the snapshot and keeps every reply.
  rig.restore();
  await mustRun(c.spec, `the hook at ${peers} peers`);
  c.steadyCalls = rig.calls();
  const state = JSON.parse(readFileSync(join(rig.unitDir, STATE_FILE_NAME), 'utf8'));
  const tools = (calls: readonly string[]) => calls.map((call) => call.split(' ')[0]);
  if (
    JSON.stringify(state) !== JSON.stringify(world.after.unitState) ||
    JSON.stringify(tools(c.steadyCalls)) !== JSON.stringify(world.modelCalls)
  ) {
    throw new Error(
      `the replayed hook at ${peers} peers differs from the model run: check test/bench/hook-world.ts\n` +
        `  calls:  ${tools(c.steadyCalls).join(', ')}\n  model:  ${world.modelCalls.join(', ')}`,
    );
  }
  rig.resetCalls();
  c.idleState = state;
  rig.restore(state);
  await mustRun(c.spec, `the repeated hook at ${peers} peers`);
  c.repeatCalls = rig.calls();
  rig.resetCalls();
  await coldRun(c, opts.packedDir, opts.root, -1);
  c.coldCalls = rig.calls();
  rig.freeze();
  return c;
}

/** Time inside the hook spent in tool calls (a preload times spawnSync; separate runs). */
async function inHookToolsMs(c: Case, root: string, runs: number): Promise<number> {
  const out = join(root, `spy-${c.peers}.json`);
  const spy = fileURLToPath(new URL('./tool-spy.cjs', import.meta.url));
  const totals: number[] = [];
  for (let i = 0; i < runs; i++) {
    c.rig.restore();
    await mustRun(
      { ...c.spec, env: { ...c.rig.env, NODE_OPTIONS: `--require ${spy}`, JR_BENCH_SPY_OUT: out } },
      'the spied hook',
    );
    const spied = JSON.parse(readFileSync(out, 'utf8')) as { ms: number }[];
    totals.push(spied.reduce((sum, call) => sum + call.ms, 0));
  }
  return stats(totals).median;
}

export async function hookBench(opts: HookBenchOptions): Promise<HookBenchResult> {
  const cases: Case[] = [];
  for (const peers of opts.peerCounts) cases.push(await prepare(opts, peers));
  const baseline: RunSpec = { command: NODE, args: ['-e', ''], env: unitAgentEnv() };
  const node: number[] = [];
  const steady = new Map<Case, { hook: number[]; ratio: number[] }>();
  const cold = new Map<Case, { hook: number[]; ratio: number[] }>();
  const learning = new Map<Case, { hook: number[]; ratio: number[] }>();
  const idle = new Map<Case, { hook: number[]; ratio: number[] }>();
  for (const c of cases) {
    steady.set(c, { hook: [], ratio: [] });
    cold.set(c, { hook: [], ratio: [] });
    learning.set(c, { hook: [], ratio: [] });
    idle.set(c, { hook: [], ratio: [] });
  }

  opts.log(
    `timing ${cases.map((c) => c.peers).join('/')} peers, steady (${opts.runs}) and cold ` +
      `(${opts.coldRuns}), each next to a node -e '' run, interleaved`,
  );
  for (let i = -2; i < opts.runs; i++) {
    for (const c of i % 2 === 0 ? cases : [...cases].reverse()) {
      c.rig.restore();
      const hook = await mustRun(c.spec, `the hook at ${c.peers} peers`);
      const base = await mustRun(baseline, "node -e ''");
      if (i < 0) continue; // warming the page cache and the code caches up
      node.push(base);
      steady.get(c)?.hook.push(hook);
      steady.get(c)?.ratio.push(hook / base);
      c.rig.restore(c.idleState);
      const idleMs = await mustRun(c.spec, `the idle hook at ${c.peers} peers`);
      const idleBase = await mustRun(baseline, "node -e ''");
      node.push(idleBase);
      idle.get(c)?.hook.push(idleMs);
      idle.get(c)?.ratio.push(idleMs / idleBase);
      if (i < opts.coldRuns) {
        const first = await coldRun(c, opts.packedDir, opts.root, i, baseline);
        const coldBase = await mustRun(baseline, "node -e ''");
        node.push(coldBase);
        cold.get(c)?.hook.push(first.cold);
        cold.get(c)?.ratio.push(first.cold / coldBase);
        if (first.learning !== undefined) {
          node.push(first.learning.node);
          learning.get(c)?.hook.push(first.learning.hook);
          learning.get(c)?.ratio.push(first.learning.hook / first.learning.node);
        }
      }
    }
  }
  for (const c of cases) {
    if (c.rig.misses.length > 0)
      throw new Error(`unanswered tool calls at ${c.peers} peers: ${c.rig.misses.join('; ')}`);
  }

  opts.log('tool time inside the hook, and peak RSS (GNU time)');
  const spied = new Map<Case, number>();
  for (const c of cases) spied.set(c, await inHookToolsMs(c, opts.root, opts.spyRuns));
  const rss = new Map<Case, number[]>(cases.map((c) => [c, []]));
  const nodeRss: number[] = [];
  for (let i = 0; i < opts.rssRuns; i++) {
    for (const c of cases) {
      c.rig.restore();
      const hookRss = await peakRssMiB(c.spec);
      if (hookRss !== undefined) rss.get(c)?.push(hookRss);
    }
    const baseRss = await peakRssMiB(baseline);
    if (baseRss !== undefined) nodeRss.push(baseRss);
  }
  for (const c of cases) await c.rig.close();

  return {
    node: stats(node),
    ...(nodeRss.length > 0 ? { nodeRssMiB: stats(nodeRss) } : {}),
    toolClient: cases[0]?.rig.toolClient ?? 'none',
    cases: cases.map((c) => {
      const s = steady.get(c) ?? { hook: [], ratio: [] };
      const k = cold.get(c) ?? { hook: [], ratio: [] };
      const l = learning.get(c) ?? { hook: [], ratio: [] };
      const d = idle.get(c) ?? { hook: [], ratio: [] };
      const r = rss.get(c) ?? [];
      return {
        peers: c.peers,
        hook: `${c.world.hook.hook} (remote ${c.world.hook.remoteUnit}, ${c.world.members.length} peers)`,
        handlers: c.world.hook.handlers ?? [],
        steady: stats(s.hook),
        cold: stats(k.hook),
        learning: stats(l.hook),
        steadyRatio: stats(s.ratio).median,
        coldRatio: stats(k.ratio).median,
        learningRatio: stats(l.ratio).median,
        idle: stats(d.hook),
        idleRatio: stats(d.ratio).median,
        steadyCalls: c.steadyCalls,
        coldCalls: c.coldCalls,
        repeatCalls: c.repeatCalls,
        inHookToolsMs: spied.get(c) ?? 0,
        ...(r.length > 0 ? { rssMiB: stats(r) } : {}),
      };
    }),
  };
}
