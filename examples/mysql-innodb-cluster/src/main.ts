// Entry point under Juju: the charm with real MySQL (local socket) and MySQL Shell.
// `juju-reactive pack` bundles this file into dist/ (dispatch runs dist/charm.cjs).
import { main } from 'juju-reactive';
import { MysqlShellOperations } from './backend/mysqlsh.js';
import { SqlUserBackend } from './backend/sql-users.js';
import { createCharm } from './charm.js';

const users = new SqlUserBackend({
  socketPath: process.env.MYSQL_SOCKET ?? '/var/run/mysqld/mysqld.sock',
  user: 'root',
});
const cluster = new MysqlShellOperations();

await main(createCharm({ backendFor: () => ({ users, cluster }) }));
