// `npm start`: the example charm deployed to a simulated model, run hook by hook until it
// settles, told as a story a newcomer to Juju can follow. Options: --units N, --seed N,
// --detail (every hook-tool call too).
import type { TraceEvent } from 'juju-reactive/testing';
import { parseCommandArgs, UsageError, wholeNumber } from '../../src/cli/args.js';
import { deploySimulated } from './src/simulate.js';

const USAGE = 'usage: npm start -- [--units N] [--seed N] [--detail]';
let units: number;
let seed: number;
let detail: boolean;
try {
  // The CLI's own argument checks: a bad argument is one line and exit 2, never a stack.
  const { values, positionals } = parseCommandArgs(process.argv.slice(2), {
    units: { type: 'string' },
    seed: { type: 'string' },
    detail: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values['help'] === true) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  units = wholeNumber('units', values['units'], 3, { min: 1, max: 200 });
  seed = wholeNumber('seed', values['seed'], 1, { max: 0xffff_ffff });
  detail = values['detail'] === true;
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`demo: ${error.message} (${USAGE})\n`);
  process.exit(2);
}

/** The charm forms a cluster from this many units (its `minimumClusterSize`, src/charm.ts). */
const MINIMUM_CLUSTER_SIZE = 3;
if (units < MINIMUM_CLUSTER_SIZE) {
  console.log(
    `Note: this charm forms a cluster from ${MINIMUM_CLUSTER_SIZE} units; with ${units} every unit waits for more peers.\n`,
  );
}

const started = performance.now();
const { model, cluster, app } = await deploySimulated({ units, seed });
const clusterOps = new Map<number, string[]>();
let seen = 0;
const report = await model.settle({
  onHook: (entry) => {
    clusterOps.set(entry.seq, cluster.log.slice(seen));
    seen = cluster.log.length;
  },
});
const seconds = (performance.now() - started) / 1000;

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
console.log(
  bold(
    `juju-reactive demo: ${units} units of the mysql-innodb-cluster example charm (seed ${seed})`,
  ),
);
console.log(
  [
    'Juju runs a charm as short "hooks": one process per event on one unit (install, a peer',
    'joined, a peer changed its data, ...). Each hook the charm sets flags (facts it learned),',
    'and handlers whose flags hold do the work. Below, each line is one hook on one unit, in',
    'the order the simulated model ran them, with what it changed.',
    '',
  ].join('\n'),
);

const byHook = new Map<number, TraceEvent[]>();
for (const event of model.trace) {
  const key = 'hookSeq' in event ? event.hookSeq : undefined;
  if (key === undefined) continue;
  const list = byHook.get(key) ?? [];
  if (list.length === 0) byHook.set(key, list);
  list.push(event);
}
const interesting = (flag: string) =>
  !flag.startsWith('endpoint.') &&
  !flag.startsWith('leadership.changed') &&
  !flag.startsWith('leadership.set.cluster-instance');
const width = Math.max(...model.units(app).map((u) => u.length)) + 1;
let n = 0;
for (const event of model.trace) {
  if (event.kind !== 'hook') continue;
  const inHook = byHook.get(event.seq) ?? [];
  const end = inHook.find((e) => e.kind === 'hook-end');
  const notes: string[] = [];
  const flags = inHook
    .filter((e) => e.kind === 'flag' && interesting(e.flag))
    .map((e) => (e.kind === 'flag' ? `${e.set ? '+' : '-'}${e.flag}` : ''));
  if (flags.length) notes.push(flags.join(' '));
  for (const e of inHook) {
    if (e.kind === 'leader-settings')
      notes.push(
        `leader settings: ${Object.keys(e.changes)
          .map((k) => (e.changes[k] === null ? `-${k}` : k))
          .join(', ')}`,
      );
    if (e.kind === 'published') notes.push(`published ${Object.keys(e.changes).join(', ')}`);
    // Juju keeps one workload status: setting the one just set changes nothing, so say it once.
    const said = `status ${e.kind === 'status' ? `${e.status}: ${e.message}` : ''}`;
    if (e.kind === 'status' && notes.filter((x) => x.startsWith('status ')).at(-1) !== said)
      notes.push(said);
    if (detail && e.kind === 'tool') notes.push(`${e.tool} ${e.args.join(' ')}`);
  }
  for (const op of clusterOps.get(event.seq) ?? []) notes.push(`MySQL: ${op}`);
  const target = event.remoteUnit ? ` (${event.remoteUnit})` : '';
  const result = end?.kind === 'hook-end' && !end.ok ? `FAILED: ${end.error ?? ''}` : '';
  n++;
  console.log(
    `${String(n).padStart(4)}  ${event.unit.padEnd(width)} ${`${event.hook}${target}`.padEnd(40)} ${result}`,
  );
  for (const note of notes) console.log(`${' '.repeat(width + 7)}${note}`);
}

console.log(`\n${bold('Final state')}`);
const rows = model.units(app).map((name) => {
  const unit = model.unit(name);
  const users = cluster.usersOn(unit.address).map((u) => u.split('@')[1]);
  const member = cluster.members.indexOf(unit.address);
  return [
    name,
    unit.isLeader ? 'yes' : '',
    unit.address,
    `${unit.status.status}: ${unit.status.message}`,
    member < 0 ? 'no' : member === 0 ? 'primary' : 'secondary',
    `${users.length} (${users.join(', ')})`,
  ];
});
const header = [
  'unit',
  'leader',
  'address',
  'status',
  'in cluster',
  'cluster users on its MySQL (from)',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) =>
  cells
    .map((c, i) => c.padEnd(widths[i] ?? 0))
    .join('  ')
    .trimEnd();
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(row));

const allClustered = model
  .units(app)
  .every(
    (u) => model.unit(u).hasFlag('cluster.clustered') && model.unit(u).status.status === 'active',
  );
console.log(
  `\n${report.hooksRun} hooks (${report.hooksFailed} failed) in ${seconds.toFixed(2)} s. ` +
    (report.settled && allClustered
      ? bold(`Settled: all ${units} units are clustered.`)
      : report.settled && units < MINIMUM_CLUSTER_SIZE
        ? `Settled, NOT clustered: this charm needs at least ${MINIMUM_CLUSTER_SIZE} units to form a cluster (got ${units}; try --units ${MINIMUM_CLUSTER_SIZE}).`
        : `NOT settled: busy ${report.busyUnits.join(', ') || '-'}, in error ${report.errorUnits.join(', ') || '-'}`),
);
await model.close();
process.exitCode = report.settled && allClustered ? 0 : 1;
