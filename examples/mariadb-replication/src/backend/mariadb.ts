// The ReplicationBackend on real MariaDB 10.11 through mysql2. Statements follow MariaDB's
// GTID replication: CHANGE MASTER TO ... MASTER_USE_GTID=slave_pos, gtid_slave_pos,
// MASTER_GTID_WAIT, SHOW SLAVE STATUS (https://mariadb.com/kb/en/gtid/). MariaDB has no
// super_read_only: read_only=1 stops every account without READ ONLY ADMIN, and the replica
// threads still apply. A connection is opened per operation and always closed.
import { compareUnitNames } from 'juju-reactive';
import { formatGtidPosition, parseGtidPosition } from '../topology/gtid.js';
import { copyDump, DEFAULT_DUMP_TOOLS, type DumpTools } from './dump.js';
import { type Row, type ServerConnection, Sql } from './sql.js';
import {
  assertAccount,
  type Probe,
  type ReplicaStatus,
  type ReplicationBackend,
  type ReplicationCredentials,
  type ServerStatus,
  type WriteProbe,
} from './types.js';

/** How the backend reaches the servers. */
export interface MariaDBBackendOptions {
  /** Per unit: address, port and administrator account of its server. */
  readonly servers: Readonly<Record<string, ServerConnection>>;
  /** Bound on connecting to a server (a dead one must not hold a hook). */
  readonly connectTimeoutMs?: number;
  /** Seconds a replica waits before reconnecting to its source (MASTER_CONNECT_RETRY). */
  readonly connectRetrySeconds?: number;
  readonly tools?: DumpTools;
  /**
   * What the account createReplicationUser makes may do: `replication` (REPLICATION SLAVE, the
   * default), or `administration` (ALL PRIVILEGES: the replication account is also how the
   * leader administers its peers' servers, as the mysql-innodb-cluster charm's cluster user).
   */
  readonly accountPrivileges?: 'replication' | 'administration';
}

/** The schema holding the heartbeat the source's health check writes. */
export const HEARTBEAT_SCHEMA = 'jr_replication';
const SYSTEM_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys'];

/** Real MariaDB servers, one per unit. */
export class MariaDBReplicationBackend implements ReplicationBackend {
  constructor(private readonly options: MariaDBBackendOptions) {}

  servers(): readonly string[] {
    return Object.keys(this.options.servers).sort(compareUnitNames);
  }

  private connection(id: string): ServerConnection {
    const c = this.options.servers[id];
    if (!c) throw new Error(`no MariaDB server for unit ${id}`);
    return c;
  }

  private async with<T>(id: string, work: (sql: Sql) => Promise<T>): Promise<T> {
    const sql = await Sql.connect(this.connection(id), this.options.connectTimeoutMs ?? 3_000);
    try {
      return await work(sql);
    } finally {
      await sql.end();
    }
  }

