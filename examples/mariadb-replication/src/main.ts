// Entry point under Juju: the charm with real MariaDB. This unit's own server is reached as
// root through its local socket (unix_socket authentication, as Debian/Ubuntu's mariadb-server
// installs it); a peer's server as the replication account, which each unit creates for its
// peers' addresses with ALL PRIVILEGES (accountPrivileges: 'administration'), since whichever
// unit is leader administers the others. `juju-reactive pack` bundles this file into dist/.
import { main } from 'juju-reactive';
import { MariaDBReplicationBackend } from './backend/mariadb.js';
import type { ServerConnection } from './backend/sql.js';
import { createCharm } from './charm.js';
import { replicationCredentials } from './charm-state.js';

const PORT = 3306;
const SOCKET = process.env.MARIADB_SOCKET ?? '/run/mysqld/mysqld.sock';

await main(
  createCharm({
    backendFor: (rt, servers) => {
      const credentials = replicationCredentials(rt);
      const connections: Record<string, ServerConnection> = {};
      for (const server of servers) {
        const host = server.address ?? '127.0.0.1';
        connections[server.unit] =
          server.unit === rt.unitName
            ? { host, port: PORT, user: 'root', password: '', socketPath: SOCKET }
            : { host, port: PORT, ...credentials };
      }
      return new MariaDBReplicationBackend({
        servers: connections,
        accountPrivileges: 'administration',
      });
    },
  }),
);
