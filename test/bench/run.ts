// `npm run bench`: the quality bars of ARCHITECTURE.md §8 and issue 21, measured side by side
// in one run on this machine. Prints a table and writes bench/results.json. A measurement, not
// a test: nothing here fails on a slow machine; the ratios say how we stand against the targets.
// Every process runs in the environment a unit agent gives a hook (measure.ts, unitAgentEnv):
// nothing inherited from this shell, no NODE_* variable.
//   1. One hook process: the PACKED example's cluster-relation-changed on the leader at 2, 8
//      and 32 peers, steady and cold, each next to `node -e ''`; tool calls; peak RSS.
//   2. What the hook path pays to start: each dependency, bundled as a charm bundles it.
//   3. The in-process simulator: hooks per second, hooks to settle, cost per added unit.
// `--hook-only` runs part 1 alone and prints it (no results file); `--peers=2,32` picks the
// hook's peer counts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, machine, release, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHARM_DIR, deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { packCharm } from '../../src/cli/pack.js';
import { bundleCharmEntry } from '../../src/testing/charm-dir.js';
import type { ModelOptions } from '../../src/testing/index.js';
import { type HookBenchResult, hookBench } from './hook-bench.js';
import {
  droppedVariables,
  round,
  SYSTEMD_PATH,
  stats,
  timeProcess,
  unitAgentEnv,
} from './measure.js';
import { PYTHON_ANCHOR, type SimRow, simBench } from './sim-bench.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(REPO, 'bench', 'results.json');
const SEED = 11;
const quick = process.argv.includes('--quick');
const IMPORT_RUNS = quick ? 6 : 20;
/** A `--name=` option's value as whole numbers of at least 1, or a one-line usage error. */
function unitCounts(name: string): number[] | undefined {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (raw === undefined) return undefined;
  const counts = raw.split(',').map(Number);
  if (raw === '' || counts.some((n) => !Number.isInteger(n) || n < 1)) {
    process.stderr.write(
      `bench: --${name} takes whole numbers of at least 1, comma-separated (got ${JSON.stringify(raw)})\n`,
    );
    process.exit(2);
  }
  return counts;
}
/** `--sim-units=3,12,50,200`: the simulator's model sizes. */
const SIM_UNITS = unitCounts('sim-units');
/** `--single-event-units=100`: the model size of the single-event measure (one size). */
const SINGLE_EVENT_UNITS = unitCounts('single-event-units')?.[0];
/** `--peers=2,32`: the hook's peer counts (default 2, 8 and 32). */
const PEERS = unitCounts('peers') ?? [2, 8, 32];
/** `--hook-only`: part 1 alone (the hook process), printed, no results file: a quick check. */
const HOOK_ONLY = process.argv.includes('--hook-only');
const NODE = process.execPath;
/** Issue 21: hook ÷ node at 2 peers steady, and at most this much more at 32 peers. */
const TARGET_RATIO = 2.0;
const TARGET_RATIO_SPREAD = 0.3;
const TARGET_CALLS: Readonly<Record<number, number>> = { 2: 5, 32: 8 };

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const root = mkdtempSync(join(tmpdir(), 'jr-bench-'));

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
    env: unitAgentEnv({ JUJU_CHARM_DIR: cacheDir }),
  });
  const samples = specs.map(() => [] as number[]);
  for (let i = 0; i < IMPORT_RUNS + 2; i++) {
    for (const [k, spec] of specs.entries()) {
      const run = await timeProcess({
        command: NODE,
        args: spec.args,
        env: spec.env ?? unitAgentEnv(),
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

// ---------------------------------------------------------------- report

const fmt = (x: number, digits = 1) => x.toFixed(digits);

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

const byTool = (calls: readonly string[]) => {
  const count = new Map<string, number>();
  for (const call of calls) {
    const tool = call.split(' ')[0] as string;
    count.set(tool, (count.get(tool) ?? 0) + 1);
  }
  return [...count].map(([t, n]) => `${t}${n > 1 ? ` ×${n}` : ''}`).join(', ');
};

function hookTable(hook: HookBenchResult): string {
  const rows: string[][] = [
    [
      'peers',
      'mode',
      "ours ms (÷ node -e '')",
      'tool calls',
      'Python anchor, published (issue 21)',
    ],
  ];
  for (const c of hook.cases) {
    for (const mode of ['steady', 'cold', 'learning', 'idle'] as const) {
      const s = c[mode];
      const ratio = {
        steady: c.steadyRatio,
        cold: c.coldRatio,
        learning: c.learningRatio,
        idle: c.idleRatio,
      }[mode];
      const calls = {
        steady: c.steadyCalls,
        cold: c.coldCalls,
        learning: c.coldCalls,
        idle: c.repeatCalls,
      }[mode];
      const anchor = PYTHON_ANCHOR.find((a) => a.peers === c.peers && a.mode === mode);
      rows.push([
        String(c.peers),
        mode,
        `${fmt(s.median)} (${fmt(ratio, 2)}×) [min ${fmt(s.min)}, p90 ${fmt(s.p90)}]`,
        `${calls.length}: ${byTool(calls)}`,
        anchor ? `${anchor.ms} ms (${anchor.ratio}×), ${anchor.calls} calls` : '',
      ]);
    }
  }
  return table(rows);
}

function simTable(rows: readonly SimRow[]): string {
  const out: string[][] = [
    [
      'units',
      'hooks to settle',
      'settle wall',
      'hooks/s',
      'hooks/CPU-s',
      'ms per added unit',
      'process peak RSS',
    ],
  ];
  for (const r of rows) {
    out.push([
      String(r.units),
      String(r.hooksToSettle),
      `${fmt(r.settleMs)} ms${r.traceLimit === undefined ? '' : ` (trace: last ${r.traceLimit})`}`,
      String(r.hooksPerSecond),
      String(r.hooksPerCpuSecond),
      r.msPerAddedUnit === undefined ? '' : fmt(r.msPerAddedUnit, 2),
      `${fmt(r.peakRssMiB, 0)} MiB`,
    ]);
  }
  return table(out);
}

/** Issue 21's bars, each with what this run measured and whether it holds. */
function targetsTable(hook: HookBenchResult, sim: Awaited<ReturnType<typeof runSimBench>>): string {
  const two = hook.cases.find((c) => c.peers === 2);
  const most = hook.cases.at(-1);
  const met = (ok: boolean) => (ok ? 'met' : '**not met**');
  const rows: string[][] = [['target (issue 21)', 'this run', '']];
  if (two !== undefined && most !== undefined) {
    const bound = two.steadyRatio + TARGET_RATIO_SPREAD;
    rows.push(
      [
        `hook ÷ node -e '' ≤ ${TARGET_RATIO}× at 2 peers, steady`,
        `${fmt(two.steadyRatio, 2)}×`,
        met(two.steadyRatio <= TARGET_RATIO),
      ],
      [
        `at ${most.peers} peers within +${TARGET_RATIO_SPREAD}× of that, steady`,
        `${fmt(most.steadyRatio, 2)}× (bound ${fmt(bound, 2)}×)`,
        met(most.steadyRatio <= bound),
      ],
      [
        `at ${most.peers} peers, cold (vs cold at 2 peers)`,
        `${fmt(most.coldRatio, 2)}× (${fmt(two.coldRatio, 2)}× at 2 peers)`,
        `${met(most.coldRatio <= bound)} vs the steady bound; ${met(most.coldRatio <= two.coldRatio + TARGET_RATIO_SPREAD)} vs cold at 2`,
      ],
      [
        `at ${most.peers} peers, learning (the kind's second hook; once per kind)`,
        `${fmt(most.learningRatio, 2)}× (${fmt(two.learningRatio, 2)}× at 2 peers)`,
        'reported',
      ],
      [
        `hook-tool calls ≤ ${TARGET_CALLS[2]} at 2 peers, ≤ ${TARGET_CALLS[32]} at ${most.peers}`,
        `${two.steadyCalls.length} / ${most.steadyCalls.length} (cold ${most.coldCalls.length})`,
        met(
          two.steadyCalls.length <= (TARGET_CALLS[2] ?? 0) &&
            Math.max(most.steadyCalls.length, most.coldCalls.length) <= (TARGET_CALLS[32] ?? 0),
        ),
      ],
    );
    const rss = most.rssMiB?.median;
    const nodeRss = hook.nodeRssMiB?.median;
    if (rss !== undefined && nodeRss !== undefined)
      rows.push([
        "peak RSS ≤ node's own + 10 MiB",
        `${fmt(rss)} MiB vs ${fmt(nodeRss)} MiB (+${fmt(rss - nodeRss)})`,
        met(rss - nodeRss <= 10),
      ]);
  }
  const at50 = sim.example.find((r) => r.units === 50);
  if (at50 !== undefined)
    rows.push([
      'simulator ≥ 5,000 hooks/s at 50 units (example charm)',
      `${at50.hooksPerSecond} hooks/s`,
      met(at50.hooksPerSecond >= 5000),
    ]);
  rows.push([
    `one event at ${sim.singleEvent.units} units ≤ 0.5 ms`,
    `${fmt(sim.singleEvent.ms, 2)} ms`,
    sim.singleEvent.units === 100 ? met(sim.singleEvent.ms <= 0.5) : 'measured at another size',
  ]);
  return table(rows);
}

const peakRssLine = (hook: HookBenchResult) =>
  `Peak RSS (GNU time, median): node -e '' ${hook.nodeRssMiB?.median ?? 'n/a'} MiB; ` +
  hook.cases.map((c) => `hook at ${c.peers} peers ${c.rssMiB?.median ?? 'n/a'} MiB`).join('; ');
const toolTimeLine = (hook: HookBenchResult) =>
  'Tool time inside the hook (one spawn each, steady): ' +
  hook.cases.map((c) => `${c.peers} peers ${fmt(c.inHookToolsMs)} ms`).join('; ');

/** `--hook-only`: the hook table, RSS and tool time, with the machine's load. */
function hookOnlyReport(hook: HookBenchResult, loadBefore: number): string {
  return [
    `Hook process only; load average ${round(loadBefore)} -> ${round(loadavg()[0] ?? 0)}; ` +
      `node -e '' ${fmt(hook.node.median)} ms (p90 ${fmt(hook.node.p90)}); hook-tool client: ${hook.toolClient}`,
    '',
    hookTable(hook),
    '',
    peakRssLine(hook),
    toolTimeLine(hook),
  ].join('\n');
}

/** The simulator rows at the sizes asked for (peer-echo up to `peerEchoMaxUnits`). */
function runSimBench(peerEchoMaxUnits?: number) {
  return simBench({
    quick,
    log,
    deploy: simulatedExample,
    peerEchoDir: PEER_ECHO,
    ...(SIM_UNITS === undefined ? {} : { sizes: SIM_UNITS }),
    ...(peerEchoMaxUnits === undefined ? {} : { peerEchoMaxUnits }),
    ...(SINGLE_EVENT_UNITS === undefined ? {} : { singleEventUnits: SINGLE_EVENT_UNITS }),
  });
}

/** `--sim-only`: only the in-process simulator rows (bench/results-sim.json). */
async function simOnly() {
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  const sim = await runSimBench(200);
  const loadAverage = [round(loadBefore), round(loadavg()[0] ?? 0)];
  const out = join(REPO, 'bench', 'results-sim.json');
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), loadAverage, sim }, null, 2)}\n`,
  );
  const lines = [
    `${availableParallelism()} cores, Node ${process.version}; load average ${loadAverage.join(' -> ')}`,
    '',
    'In-process simulator, example charm (deploy + settle, seeded):',
    simTable(sim.example),
    '',
    'Peer-echo (a trivial peer charm):',
    simTable(sim.peerEcho),
    '',
    `Single event at ${sim.singleEvent.units} units: ${fmt(sim.singleEvent.ms, 3)} ms wall ` +
      `(median of ${sim.singleEvent.runs}), ${fmt(sim.singleEvent.cpuMs, 3)} ms CPU per event`,
  ];
  process.stdout.write(
    `${lines.join('\n')}\n\nwrote ${out} in ${round((performance.now() - started) / 1000, 1)} s\n`,
  );
}

async function main() {
  if (process.argv.includes('--sim-only')) return simOnly();
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  log('packing the example (simulated backend entry)');
  const packed = await packCharm({
    charmDir: CHARM_DIR,
    entry: 'src/main-simulated.ts',
    outDir: join(root, 'packed'),
  });
  const hook = await hookBench({
    root,
    packedDir: packed.outDir,
    peerCounts: PEERS,
    runs: quick ? 8 : 25,
    coldRuns: quick ? 3 : 8,
    rssRuns: quick ? 2 : 5,
    spyRuns: quick ? 2 : 6,
    seed: SEED,
    log,
  });
  if (HOOK_ONLY) {
    process.stdout.write(`${hookOnlyReport(hook, loadBefore)}\n`);
    return;
  }
  const imports = await importBench(join(packed.outDir, 'dist', 'charm.cjs'));
  const sim = await runSimBench();
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
  const environment =
    "every process (hooks and node -e) under a unit agent's environment built from nothing " +
    `(as env -i): PATH=<tools>:${SYSTEMD_PATH}, LANG=C.UTF-8, TERM=tmux-256color, ` +
    'DEBIAN_FRONTEND, APT_LISTCHANGES_FRONTEND, JUJU_* of the hook; not passed on from this ' +
    `shell: ${droppedVariables().join(', ') || 'nothing (none set)'}`;

  const two = hook.cases.find((c) => c.peers === 2);
  const most = hook.cases.at(-1);
  const results = {
    date: new Date().toISOString(),
    machine: machineInfo,
    environment,
    targets: {
      ratioAt2Steady: { value: two?.steadyRatio, target: TARGET_RATIO },
      ratioAt32: {
        steady: most?.steadyRatio,
        cold: most?.coldRatio,
        learning: most?.learningRatio,
        target: round((two?.steadyRatio ?? 0) + TARGET_RATIO_SPREAD),
      },
      callsAt2Steady: { value: two?.steadyCalls.length, target: TARGET_CALLS[2] },
      callsAt32: {
        steady: most?.steadyCalls.length,
        cold: most?.coldCalls.length,
        target: TARGET_CALLS[32],
      },
      peakRssMiB: { hook: most?.rssMiB?.median, node: hook.nodeRssMiB?.median, target: '+10' },
    },
    hook,
    importCostMs: Object.fromEntries(
      imports.map((i) => [i.name, { ...i.ms, overNode: i.overNodeMs }]),
    ),
    sim,
    pythonAnchor: PYTHON_ANCHOR,
    benchSeconds: round((performance.now() - started) / 1000, 1),
  };
  mkdirSync(resolve(OUT, '..'), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);

  const signed = (x: number) => `${x < 0 ? '-' : '+'}${Math.abs(x).toFixed(1)}`;
  const lines = [
    `${machineInfo.cores} cores (${cpu}), Node ${machineInfo.node}, ${machineInfo.arch}, ` +
      `${machineInfo.os}; load average ${machineInfo.loadAverage.join(' -> ')}`,
    `Environment: ${environment}.`,
    `node -e '' in the same run: ${fmt(hook.node.median)} ms (p90 ${fmt(hook.node.p90)}); ` +
      `hook-tool client: ${hook.toolClient}. Python anchor: charms.reactive + the Python ` +
      'interface + layer-leadership, figures published in issue 21 (node -e there: 20.7 ms), ' +
      'not measured in this run.',
    '',
    targetsTable(hook, sim),
    '',
    hookTable(hook),
    '',
    peakRssLine(hook),
    toolTimeLine(hook),
    "steady: the leader's last cluster-relation-changed of an in-process settle (it completes " +
      "the cluster: real work), the unit's own code cache warm; cold: the same on a fresh unit " +
      'dir (the first hook of its kind, run from the code cache pack ships); learning: its second ' +
      "run there (it compiles what it runs into the unit's own cache, once per kind); idle: the " +
      'same hook again on the state it left (a settled cluster, nothing to do).',
    '',
    'Start-up cost over node -e (median): ' +
      imports
        .slice(1)
        .map((i) => `${i.name} ${signed(i.overNodeMs)} ms`)
        .join('; '),
    '',
    'In-process simulator, example charm (deploy + settle, seeded):',
    '',
    simTable(sim.example),
    '',
    `Single event at ${sim.singleEvent.units} units: ${fmt(sim.singleEvent.ms, 2)} ms ` +
      `(an update-status on one unit of a settled model, median of ${sim.singleEvent.runs}). ` +
      'Peer-echo (a trivial peer charm): ' +
      sim.peerEcho.map((r) => `${r.units} units ${r.hooksPerSecond} hooks/s`).join('; '),
  ];
  process.stdout.write(`${lines.join('\n')}\n\nwrote ${OUT} in ${results.benchSeconds} s\n`);
}

const PEER_ECHO = fileURLToPath(new URL('../fixtures/charms/peer-echo', import.meta.url));
const simulatedExample = async (units: number, seed: number, options: ModelOptions = {}) =>
  (await deploySimulated({ ...options, units, seed })).model;

try {
  await main();
} finally {
  rmSync(root, { recursive: true, force: true });
}
