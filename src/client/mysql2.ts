// The usual connector: mysql2/promise, loaded on first use. mysql2 is a peer dependency of
// juju-reactive: an application that uses this client installs it (and so shares one copy
// with its own code); a charm that never imports the client does not pay for it.
import type { Connection, ConnectionOptions } from 'mysql2/promise';
import type { ClusterMember } from '../discovery/view.js';

/** Connection options without where to connect: the member gives host and port. */
export type MemberConnectionOptions = Omit<
  ConnectionOptions,
  'host' | 'port' | 'socketPath' | 'stream'
>;

/**
 * A `connect` for ClusterClient that opens a mysql2/promise connection to the member.
 * @example new ClusterClient({ source, connect: mysql2Connector({ user: 'app', password }) })
 */
export function mysql2Connector(
  options: MemberConnectionOptions,
): (member: ClusterMember) => Promise<Connection> {
  return async (member) => {
    const mysql = await import('mysql2/promise');
    const connection = await mysql.createConnection({
      connectTimeout: 5_000,
      ...options,
      host: member.address,
      port: member.port,
    });
    // A server that goes away between statements makes mysql2 emit 'error': without a
    // listener that would end the application. The next statement reports it instead.
    connection.on('error', () => undefined);
    return connection;
  };
}
