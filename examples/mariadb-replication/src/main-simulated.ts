// Entry point for running the example as real hook processes WITHOUT MariaDB: the charm with
// the simulated fleet, which every unit's process shares through the JSON file named by
// SIM_FLEET_STATE (loaded at hook start, saved at hook end; hooks of a simulated model run one
// at a time). For tests only:
//   juju-reactive pack examples/mariadb-replication --entry src/main-simulated.ts --out <dir>
import { main } from 'juju-reactive';
import { loadFleet, saveFleet } from './backend/fleet-file.js';
import { SimulatedReplicationBackend } from './backend/simulated.js';
import { simulatedUnitBackends } from './backend/simulated-units.js';
import { createCharm } from './charm.js';

const statePath = process.env.SIM_FLEET_STATE;
if (!statePath) {
  process.stderr.write(
    'mariadb-replication (simulated): SIM_FLEET_STATE must name the fleet file\n',
  );
  process.exit(1);
}

const fleet = loadFleet(statePath);
await main(
  createCharm({
    backendFor: simulatedUnitBackends(fleet, new SimulatedReplicationBackend(fleet)),
    applyTimeoutMs: 1_000,
  }),
);
// Like real databases, the servers keep what was done even when the hook failed afterwards.
saveFleet(fleet, statePath);
