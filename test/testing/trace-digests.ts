// The traces of seeded runs, as digests: what the simulator's speed work must leave unchanged.
// Each run deploys a charm, settles, adds a unit, removes one and settles again, so joined,
// changed, departed and broken hooks, leader changes and handler runs are all in the trace.
// `npx tsx test/testing/trace-digests.ts` prints them (to compare two trees, or to update
// trace-digests.json after a change that is meant to change traces).
import { createHash } from 'node:crypto';
import { deploySimulated } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { Model } from '../../src/testing/index.js';
import { fixtureCharm } from './helpers.js';

export type TracedCharm = 'peer-echo' | 'example';

/** The runs pinned: both charms at 3, 5 and 12 units, two seeds each. */
export const TRACED_RUNS: readonly { charm: TracedCharm; units: number; seed: number }[] = [
  3, 5, 12,
].flatMap((units) =>
  (['peer-echo', 'example'] as const).flatMap((charm) =>
    [1, 7].map((seed) => ({ charm, units, seed })),
  ),
);

async function deploy(charm: TracedCharm, units: number, seed: number) {
  if (charm === 'example')
    return { model: (await deploySimulated({ units, seed })).model, app: 'mysql' };
  const model = new Model({ seed });
  await model.deploy('echo', { charmDir: fixtureCharm('peer-echo'), units });
  return { model, app: 'echo' };
}

/** sha256 of the whole trace and of the detailed timeline of one seeded run, and its hook count. */
export async function traceDigest(charm: TracedCharm, units: number, seed: number) {
  const { model, app } = await deploy(charm, units, seed);
  let hooks = (await model.settle()).hooksRun;
  model.addUnit(app);
  model.removeUnit(`${app}/1`);
  const report = await model.settle();
  if (!report.settled) throw new Error(`${charm} at ${units} units did not settle`);
  hooks += report.hooksRun;
  const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
  const digest = {
    hooks,
    trace: sha(JSON.stringify(model.trace)),
    timeline: sha(model.renderTimeline({ detail: true })),
  };
  await model.close();
  return digest;
}

if (process.argv[1]?.endsWith('trace-digests.ts')) {
  const out: Record<string, unknown> = {};
  for (const { charm, units, seed } of TRACED_RUNS)
    out[`${charm} ${units} units seed ${seed}`] = await traceDigest(charm, units, seed);
  console.log(JSON.stringify(out, null, 2));
}
