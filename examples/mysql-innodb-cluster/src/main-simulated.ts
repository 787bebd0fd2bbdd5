// Entry point for running the example as real hook processes WITHOUT MySQL: the charm with the
// simulated InnoDB cluster, which every unit's process shares through the JSON file named by
// SIM_CLUSTER_STATE (loaded at hook start, saved at hook end; hooks of a simulated model run
// one at a time). For tests and benchmarks only:
//   juju-reactive pack examples/mysql-innodb-cluster --entry src/main-simulated.ts --out <dir>
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { main } from 'juju-reactive';
import { localClusterAddress } from './addresses.js';
import { type SimulatedClusterSnapshot, SimulatedInnoDBCluster } from './backend/simulated.js';
import { createCharm } from './charm.js';

const statePath = process.env.SIM_CLUSTER_STATE;
if (!statePath) {
  process.stderr.write(
    'mysql-innodb-cluster (simulated): SIM_CLUSTER_STATE must name the shared cluster file\n',
  );
  process.exit(1);
}

function load(path: string): SimulatedInnoDBCluster {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new SimulatedInnoDBCluster();
    throw error;
  }
  return SimulatedInnoDBCluster.fromSnapshot(JSON.parse(text) as SimulatedClusterSnapshot);
}

const cluster = load(statePath);
await main(createCharm({ backendFor: (rt) => cluster.backendFor(localClusterAddress(rt)) }));
// Like a real database, the cluster keeps what was done even when the hook failed afterwards.
const temp = `${statePath}.${process.pid}.tmp`;
writeFileSync(temp, JSON.stringify(cluster.snapshot()), { mode: 0o600 });
renameSync(temp, statePath);
