// The example charm when a hook dies right after it saved the unit state: the flags on disk
// have advanced, while Juju rolls back the hook's relation data and runs the hook again
// (docs/reliability.md, "the window the file store leaves"; test/reliability/
// juju-store-kills.test.ts shows the window with the ledger fixture). Juju discards the
// relation-set of a hook that does not exit 0: worker/uniter/runner/context/context.go
// commits relation settings in Flush only when the hook succeeded.
// In process, such a death is a throw from a hook.end listener: runHook has saved the state
// (src/charm/run-hook.ts: store.save before hook.end), the hook fails, and the model commits
// none of its transaction. The charm must converge from what Juju committed.
import { describe, expect, it } from 'vitest';
import { localClusterAddress } from '../../examples/mysql-innodb-cluster/src/addresses.js';
import { SimulatedInnoDBCluster } from '../../examples/mysql-innodb-cluster/src/backend/simulated.js';
import { createCharm } from '../../examples/mysql-innodb-cluster/src/charm.js';
import { CHARM_DIR } from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { Model, mulberry32, type TimelineEntry } from '../../src/testing/index.js';
import { randomIndex } from '../../src/testing/random.js';

const TRIALS = Number(process.env.JR_EXAMPLE_KILL_SEEDS ?? 60);

/** A 3-unit deployment whose units die after the state save of the hooks `kill` names. */
async function deploy(seed: number) {
  const cluster = new SimulatedInnoDBCluster();
  const model = new Model({ seed, maxRetries: 1000, trace: 'hooks' });
  const doomed = new Set<string>();
  let kills = 0;
  await model.deploy('mysql', {
    charmDir: CHARM_DIR,
    units: 3,
    charm: () =>
      createCharm({ backendFor: (rt) => cluster.backendFor(localClusterAddress(rt)) }).handler(
        { id: 'die-after-state-save' },
        function dieAfterStateSave(rt) {
          if (!doomed.delete(rt.unitName)) return;
          rt.events.once('hook.end', ({ ok }) => {
            if (!ok) return;
            kills++;
            throw new Error('SIGKILL after the unit state was saved');
          });
        },
      ),
  });
  cluster.instanceGone = (address) =>
    !model.units('mysql').some((u) => model.unit(u).address === address);
  return { model, cluster, doomed, kills: () => kills };
}

describe('a hook killed right after the unit state was saved', () => {
  it(`never wedges the cluster (${TRIALS} trials, up to 3 kills each)`, async () => {
    const wedged: string[] = [];
    let killed = 0;
    for (let seed = 1; seed <= TRIALS; seed++) {
      const { model, cluster, doomed, kills } = await deploy(seed);
      const random = mulberry32(seed);
      // Kill a random unit's hook at a random point of clustering, up to three times.
      const target = [
        1 + randomIndex(random, 40),
        1 + randomIndex(random, 40),
        1 + randomIndex(random, 40),
      ];
      let hooks = 0;
      const onHook = (_entry: TimelineEntry): void => {
        hooks++;
        if (target.includes(hooks)) {
          const units = model.units('mysql');
          doomed.add(units[randomIndex(random, units.length)] ?? 'mysql/0');
        }
      };
      const report = await model.settle({ onHook });
      killed += kills();
      const units = model.units('mysql');
      const addresses = units.map((u) => model.unit(u).address).sort();
      const bad = units
        .filter((u) => model.unit(u).status.status !== 'active')
        .map((u) => `${u} ${model.unit(u).status.message}`);
      if (
        !report.settled ||
        bad.length > 0 ||
        [...cluster.members].sort().join() !== addresses.join()
      )
        wedged.push(
          `seed ${seed}: settled ${report.settled}; ${bad.join('; ')}; members [${cluster.members}]; errors ${units.map((u) => model.unit(u).error?.message).filter(Boolean)}; busy ${report.busyUnits}`,
        );
    }
    console.log(
      `killed after the state save: ${TRIALS} trials, ${killed} hooks killed, ${wedged.length} wedged`,
    );
    expect(killed).toBeGreaterThan(TRIALS);
    expect(wedged).toEqual([]);
  }, 120_000);
});
