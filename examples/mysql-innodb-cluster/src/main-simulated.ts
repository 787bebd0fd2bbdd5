// Entry point for running the example as real hook processes WITHOUT MySQL: the charm with the
// simulated InnoDB cluster, which every unit's process shares through the JSON file named by
// SIM_CLUSTER_STATE (loaded at hook start, saved after every backend call that changed it and at
// hook end; hooks of a simulated model run one at a time). For tests and benchmarks only:
//   juju-reactive pack examples/mysql-innodb-cluster --entry src/main-simulated.ts --out <dir>
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/**
 * `cluster.changes` when the shared file last held this process's cluster (none yet: no file).
 * Counting changes, not comparing texts, keeps a backend call that changes nothing (a listing,
 * a status) free of encoding the whole cluster, which grows with the square of the units.
 */
let savedAt: number | undefined = existsSync(statePath) ? cluster.changes : undefined;

/** Save the cluster as it is now, when it changed (a temp file renamed over the shared one). */
function save(path: string): void {
  if (savedAt === cluster.changes) return;
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(cluster.snapshot()), { mode: 0o600 });
  renameSync(temp, path);
  savedAt = cluster.changes;
}

/**
 * `target` with every method saving the cluster once its call is done: like a real database,
 * the cluster keeps each change as it is made, even when the hook process is killed after it
 * (a kill right after the unit state was saved must not lose an account the state says exists).
 */
function writeThrough<T extends object>(target: T, path: string): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      const value: unknown = Reflect.get(object, key, receiver);
      if (typeof value === 'function') {
        return (...args: unknown[]) => {
          const result: unknown = Reflect.apply(value, object, args);
          if (result instanceof Promise) return result.finally(() => save(path));
          save(path);
          return result;
        };
      }
      if (value !== null && typeof value === 'object') return writeThrough(value, path);
      return value;
    },
  });
}

await main(
  createCharm({
    backendFor: (rt) => writeThrough(cluster.backendFor(localClusterAddress(rt)), statePath),
  }),
);
// And once more at the end, for a change made outside a backend call.
save(statePath);
