// `npm run bench`: the quality bars of ARCHITECTURE.md §8, measured side by side in one run on
// this machine. Prints a table and writes bench/results.json. A measurement, not a test:
// nothing here fails on a slow machine; the ratios say how we stand against the targets.
//   1. One hook process: the PACKED example's cluster-relation-changed (leader, 2 peers, a
//      settled cluster) vs `node -e ''`; its hook-tool calls; its peak RSS; cold vs warm.
//   2. What the hook path pays to start: each dependency, bundled as a charm bundles it.
//   3. The in-process simulator: hooks per second and hooks to settle, 3 / 12 / 50 units.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, machine, release, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHARM_DIR, deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { packCharm } from '../../src/cli/pack.js';
import { STATE_FILE_NAME } from '../../src/state/file-store.js';
import { bundleCharmEntry } from '../../src/testing/charm-dir.js';
import { Model } from '../../src/testing/index.js';
import { hookRig, settledWorld } from './hook-world.js';
import { cleanEnv, peakRssMiB, round, type Stats, stats, timeProcess } from './measure.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(REPO, 'bench', 'results.json');
const SEED = 11;
const quick = process.argv.includes('--quick');
const HOOK_RUNS = quick ? 10 : 40;
const COLD_RUNS = quick ? 4 : 12;
const SPY_RUNS = quick ? 5 : 15;
const IMPORT_RUNS = quick ? 6 : 20;
const TARGET_RATIO = 1.5;
const NODE = process.execPath;

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const root = mkdtempSync(join(tmpdir(), 'jr-bench-'));

/** Run a Node script in a child process (asynchronously, so our responder keeps answering). */
function nodeOutput(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(NODE, ['-e', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(out) : fail(new Error(`probe exited ${code}`))));
  });
}

/** Mean cost of one spawnSync'd call of `command`, as a charm pays it: median of 5 × 100. */
async function perCallMs(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const script = `
    const { spawnSync } = require('node:child_process');
    const [command, ...args] = ${JSON.stringify([command, ...args])};
    const once = () => { const r = spawnSync(command, args, { encoding: 'utf8' }); if (r.status !== 0) throw new Error(command + ' failed: ' + r.stderr); };
    once();
    const out = [];
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      for (let i = 0; i < 100; i++) once();
      out.push((performance.now() - t) / 100);
    }
    process.stdout.write(JSON.stringify(out));`;
  return stats(JSON.parse(await nodeOutput(script, env)) as number[]);
}

// ---------------------------------------------------------------- 1. one hook process