  async probe(id: string): Promise<Probe> {
    try {
      return { reachable: true, status: await this.with(id, (sql) => this.status(sql)) };
    } catch (error) {
      return { reachable: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  private async status(sql: Sql): Promise<ServerStatus> {
    const [v] = await sql.execute(
      'SELECT @@server_id AS serverId, @@read_only AS readOnly, @@gtid_current_pos AS currentPos, ' +
        '@@gtid_slave_pos AS slavePos, @@gtid_binlog_pos AS binlogPos, ' +
        '@@gtid_binlog_state AS binlogState, @@gtid_strict_mode AS strict',
    );
    if (!v) throw new Error('no answer to the status query');
    const [slave] = await sql.query('SHOW SLAVE STATUS');
    return {
      serverId: Number(v.serverId),
      readOnly: Number(v.readOnly) === 1,
      gtidCurrentPos: String(v.currentPos ?? ''),
      gtidSlavePos: String(v.slavePos ?? ''),
      gtidBinlogPos: String(v.binlogPos ?? ''),
      gtidBinlogState: String(v.binlogState ?? ''),
      gtidStrictMode: Number(v.strict) === 1,
      replica:
        slave && String(slave.Master_Host ?? '') !== '' ? this.replicaStatus(slave) : undefined,
    };
  }

  private replicaStatus(row: Row): ReplicaStatus {
    const host = String(row.Master_Host);
    const port = Number(row.Master_Port);
    const source = this.servers().find((id) => {
      const c = this.connection(id);
      return c.host === host && c.port === port;
    });
    const io = String(row.Slave_IO_Running);
    const error = (code: unknown, message: unknown) =>
      Number(code) ? { code: Number(code), message: String(message ?? '') } : undefined;
    const lag = row.Seconds_Behind_Master;
    return {
      source,
      sourceHost: host,
      sourcePort: port,
      ioThread: io === 'Yes' ? 'running' : io === 'No' ? 'stopped' : 'connecting',
      sqlThread: String(row.Slave_SQL_Running) === 'Yes' ? 'running' : 'stopped',
      ioError: error(row.Last_IO_Errno, row.Last_IO_Error),
      sqlError: error(row.Last_SQL_Errno, row.Last_SQL_Error),
      usingGtid: String(row.Using_Gtid).toLowerCase() as ReplicaStatus['usingGtid'],
      relayLogged: String(row.Gtid_IO_Pos ?? ''),
      lagSeconds: lag === null || lag === undefined ? undefined : Number(lag),
    };
  }

  async probeWrite(id: string): Promise<WriteProbe> {
    try {
      return await this.with(id, async (sql) => {
        const [v] = await sql.execute('SELECT @@read_only AS ro');
        // The administrator holds READ ONLY ADMIN: read_only must be checked, not tried.
        if (Number(v?.ro) === 1) return { ok: false, reason: 'read_only=1' };
        await sql.execute(
          `REPLACE INTO ${HEARTBEAT_SCHEMA}.heartbeat (id, ts) VALUES (?, NOW(6))`,
          [1],
        );
        return { ok: true };
      });
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  async createReplicationUser(
    id: string,
    fromHost: string,
    credentials: ReplicationCredentials,
  ): Promise<void> {
    assertAccount(credentials.user, fromHost);
    await this.with(id, async (sql) => {
      sql.secret(credentials.password);
      await sql.query('SET SESSION sql_log_bin=0');
      await sql.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [
        credentials.user,
        fromHost,
        credentials.password,
      ]);
      // A user left by a failed hook may hold another password.
      await sql.query('ALTER USER ?@? IDENTIFIED BY ?', [
        credentials.user,
        fromHost,
        credentials.password,
      ]);
      const privileges =
        this.options.accountPrivileges === 'administration'
          ? 'ALL PRIVILEGES'
          : 'REPLICATION SLAVE';
      await sql.query(`GRANT ${privileges} ON *.* TO ?@?`, [credentials.user, fromHost]);
    });
  }

  async configureAsSource(id: string): Promise<void> {
    await this.with(id, async (sql) => {
      await sql.query('STOP SLAVE');
      await sql.query('RESET SLAVE ALL');
      await sql.query('SET GLOBAL read_only=0');
      // Created once, by the first source; checked first so a promotion adds no GTID of its own.
      const [exists] = await sql.execute(
        'SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = ?',
        [HEARTBEAT_SCHEMA, 'heartbeat'],
      );
      if (Number(exists?.n) === 0) {
        await sql.query(`CREATE DATABASE IF NOT EXISTS ${HEARTBEAT_SCHEMA}`);
        await sql.query(
          `CREATE TABLE IF NOT EXISTS ${HEARTBEAT_SCHEMA}.heartbeat (id INT PRIMARY KEY, ts DATETIME(6) NOT NULL) ENGINE=InnoDB`,
        );
      }
    });
  }

  async configureAsReplica(
    id: string,
    sourceId: string,
    credentials: ReplicationCredentials,
  ): Promise<void> {
    const source = this.connection(sourceId);
    assertAccount(credentials.user, source.host);
    await this.with(id, async (sql) => {
      sql.secret(credentials.password);
      await sql.query('SET GLOBAL read_only=1');
      const [row] = await sql.query('SHOW SLAVE STATUS');
      const current =
        row && String(row.Master_Host ?? '') !== '' ? this.replicaStatus(row) : undefined;
      if (
        current?.source === sourceId &&
        current.usingGtid === 'slave_pos' &&
        current.ioThread !== 'stopped' &&
        current.sqlThread === 'running'
      ) {
        return;
      }
      await sql.query('STOP SLAVE');
      // Resume after this server's own history (an old source's last writes included); the
      // caller checked it is a prefix of the source's.
      await sql.query('SET GLOBAL gtid_slave_pos = @@global.gtid_current_pos');
      // CHANGE MASTER TO takes literals only: validated above, escaped by the driver.
      await sql.query(
        'CHANGE MASTER TO MASTER_HOST=?, MASTER_PORT=?, MASTER_USER=?, MASTER_PASSWORD=?, ' +
          'MASTER_CONNECT_RETRY=?, MASTER_USE_GTID=slave_pos',
        [
          source.host,
          source.port,
          credentials.user,
          credentials.password,
          this.options.connectRetrySeconds ?? 1,
        ],
      );
      await sql.query('START SLAVE');
    });
  }

  async fence(id: string): Promise<void> {
    await this.with(id, (sql) => sql.query('SET GLOBAL read_only=1'));
  }

  async restartReplication(id: string): Promise<void> {
    await this.with(id, async (sql) => {
      await sql.query('STOP SLAVE');
      await sql.query('START SLAVE');
    });
  }

  async waitRelayLogApplied(id: string, timeoutMs: number): Promise<boolean> {
    return this.with(id, async (sql) => {
      const [row] = await sql.query('SHOW SLAVE STATUS');
      const relayLogged = String(row?.Gtid_IO_Pos ?? '');
      if (relayLogged === '') return true;
      parseGtidPosition(relayLogged);
      const [w] = await sql.execute('SELECT MASTER_GTID_WAIT(?, ?) AS r', [
        relayLogged,
        String(timeoutMs / 1000),
      ]);
      // 0: reached; -1: timed out (https://mariadb.com/kb/en/master_gtid_wait/).
      return Number(w?.r) === 0;
    });
  }

  async waitCaughtUp(id: string, sourceId: string, timeoutMs: number): Promise<boolean> {
    const position = await this.with(sourceId, async (sql) => {
      const [v] = await sql.execute('SELECT @@gtid_binlog_pos AS p');
      return String(v?.p ?? '');
    });
    parseGtidPosition(position);
    return this.with(id, async (sql) => {
      const [w] = await sql.execute('SELECT MASTER_GTID_WAIT(?, ?) AS r', [
        position,
        String(timeoutMs / 1000),
      ]);
      return Number(w?.r) === 0;
    });
  }

  async rebuildFrom(
    id: string,
    sourceId: string,
    credentials: ReplicationCredentials,
  ): Promise<void> {
    const databases = await this.with(sourceId, (sql) => userDatabases(sql));
    const sourceState = await this.with(sourceId, async (sql) => {
      const [v] = await sql.execute('SELECT @@gtid_binlog_state AS s');
      return String(v?.s ?? '');
    });
    await this.with(id, async (sql) => {
      await sql.query('SET GLOBAL read_only=1');
      await sql.query('STOP SLAVE');
      await sql.query('RESET SLAVE ALL');
      await sql.query('SET SESSION sql_log_bin=0');
      for (const name of await userDatabases(sql))
        await sql.query(`DROP DATABASE ${quoteIdentifier(name)}`);
      // Errant transactions leave with the binlog: never merged into the new history.
      await sql.query('RESET MASTER');
    });
    await copyDump(
      this.connection(sourceId),
      this.connection(id),
      databases,
      this.options.tools ?? DEFAULT_DUMP_TOOLS,
    );
    await this.with(id, async (sql) => {
      const [v] = await sql.execute('SELECT @@gtid_slave_pos AS p');
      const dumped = parseGtidPosition(String(v?.p ?? ''));
      // Restore the binlog state up to the dump's position, so this server, once promoted,
      // still recognises its replicas' histories as prefixes of its own.
      const state = restoredState(sourceState, dumped);
      if (state !== '') await sql.query('SET GLOBAL gtid_binlog_state = ?', [state]);
    });
    await this.configureAsReplica(id, sourceId, credentials);
  }
}

/** Non-system databases, by name. */
async function userDatabases(sql: Sql): Promise<string[]> {
  const rows = await sql.execute(
    `SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name NOT IN (${SYSTEM_SCHEMAS.map(() => '?').join(', ')}) ORDER BY schema_name`,
    SYSTEM_SCHEMAS,
  );
  return rows.map((r) => String(r.name));
}

/** Back-quote an identifier read from the server itself (doubling any back-quote). */
function quoteIdentifier(name: string): string {
  if (name.length > 64 || name.includes('\0')) throw new Error('refused an identifier');
  return `\`${name.replace(/`/g, '``')}\``;
}

/**
 * The source's binlog state cut at the dump's GTID position: entries at or before the dumped
 * seq_no in their domain (strict mode: they precede it), plus the dumped GTIDs themselves.
 */
export function restoredState(
  sourceState: string,
  dumped: ReturnType<typeof parseGtidPosition>,
): string {
  const cut = new Map(dumped.map((g) => [g.domain, g.seq]));
  const kept = parseGtidPosition(sourceState).filter((g) => {
    const limit = cut.get(g.domain);
    return (
      limit !== undefined &&
      g.seq <= limit &&
      !dumped.some((d) => d.domain === g.domain && d.server === g.server)
    );
  });
  return formatGtidPosition([...kept, ...dumped]);
}
