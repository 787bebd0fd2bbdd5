// The charm's backend over a ReplicationFleet of real MariaDB servers on loopback: each hook's
// servers scoped from one MariaDBReplicationBackend. The model's unit addresses are not the
// servers': on loopback a replica connects from 127.0.0.1 whatever address it dials, so that is
// the host its replication account is made for.
import { MariaDBReplicationBackend } from '../../../examples/mariadb-replication/src/backend/mariadb.js';
import { scopedBackend } from '../../../examples/mariadb-replication/src/backend/scoped.js';
import type { ReplicationBackend } from '../../../examples/mariadb-replication/src/backend/types.js';
import type { ReplicationFleet } from './harness.js';

/** `backendFor` for deploySimulated: the fleet's servers, by unit name. */
export function realBackendFor(
  fleet: ReplicationFleet,
  connectTimeoutMs = 2_000,
): (rt: unknown, servers: readonly { unit: string }[]) => ReplicationBackend {
  const real = new MariaDBReplicationBackend({
    servers: Object.fromEntries(
      fleet.servers.map((s) => [s.id, { host: s.address, port: s.port, ...s.admin }]),
    ),
    connectRetrySeconds: 1,
    connectTimeoutMs,
  });
  return (_rt, servers) => ({
    ...scopedBackend(
      real,
      servers.map((s) => s.unit),
    ),
    createReplicationUser: (server, _from, credentials) =>
      real.createReplicationUser(server, '127.0.0.1', credentials),
  });
}