async function hookBench() {
  log('packing the example (simulated backend entry) and settling a 3-unit model');
  const packed = await packCharm({
    charmDir: CHARM_DIR,
    entry: 'src/main-simulated.ts',
    outDir: join(root, 'packed'),
  });
  const packedReal = await packCharm({ charmDir: CHARM_DIR, outDir: join(root, 'packed-real') });
  const world = await settledWorld(3, SEED);
  const rig = await hookRig(world, packed.outDir, root);
  const dispatch = join(rig.unitDir, 'dispatch');
  const hookSpec = { command: dispatch, env: rig.env, cwd: rig.unitDir };
  const baseline = { command: NODE, args: ['-e', ''], env: cleanEnv() };

  // One recording run: the responder answers from the snapshot and keeps every reply.
  rig.restore();
  const recorded = await timeProcess(hookSpec);
  if (recorded.exitCode !== 0) throw new Error(`the hook failed: ${recorded.stderr}`);
  const calls = rig.calls();
  const state = JSON.parse(readFileSync(join(rig.unitDir, STATE_FILE_NAME), 'utf8'));
  const faithful =
    JSON.stringify(state) === JSON.stringify(world.after.unitState) &&
    JSON.stringify(calls.map((c) => c.split(' ')[0])) === JSON.stringify(world.modelCalls);
  if (!faithful) {
    throw new Error(
      'the replayed hook differs from the model run: check test/bench/hook-world.ts\n' +
        `  calls:  ${calls.map((c) => c.split(' ')[0]).join(', ')}\n  model:  ${world.modelCalls.join(', ')}`,
    );
  }
  rig.freeze();

  log(`timing the hook against node -e '' (${HOOK_RUNS} runs each, interleaved)`);
  for (let i = 0; i < 3; i++) {
    rig.restore();
    await timeProcess(hookSpec);
    await timeProcess(baseline);
  }
  const hookMs: number[] = [];
  const nodeMs: number[] = [];
  for (let i = 0; i < HOOK_RUNS; i++) {
    rig.restore();
    rig.resetCalls();
    const run = await timeProcess(hookSpec);
    if (run.exitCode !== 0) throw new Error(`the hook failed: ${run.stderr}`);
    hookMs.push(run.ms);
    nodeMs.push((await timeProcess(baseline)).ms);
  }
  if (rig.misses.length > 0) throw new Error(`unanswered tool calls: ${rig.misses.join('; ')}`);

  log('timing one hook-tool call (C client, static responder) and /bin/true');
  const toolCall = await perCallMs(
    join(rig.env['PATH']?.split(':')[0] ?? '', 'is-leader'),
    ['--format=json'],
    rig.env,
  );
  const binTrue = await perCallMs('/bin/true', [], rig.env);

  log('cold (a fresh unit dir) vs warm, and the same hook again on the state it left');
  const coldMs: number[] = [];
  const warmMs: number[] = [];
  const repeatMs: number[] = [];
  let repeatCalls: readonly string[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const fresh = join(root, `cold-${i}`);
    cpSync(packed.outDir, fresh, { recursive: true });
    writeFileSync(join(fresh, STATE_FILE_NAME), JSON.stringify(world.before.unitState));
    rig.restore();
    const cold = await timeProcess({
      command: join(fresh, 'dispatch'),
      env: { ...rig.env, JUJU_CHARM_DIR: fresh, CHARM_DIR: fresh },
      cwd: fresh,
    });
    if (cold.exitCode !== 0) throw new Error(`the cold hook failed: ${cold.stderr}`);
    coldMs.push(cold.ms);
    rig.restore();
    warmMs.push((await timeProcess(hookSpec)).ms);
    rig.resetCalls();
    const again = await timeProcess(hookSpec);
    if (again.exitCode !== 0) throw new Error(`the repeated hook failed: ${again.stderr}`);
    repeatMs.push(again.ms);
    repeatCalls = rig.calls();
    rmSync(fresh, { recursive: true, force: true });
  }

  log('time spent inside the hook in tool calls (separate runs, spawnSync timed by a preload)');
  const spyOut = join(root, 'spy.json');
  const spy = fileURLToPath(new URL('./tool-spy.cjs', import.meta.url));
  const inHookToolsMs: number[] = [];
  const inHookCallMs: number[] = [];
  for (let i = 0; i < SPY_RUNS; i++) {
    rig.restore();
    const run = await timeProcess({
      ...hookSpec,
      env: { ...rig.env, NODE_OPTIONS: `--require ${spy}`, JR_BENCH_SPY_OUT: spyOut },
    });
    if (run.exitCode !== 0) throw new Error(`the spied hook failed: ${run.stderr}`);
    const spied = JSON.parse(readFileSync(spyOut, 'utf8')) as { tool: string; ms: number }[];
    inHookToolsMs.push(spied.reduce((sum, c) => sum + c.ms, 0));
    inHookCallMs.push(...spied.map((c) => c.ms));
  }

  log('peak RSS');
  const rss: number[] = [];
  const nodeRss: number[] = [];
  for (let i = 0; i < 5; i++) {
    rig.restore();
    const hookRss = await peakRssMiB(hookSpec);
    const baseRss = await peakRssMiB(baseline);
    if (hookRss !== undefined) rss.push(hookRss);
    if (baseRss !== undefined) nodeRss.push(baseRss);
  }
  await rig.close();

  const hook = stats(hookMs);
  const node = stats(nodeMs);
  const byTool: Record<string, number> = {};
  for (const call of calls) {
    const tool = call.split(' ')[0] as string;
    byTool[tool] = (byTool[tool] ?? 0) + 1;
  }
  const toolsMs = stats(inHookToolsMs).median;
  return {
    unit: world.unit,
    hook: `${world.hook.hook} (remote ${world.hook.remoteUnit}, ${world.members.length} peers)`,
    handlers: world.hook.handlers ?? [],
    toolClient: rig.toolClient,
    hookMs: hook,
    nodeMs: node,
    ratio: round(hook.median / node.median),
    ratioPaired: stats(hookMs.map((h, i) => h / (nodeMs[i] ?? h))).median,
    ratioP90: round(hook.p90 / node.median),
    toolCallMs: toolCall,
    inHookCallMs: stats(inHookCallMs),
    binTrueMs: binTrue,
    toolsMs: round(toolsMs),
    ratioWithoutTools: round((hook.median - toolsMs) / node.median),
    calls,
    byTool,
    repeatCalls,
    cold: stats(coldMs),
    warm: stats(warmMs),
    repeat: stats(repeatMs),
    rssMiB: rss.length > 0 ? stats(rss) : undefined,
    nodeRssMiB: nodeRss.length > 0 ? stats(nodeRss) : undefined,
    bundle: packed.files.filter((f) => f.path.startsWith('dist')),
    bundleReal: packedReal.files.filter((f) => f.path.startsWith('dist')),
    packedStart: join(packed.outDir, 'dist', 'charm.cjs'),
  };
}

