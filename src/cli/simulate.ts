// `juju-reactive simulate <charm-dir>`: deploy a charm on a simulated model, settle it and print
// per-unit timelines and a summary. Progress for long runs goes to stderr.
import { resolve } from 'node:path';
import { readMetadata } from '../juju/metadata.js';
import { type HookOrder, MAX_MODEL_UNITS, Model } from '../testing/model.js';
import {
  type OptionSpec,
  parseConfigPairs,
  parseDirCommand,
  stringOption,
  UsageError,
  wholeNumber,
} from './args.js';
import type { CliIo, Command } from './command.js';

/** The most units `simulate` deploys (the simulator is measured at 1,000). */
/** The most units `simulate` accepts: the simulator's supported model size. */
export const MAX_UNITS = MAX_MODEL_UNITS;

const OPTIONS: OptionSpec = {
  units: { type: 'string', short: 'n' },
  seed: { type: 'string' },
  order: { type: 'string' },
  processes: { type: 'boolean' },
  trace: { type: 'boolean' },
  config: { type: 'string', multiple: true },
  app: { type: 'string' },
  'max-hooks': { type: 'string' },
  'max-retries': { type: 'string' },
};

const HELP = `usage: juju-reactive simulate <charm-dir> [options]

Deploy the charm on a simulated model, run its hooks until nothing is pending, and print each
unit's timeline and a summary. Exit 0 when the model settled, 1 when it did not.

options:
  -n, --units <n>        number of units, 1 to ${MAX_UNITS} (default 3)
      --seed <n>         seeded random interleaving (same seed, same run)
      --order <o>        round-robin or random (default: random with --seed, else round-robin)
      --processes        run every hook as a process through the charm's dispatch
      --trace            also list each hook's tool calls, logs and status changes
      --config k=v       set a config option (repeatable)
      --app <name>       application name (default: the charm's name)
      --max-hooks <n>    stop after this many hooks (default 100000)
      --max-retries <n>  retries of a failed hook before the unit stays in error (default 3)
  -h, --help             this help
`;

/** `juju-reactive simulate`. */
export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'deploy the charm on a simulated model, settle, print timelines',
  help: HELP,
  run,
};

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseDirCommand(argv, OPTIONS, 'simulate needs a charm dir');
  if (parsed === undefined) {
    io.stdout(HELP);
    return 0;
  }
  const { values, dir } = parsed;
  const charmDir = resolve(dir);
  const units = wholeNumber('units', values['units'], 3, { min: 1, max: MAX_UNITS });
  const seed =
    values['seed'] === undefined
      ? undefined
      : wholeNumber('seed', values['seed'], 0, { max: 0xffff_ffff });
  const order = stringOption(values['order']);
  if (order !== undefined && order !== 'round-robin' && order !== 'random') {
    throw new UsageError(`--order must be round-robin or random, got "${order}"`);
  }
  const maxHooks = wholeNumber('max-hooks', values['max-hooks'], 100_000, { min: 1 });
  const maxRetries = wholeNumber('max-retries', values['max-retries'], 3, { max: 1000 });
  const processes = values['processes'] === true;
  const config = parseConfigPairs(((values['config'] ?? []) as (string | boolean)[]).map(String));
  const metadata = readMetadata(charmDir);
  const app = stringOption(values['app']) ?? metadata.name;

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
      config,
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

    // The first column is the hook's seq in the model's trace (all units, every event counted),
    // which reads like a count of the unit's hooks unless said.
    io.stderr(
      '(each line: the seq of the hook in the model trace, across all units; the hook; its outcome and effects)\n',
    );
    io.stdout(`${model.renderTimeline({ detail: values['trace'] === true })}\n\n`);
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
