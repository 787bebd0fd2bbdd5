#!/usr/bin/env node
// The `juju-reactive` command. `simulate <charm-dir>` deploys a charm on a simulated model,
// settles it and prints per-unit timelines and a summary; `pack <charm-dir>` builds a
// deployable charm dir; `demo` is the project's showcase.
// Output goes to the streams it is given; progress for long runs goes to stderr.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readMetadata } from '../juju/metadata.js';
import { type HookOrder, Model } from '../testing/model.js';
import { packCharm, renderPackReport } from './pack.js';

/** Where the CLI writes. Tests pass their own; the command uses the process streams. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const USAGE = `usage: juju-reactive <command> [options]

commands:
  simulate <charm-dir>   deploy the charm on a simulated model, settle, print timelines
  pack <charm-dir>       bundle the charm into a deployable dir for \`charmcraft pack\`
  demo                   what this library is, in one paragraph

simulate options:
  -n, --units <n>        number of units (default 3)
      --seed <n>         seeded random interleaving (same seed, same run)
      --order <o>        round-robin or random (default: random with --seed, else round-robin)
      --processes        run every hook as a process through the charm's dispatch
      --trace            also list each hook's tool calls, logs and status changes
      --config k=v       set a config option (repeatable)
      --app <name>       application name (default: the charm's name)
      --max-hooks <n>    stop after this many hooks (default 100000)
      --max-retries <n>  retries of a failed hook before the unit stays in error (default 3)

pack options:
  -o, --out <dir>        where the packed charm goes (default <charm-dir>/build)
      --entry <file>     the module to bundle, relative to the charm dir (default src/main.ts)
      --no-minify        keep the bundle readable (slower to load on every hook)
`;

const DEMO = `juju-reactive lets you write Juju charms in TypeScript in the reactive, flag-driven style: \
hooks set and clear flags from what Juju reports, and every handler whose flags hold runs, in \
registration order, with relation data, leader settings, secrets and flags committed only when \
the whole hook succeeds. Interfaces subclass Endpoint to turn untrusted relation data into typed, \
schema-checked views and automatic flags; the mysql-innodb-cluster peer interface is the \
flagship. And juju-reactive/testing runs many units of a real charm in one process (or as real \
hook processes) with Juju's hook ordering, so you can watch a cluster converge in a unit test: \
try \`juju-reactive simulate <charm-dir> --units 3 --seed 1\`.
`;

class UsageError extends Error {}

/** Run the CLI; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'simulate':
        return await simulate(rest, io);
      case 'pack':
        return await pack(rest, io);
      case 'serve':
        return await (await import('./serve.js')).serve(rest, io);
      case 'demo':
        io.stdout(DEMO);
        return 0;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`juju-reactive: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`juju-reactive: ${(error as Error).message}\n`);
    return 1;
  }
}

function wholeNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value))
    throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  return Number(value);
}

function parseConfig(pairs: readonly string[]): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--config expects key=value, got "${pair}"`);
    const raw = pair.slice(eq + 1);
    // Numbers and booleans as YAML would read them; anything else stays a string.
    config[pair.slice(0, eq)] =
      raw === 'true'
        ? true
        : raw === 'false'
          ? false
          : /^-?\d+(\.\d+)?$/.test(raw)
            ? Number(raw)
            : raw;
  }
  return config;
}

async function simulate(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseSimulateArgs>;
  try {
    parsed = parseSimulateArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [dir, extra] = positionals;
  if (dir === undefined) throw new UsageError('simulate needs a charm dir');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  const charmDir = resolve(dir);
  const units = wholeNumber('units', values.units, 3);
  const seed = values.seed === undefined ? undefined : wholeNumber('seed', values.seed, 0);
  const order = values.order;
  if (order !== undefined && order !== 'round-robin' && order !== 'random') {
    throw new UsageError(`--order must be round-robin or random, got "${order}"`);
  }
  const maxHooks = wholeNumber('max-hooks', values['max-hooks'], 100_000);
  const maxRetries = wholeNumber('max-retries', values['max-retries'], 3);
  const metadata = readMetadata(charmDir);
  const app = values.app ?? metadata.name;
  const processes = values.processes === true;

  const model = new Model({
    name: 'simulate',
    maxRetries,
    ...(seed === undefined ? {} : { seed }),
    ...(order === undefined ? {} : { order: order as HookOrder }),
  });
  try {
    const started = performance.now();
    await model.deploy(app, {
      charmDir,
      units,
      processes,
      config: parseConfig(values.config ?? []),
    });
    const deployed = performance.now();
    io.stderr(
      `simulating ${metadata.name}: ${units} unit${units === 1 ? '' : 's'} of ${app}` +
        ` (${processes ? 'as processes' : 'in process'}, ${model.order}` +
        `${seed === undefined ? '' : `, seed ${seed}`})\n`,
    );
    let lastProgress = deployed;
    const report = await model.settle({
      maxHooks,
      onHook: () => {
        const t = performance.now();
        if (t - lastProgress >= 1000) {
          lastProgress = t;
          const pending = model.units().reduce((n, u) => n + model.unit(u).pendingHooks.length, 0);
          io.stderr(
            `  … ${model.trace.filter((e) => e.kind === 'hook').length} hooks run, ${pending} pending\n`,
          );
        }
      },
    });
    const wallMs = performance.now() - started;
    const settleMs = performance.now() - deployed;

    io.stdout(`${model.renderTimeline({ detail: values.trace === true })}\n\n`);
    const rate = settleMs > 0 ? Math.round((report.hooksRun / settleMs) * 1000) : 0;
    const lines = [
      'summary',
      `  settled     ${report.settled ? 'yes' : 'no'}`,
      `  hooks run   ${report.hooksRun} (${report.hooksFailed} failed)`,
      `  wall time   ${wallMs.toFixed(0)} ms (${rate} hooks/s while settling)`,
    ];
    if (report.busyUnits.length > 0) lines.push(`  still busy  ${report.busyUnits.join(', ')}`);
    if (report.errorUnits.length > 0) lines.push(`  in error    ${report.errorUnits.join(', ')}`);
    lines.push('');
    for (const name of model.units()) {
      const unit = model.unit(name);
      const notes = [
        unit.isLeader ? 'leader' : undefined,
        `${unit.status.status}${unit.status.message ? `: ${unit.status.message}` : ''}`,
        unit.error ? `ERROR in ${unit.error.hook}: ${unit.error.message}` : undefined,
      ].filter(Boolean);
      lines.push(`  ${name}  ${notes.join('  ')}`);
      lines.push(`    flags: ${unit.flags.join(', ') || '(none)'}`);
    }
    io.stdout(`${lines.join('\n')}\n`);
    return report.settled ? 0 : 1;
  } finally {
    await model.close();
  }
}

async function pack(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parsePackArgs>;
  try {
    parsed = parsePackArgs(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [dir, extra] = positionals;
  if (dir === undefined) throw new UsageError('pack needs a charm dir');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  const report = await packCharm({
    charmDir: dir,
    ...(values.out === undefined ? {} : { outDir: values.out }),
    ...(values.entry === undefined ? {} : { entry: values.entry }),
    minify: values['no-minify'] !== true,
  });
  io.stdout(renderPackReport(report));
  return 0;
}

function parsePackArgs(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string', short: 'o' },
      entry: { type: 'string' },
      'no-minify': { type: 'boolean' },
    },
  });
}

function parseSimulateArgs(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      units: { type: 'string', short: 'n' },
      seed: { type: 'string' },
      order: { type: 'string' },
      processes: { type: 'boolean' },
      trace: { type: 'boolean' },
      config: { type: 'string', multiple: true },
      app: { type: 'string' },
      'max-hooks': { type: 'string' },
      'max-retries': { type: 'string' },
    },
  });
}

function isMainModule(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMainModule()) {
  process.exitCode = await runCli(process.argv.slice(2));
}