// ---------------------------------------------------------------- 2. start-up cost per dependency

const IMPORTS: Readonly<Record<string, string>> = {
  'an empty hook bundle (CommonJS)': '',
  'zod/mini (one object schema)':
    "import * as z from 'zod/mini'; globalThis.__x = z.object({ address: z.string(), port: z.optional(z.number()) });",
  'yaml (not on the hook path: loaded on first use)':
    "import { parseDocument } from 'yaml'; globalThis.__x = parseDocument;",
  eventemitter3:
    "import { EventEmitter } from 'eventemitter3'; globalThis.__x = new EventEmitter();",
  'ts-results-es': "import { Ok } from 'ts-results-es'; globalThis.__x = Ok(1);",
  'node:child_process + node:crypto':
    "import { spawnSync } from 'node:child_process'; import { createHash } from 'node:crypto'; globalThis.__x = [spawnSync, createHash];",
  'juju-reactive (main + Charm)':
    "import { Charm, main } from 'juju-reactive'; globalThis.__x = [Charm, main];",
};

async function importBench(packedStart: string) {
  log(`start-up cost of each dependency (${IMPORT_RUNS} runs each)`);
  const specs: { name: string; args: string[]; env?: NodeJS.ProcessEnv }[] = [
    { name: "node -e ''", args: ['-e', ''] },
  ];
  const emptyEsm = join(root, 'imports', 'empty.mjs');
  mkdirSync(join(root, 'imports'), { recursive: true });
  writeFileSync(emptyEsm, '');
  specs.push({ name: 'an empty ES module (.mjs): what ESM costs', args: [emptyEsm] });
  for (const [name, contents] of Object.entries(IMPORTS)) {
    const dir = join(root, 'imports', name.replace(/[^a-z0-9]+/gi, '-'));
    mkdirSync(dir, { recursive: true });
    const bundle = await bundleCharmEntry({
      entry: { contents, resolveDir: REPO },
      outdir: join(dir, 'dist'),
      minify: true,
    });
    specs.push({ name, args: [bundle.main] });
  }
  // Outside a hook main() stops at once: what loading the whole bundle costs.
  const cacheDir = join(root, 'imports', 'unit');
  mkdirSync(cacheDir, { recursive: true });
  specs.push({ name: 'the packed charm, load and exit: no code cache', args: [packedStart] });
  specs.push({
    name: 'the packed charm, load and exit: with its code cache',
    args: [packedStart],
    env: cleanEnv({ JUJU_CHARM_DIR: cacheDir }),
  });
  const samples = specs.map(() => [] as number[]);
  for (let i = 0; i < IMPORT_RUNS + 2; i++) {
    for (const [k, spec] of specs.entries()) {
      const run = await timeProcess({
        command: NODE,
        args: spec.args,
        env: spec.env ?? cleanEnv(),
      });
      if (i >= 2) samples[k]?.push(run.ms);
    }
  }
  const base = stats(samples[0] ?? []).median;
  return specs.map((spec, k) => {
    const s = stats(samples[k] ?? []);
    return { name: spec.name, ms: s, overNodeMs: round(s.median - base) };
  });
}

// ---------------------------------------------------------------- 3. the in-process simulator

interface SimRow {
  readonly units: number;
  readonly runs: number;
  readonly hooksToSettle: number;
  readonly settleMs: number;
  readonly hooksPerSecond: number;
}

async function simRun(
  units: number,
  runs: number,
  deploy: (seed: number) => Promise<Model>,
): Promise<SimRow> {
  let hooks = 0;
  let ms = 0;
  let perRun = 0;
  for (let i = 0; i < runs; i++) {
    const model = await deploy(i + 1);
    const started = performance.now();
    const report = await model.settle();
    ms += performance.now() - started;
    if (!report.settled) throw new Error(`${units} units did not settle`);
    hooks += report.hooksRun;
    perRun = report.hooksRun;
    await model.close();
  }
  return {
    units,
    runs,
    hooksToSettle: perRun,
    settleMs: round(ms / runs, 1),
    hooksPerSecond: Math.round((hooks / ms) * 1000),
  };
}

