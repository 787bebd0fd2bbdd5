// The in-process simulator part of `npm run bench`: the example charm deployed and settled at
// several model sizes (hooks per second, wall, cost per added unit, RSS), one event on a
// settled model, and a trivial peer charm for scale. Also the Python anchor's published
// figures (issue 21), which this run does not measure. A measurement, not a test.
import { Model, type ModelOptions } from '../../src/testing/index.js';
import { round, stats } from './measure.js';

/**
 * charms.reactive + the Python interface + layer-leadership, `cluster-relation-changed` on the
 * leader, under env -i, against node -e '' at 20.7 ms: published in issue 21, not measured here.
 */
export const PYTHON_ANCHOR = [
  { peers: 2, mode: 'steady', ms: 252.8, ratio: 12.2, calls: 22 },
  { peers: 8, mode: 'steady', ms: 274.4, ratio: 13.3, calls: 28 },
  { peers: 32, mode: 'cold', ms: 632.7, ratio: 30.6, calls: 207 },
  { peers: 32, mode: 'steady', ms: 335.3, ratio: 16.2, calls: 52 },
] as const;

export interface SimRow {
  readonly units: number;
  readonly runs: number;
  readonly hooksToSettle: number;
  readonly settleMs: number;
  readonly hooksPerSecond: number;
  /** Hooks per second of this process's CPU time (user + system): less swayed by other load. */
  readonly hooksPerCpuSecond: number;
  /** Set when the run kept only the last this-many trace events (ModelOptions.traceLimit). */
  readonly traceLimit?: number;
  /** (settle wall at this size − at the previous size) ÷ units added. */
  readonly msPerAddedUnit?: number;
  /** This process's peak RSS after the run (MiB; process.resourceUsage().maxRSS). */
  readonly peakRssMiB: number;
}

type Deploy = (units: number, seed: number, options?: ModelOptions) => Promise<Model>;

/**
 * Above this many units a full trace of every hook does not fit in memory (a peer relation runs
 * ~2.8 hooks per pair of units): those runs keep the last TRACE_LIMIT events, and the last
 * TRACE_LIMIT timeline entries of each unit (traceLimit). The limit is per unit: at 1,000 units
 * a limit of 10,000 kept every entry (~3,300 hooks a unit, ~200 bytes each: ~650 MB in
 * all).
 */
const FULL_TRACE_UNITS = 200;
const TRACE_LIMIT = 500;

async function simRun(units: number, runs: number, deploy: Deploy): Promise<SimRow> {
  let hooks = 0;
  let ms = 0;
  let cpuUs = 0;
  let perRun = 0;
  const bounded = units > FULL_TRACE_UNITS;
  const options: ModelOptions = bounded ? { traceLimit: TRACE_LIMIT } : {};
  for (let i = 0; i < runs; i++) {
    const model = await deploy(units, i + 1, options);
    const started = performance.now();
    const cpu = process.cpuUsage();
    // A peer relation runs ~3 hooks per pair of units: past ~180 units that is more than the
    // simulator's default budget of 100,000 hooks a settle.
    const report = await model.settle({ maxHooks: Math.max(100_000, 10 * units * units) });
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system;
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
    hooksPerCpuSecond: Math.round((hooks / cpuUs) * 1e6),
    ...(bounded ? { traceLimit: TRACE_LIMIT } : {}),
    peakRssMiB: round(process.resourceUsage().maxRSS / 1024, 0),
  };
}

/** One update-status on one unit of a settled model: median wall of `runs`. */
async function singleEvent(units: number, runs: number, deploy: Deploy) {
  const model = await deploy(units, 1);
  const report = await model.settle();
  if (!report.settled) throw new Error(`${units} units did not settle`);
  const unit = model.units()[units >> 1] as string;
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    model.fireHook(unit, 'update-status');
    const started = performance.now();
    await model.step(unit);
    samples.push(performance.now() - started);
  }
  const used = process.cpuUsage(cpu);
  await model.close();
  // CPU per event includes firing it (fireHook) and what GC the events left behind.
  const cpuMs = round((used.user + used.system) / 1000 / runs, 3);
  return { units, runs, ms: stats(samples).median, cpuMs };
}

export interface SimBenchOptions {
  readonly quick: boolean;
  readonly log: (line: string) => void;
  readonly deploy: Deploy;
  readonly peerEchoDir: string;
  /** The peer-echo rows go up to this size (default 50). */
  readonly peerEchoMaxUnits?: number;
  /** Model sizes (default 3, 12, 50, 200). */
  readonly sizes?: readonly number[];
  /** The model size of the single-event measure (default 100). */
  readonly singleEventUnits?: number;
}

export async function simBench(opts: SimBenchOptions) {
  const sizes = opts.sizes ?? [3, 12, 50, 200];
  opts.log(`the in-process simulator: ${sizes.join(', ')} units`);
  const echo: Deploy = async (units, seed, options) => {
    const model = new Model({ ...options, seed });
    await model.deploy('echo', { charmDir: opts.peerEchoDir, units });
    return model;
  };
  await simRun(12, 3, opts.deploy); // warm the JIT up
  await simRun(12, 3, echo);
  const runsFor = (units: number) =>
    units <= 3 ? (opts.quick ? 10 : 30) : units <= 12 ? (opts.quick ? 2 : 5) : 1;
  const example: SimRow[] = [];
  const peerEcho: SimRow[] = [];
  for (const units of sizes) {
    opts.log(`  ${units} units`);
    const row = await simRun(units, runsFor(units), opts.deploy);
    const previous = example.at(-1);
    example.push(
      previous === undefined
        ? row
        : {
            ...row,
            msPerAddedUnit: round(
              (row.settleMs - previous.settleMs) / (row.units - previous.units),
              2,
            ),
          },
    );
    if (units <= (opts.peerEchoMaxUnits ?? 50)) {
      peerEcho.push(await simRun(units, runsFor(units), echo));
    }
  }
  const singleUnits = opts.singleEventUnits ?? 100;
  opts.log(`  one event at ${singleUnits} units`);
  const single = await singleEvent(singleUnits, opts.quick ? 20 : 60, opts.deploy);
  return { example, peerEcho, singleEvent: single };
}
