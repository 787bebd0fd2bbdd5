// A backend seen through the units of one hook: the servers of the topology are the units the
// peer relation names (charm-state.ts topologyServers), not every server the backend could
// reach. Used for backends that know a fixed set of servers (the simulated fleet, a test's
// real MariaDB fleet) while the model's units join and leave.
import { compareUnitNames } from 'juju-reactive';
import type { ReplicationBackend } from './types.js';

/** `backend` restricted to `units` (the ones it knows); every operation is delegated. */
export function scopedBackend(
  backend: ReplicationBackend,
  units: readonly string[],
): ReplicationBackend {
  const known = new Set(backend.servers());
  const servers = units.filter((u) => known.has(u)).sort(compareUnitNames);
  return {
    servers: () => servers,
    probe: (s) => backend.probe(s),
    probeWrite: (s) => backend.probeWrite(s),
    createReplicationUser: (s, from, c) => backend.createReplicationUser(s, from, c),
    configureAsSource: (s) => backend.configureAsSource(s),
    configureAsReplica: (s, source, c) => backend.configureAsReplica(s, source, c),
    fence: (s) => backend.fence(s),
    restartReplication: (s) => backend.restartReplication(s),
    waitRelayLogApplied: (s, t) => backend.waitRelayLogApplied(s, t),
    waitCaughtUp: (s, source, t) => backend.waitCaughtUp(s, source, t),
    rebuildFrom: (s, source, c) => backend.rebuildFrom(s, source, c),
  };
}