async function simBench() {
  log('the in-process simulator: 3, 12 and 50 units');
  const example = (units: number) => async (seed: number) =>
    (await deploySimulated({ units, seed })).model;
  const peerEcho = fileURLToPath(new URL('../fixtures/charms/peer-echo', import.meta.url));
  const echo = (units: number) => async (seed: number) => {
    const model = new Model({ seed });
    await model.deploy('echo', { charmDir: peerEcho, units });
    return model;
  };
  await simRun(12, 3, example(12)); // warm the JIT up
  await simRun(12, 3, echo(12));
  const runs: Record<number, number> = quick ? { 3: 10, 12: 2, 50: 1 } : { 3: 40, 12: 6, 50: 1 };
  const rows: { example: SimRow[]; peerEcho: SimRow[] } = { example: [], peerEcho: [] };
  for (const units of [3, 12, 50]) {
    rows.example.push(await simRun(units, runs[units] ?? 1, example(units)));
    rows.peerEcho.push(await simRun(units, runs[units] ?? 1, echo(units)));
  }
  return rows;
}

// ---------------------------------------------------------------- report

const ms = (s: Stats) => `${s.median.toFixed(1)} ms (p90 ${s.p90.toFixed(1)})`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: readonly string[]) =>
    `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const [head, ...body] = rows;
  return [
    line(head ?? []),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

async function main() {
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  const hook = await hookBench();
  const imports = await importBench(hook.packedStart);
  const sim = await simBench();
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const machineInfo = {
    cores: availableParallelism(),
    cpu,
    node: process.version,
    arch: machine(),
    os: `${process.platform} ${release()}`,
    /** 1-minute load average before and after: other work on the machine makes figures noisy. */
    loadAverage: [round(loadBefore), round(loadavg()[0] ?? 0)],
  };

  const results = {
    date: new Date().toISOString(),
    machine: machineInfo,
    /** Median whole-process wall time of the hook / median `node -e ''`, same run. */
    hookWallRatio: hook.ratio,
    hookWallRatioP90: hook.ratioP90,
    /** Median of hook / node over the interleaved pairs: steadier when the machine is busy. */
    hookWallRatioPaired: hook.ratioPaired,
    /** The same, with the hook's tool calls (count × measured cost of one call) taken out. */
    hookWallRatioWithoutTools: hook.ratioWithoutTools,
    hookWallRatioTarget: TARGET_RATIO,
    /** The hook's hook-tool calls, by tool. */
    hookToolCalls: hook.byTool,
    hookPeakRssMiB: hook.rssMiB?.median ?? null,
    simHooksPerSecond: Object.fromEntries(sim.example.map((r) => [r.units, r.hooksPerSecond])),
    simHooksToSettle: Object.fromEntries(sim.example.map((r) => [r.units, r.hooksToSettle])),
    simSettleMs: Object.fromEntries(sim.example.map((r) => [r.units, r.settleMs])),
    hook: {
      name: hook.hook,
      unit: hook.unit,
      handlers: hook.handlers,
      hookMs: hook.hookMs,
      nodeMs: hook.nodeMs,
      toolClient: hook.toolClient,
      /** One call in a tight loop of a warm Node process (the tools' own cost). */
      toolCallMs: hook.toolCallMs,
      /** One call as the hook made them (spawnSync timed inside the hook, separate runs). */
      inHookToolCallMs: hook.inHookCallMs,
      binTrueSpawnMs: hook.binTrueMs,
      /** All the hook's tool calls, inside the hook: what hookWallRatioWithoutTools takes out. */
      inHookToolsMs: hook.toolsMs,
      calls: hook.calls,
      repeatedHookCalls: hook.repeatCalls,
      nodePeakRssMiB: hook.nodeRssMiB?.median ?? null,
      coldMs: hook.cold,
      warmMs: hook.warm,
      repeatOnLeftStateMs: hook.repeat,
    },
    importCostMs: Object.fromEntries(
      imports.map((i) => [i.name, { ...i.ms, overNode: i.overNodeMs }]),
    ),
    bundle: { simulatedEntry: hook.bundle, realEntry: hook.bundleReal },
    simPeerEcho: {
      hooksPerSecond: Object.fromEntries(sim.peerEcho.map((r) => [r.units, r.hooksPerSecond])),
      hooksToSettle: Object.fromEntries(sim.peerEcho.map((r) => [r.units, r.hooksToSettle])),
      settleMs: Object.fromEntries(sim.peerEcho.map((r) => [r.units, r.settleMs])),
    },
    benchSeconds: round((performance.now() - started) / 1000, 1),
  };
  mkdirSync(resolve(OUT, '..'), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);

  const verdict = (ok: boolean) => (ok ? 'meets' : 'misses');
  const rows: string[][] = [
    ['measure', 'result', 'target'],
    [`hook wall time: ${hook.hook}`, ms(hook.hookMs), ''],
    ["`node -e ''` wall time, same run", ms(hook.nodeMs), ''],
    [
      'hook / node (median; p90)',
      `${hook.ratio} ; ${hook.ratioP90}`,
      `≤ ${TARGET_RATIO} (${verdict(hook.ratio <= TARGET_RATIO)})`,
    ],
    [
      `one hook-tool call: ${hook.toolClient} client, warm loop (spawnSync /bin/true: ${hook.binTrueMs.median} ms)`,
      `${hook.toolCallMs.median} ms`,
      '',
    ],
    [
      `the hook's ${hook.calls.length} tool calls, timed inside the hook`,
      `${hook.toolsMs} ms (${hook.inHookCallMs.median} ms per call)`,
      '',
    ],
    [
      'hook / node without those tool calls',
      `${hook.ratioWithoutTools}`,
      `≤ ${TARGET_RATIO} (${verdict(hook.ratioWithoutTools <= TARGET_RATIO)})`,
    ],
    [
      'hook-tool calls',
      `${hook.calls.length}: ${Object.entries(hook.byTool)
        .map(([t, n]) => `${t}${n > 1 ? ` ×${n}` : ''}`)
        .join(', ')}`,
      'what the contract needs',
    ],
    [
      'peak RSS: hook; node -e',
      hook.rssMiB === undefined
        ? 'n/a (no /usr/bin/time)'
        : `${hook.rssMiB.median} MiB; ${hook.nodeRssMiB?.median} MiB`,
      '',
    ],
    ['cold (fresh unit dir) / warm', `${ms(hook.cold)} / ${ms(hook.warm)}`, ''],
    [
      `same hook again on the state it left (${hook.repeatCalls.length} tool calls)`,
      ms(hook.repeat),
      '',
    ],
    [
      'hook bundle: dist/main.cjs (+ chunks loaded on first use)',
      `${kib(hook.bundleReal.find((f) => f.path === 'dist/main.cjs')?.bytes ?? 0)} (+ ${hook.bundleReal
        .filter((f) => f.path.startsWith('dist/chunks/'))
        .map((f) => `${f.path.slice('dist/chunks/'.length)} ${kib(f.bytes)}`)
        .join(', ')})`,
      '',
    ],
  ];
  const signed = (x: number) => `${x < 0 ? '-' : '+'}${Math.abs(x).toFixed(1)}`;
  for (const i of imports.slice(1)) {
    rows.push([`start-up: ${i.name}`, `${signed(i.overNodeMs)} ms over node -e ''`, '']);
  }
  for (const [k, r] of sim.example.entries()) {
    const e = sim.peerEcho[k];
    const settle =
      r.units === 3
        ? `; settles < 1 s (${verdict(r.settleMs < 1000)})`
        : r.units === 50
          ? '; settles in seconds'
          : '';
    rows.push([
      `simulator, example, ${r.units} units`,
      `${r.hooksPerSecond} hooks/s, ${r.hooksToSettle} hooks, settles in ${r.settleMs} ms` +
        (e ? ` (peer-echo: ${e.hooksPerSecond} hooks/s, ${e.hooksToSettle} hooks)` : ''),
      `≥ 5000 hooks/s (${verdict(r.hooksPerSecond >= 5000)})${settle}`,
    ]);
  }
  const header =
    `${machineInfo.cores} cores (${cpu}), Node ${machineInfo.node}, ${machineInfo.arch}, ` +
    `${machineInfo.os}; load average ${machineInfo.loadAverage.join(' -> ')}`;
  process.stdout.write(
    `${header}\n\n${table(rows)}\n\nwrote ${OUT} in ${results.benchSeconds} s\n`,
  );
}

try {
  await main();
} finally {
  rmSync(root, { recursive: true, force: true });
}
