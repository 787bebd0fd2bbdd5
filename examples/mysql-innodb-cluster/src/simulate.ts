// The example charm on a simulated model with the simulated InnoDB cluster: what `npm start`
// shows and what the lifecycle tests drive. Each unit's backend is the simulated instance at
// the unit's own cluster address.
import { fileURLToPath } from 'node:url';
import type { HookRuntime } from 'juju-reactive';
import { Model, type ModelOptions } from 'juju-reactive/testing';
import { localClusterAddress } from './addresses.js';
import { SimulatedInnoDBCluster } from './backend/simulated.js';
import type { ClusterBackend } from './backend/types.js';
import { createCharm, type MySQLCharmOptions } from './charm.js';

/** The example's charm dir (metadata.yaml, config.yaml, dispatch). */
export const CHARM_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface SimulatedDeployment {
  readonly model: Model;
  readonly cluster: SimulatedInnoDBCluster;
  readonly app: string;
}

export interface SimulateOptions extends ModelOptions {
  readonly units: number;
  readonly app?: string;
  readonly charm?: Partial<Omit<MySQLCharmOptions, 'backendFor'>>;
  /** Replace the backend (for example, real MariaDB users plus the simulated cluster). */
  readonly backendFor?: (rt: HookRuntime, cluster: SimulatedInnoDBCluster) => ClusterBackend;
}

/** Deploy the example to a new simulated model (not settled yet). */
export async function deploySimulated(options: SimulateOptions): Promise<SimulatedDeployment> {
  const cluster = new SimulatedInnoDBCluster();
  const model = new Model(options);
  const app = options.app ?? 'mysql';
  // An instance is gone once no unit of the model runs at its address any more.
  cluster.instanceGone = (address) =>
    !model.units(app).some((unit) => model.unit(unit).address === address);
  const backendFor =
    options.backendFor ??
    ((rt: HookRuntime, c: SimulatedInnoDBCluster) => c.backendFor(localClusterAddress(rt)));
  await model.deploy(app, {
    charm: () => createCharm({ ...options.charm, backendFor: (rt) => backendFor(rt, cluster) }),
    charmDir: CHARM_DIR,
    units: options.units,
  });
  return { model, cluster, app };
}
