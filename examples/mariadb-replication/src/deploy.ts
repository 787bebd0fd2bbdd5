// The charm on a simulated Juju model with the simulated MariaDB fleet: what the demo shows and
// what the charm's scenario tests drive. Each unit's server is the fleet's server named after
// the unit; replication moves once per hook.
import { fileURLToPath } from 'node:url';
import type { HookRuntime } from 'juju-reactive';
import { Model, type ModelOptions } from 'juju-reactive/testing';
import { SimulatedReplicationBackend } from './backend/simulated.js';
import { SimulatedFleet } from './backend/simulated-fleet.js';
import { simulatedUnitBackends } from './backend/simulated-units.js';
import type { ReplicationBackend } from './backend/types.js';
import { createCharm, type ReplicationCharmOptions } from './charm.js';
import type { TopologyServer } from './charm-state.js';
import { TOPOLOGY_KEY } from './charm-state.js';
import { parseTopologyRecord, type TopologyRecord } from './failover/record.js';

/** The example's charm dir (metadata.yaml, config.yaml, actions.yaml, dispatch). */
export const CHARM_DIR = fileURLToPath(new URL('..', import.meta.url));

/** A deployment on a simulated model. */
export interface ReplicationDeployment {
  readonly model: Model;
  readonly app: string;
  /** The simulated servers (empty when `backendFor` replaced them). */
  readonly fleet: SimulatedFleet;
  readonly backend: SimulatedReplicationBackend;
}

/** How to deploy. */
export interface DeployOptions extends ModelOptions {
  readonly units: number;
  /** Application name (default `mariadb`). */
  readonly app?: string;
  /** Config set at deploy time (`failure-threshold`, ...). */
  readonly config?: Readonly<Record<string, string | number | boolean>>;
  readonly charm?: Partial<Omit<ReplicationCharmOptions, 'backendFor'>>;
  /** Replace the simulated servers (for example, real MariaDB on loopback). */
  readonly backendFor?: (rt: HookRuntime, servers: readonly TopologyServer[]) => ReplicationBackend;
}

/** Deploy the charm to a new simulated model (not settled yet). */
export async function deploySimulated(options: DeployOptions): Promise<ReplicationDeployment> {
  const app = options.app ?? 'mariadb';
  const fleet = new SimulatedFleet([]);
  const backend = new SimulatedReplicationBackend(fleet);
  const backendFor = options.backendFor ?? simulatedUnitBackends(fleet, backend);
  const model = new Model(options);
  await model.deploy(app, {
    charm: () => createCharm({ ...options.charm, backendFor }),
    charmDir: CHARM_DIR,
    units: options.units,
    ...(options.config && { config: options.config }),
  });
  return { model, app, fleet, backend };
}

/** The topology record the leader committed (leader settings), parsed. */
export function committedTopology(model: Model, app: string): TopologyRecord {
  const text = model.leaderSettings(app)[TOPOLOGY_KEY];
  return parseTopologyRecord(text === undefined ? undefined : JSON.parse(text));
}
