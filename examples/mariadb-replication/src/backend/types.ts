// The ReplicationBackend contract: everything the failover engine asks of a set of MariaDB
// servers in one asynchronous GTID replication topology. Two implementations: real MariaDB
// through mysql2 (mariadb.ts) and an in-memory fleet for the scenario catalogue (simulated.ts).
// Servers are named by an id (the unit name); each backend knows how to reach them.

/** A replication thread's last error, as SHOW SLAVE STATUS reports it. */
export interface ThreadError {
  readonly code: number;
  readonly message: string;
}

/** What a server reports about its replica threads (SHOW SLAVE STATUS), when it is a replica. */
export interface ReplicaStatus {
  /** The id of the server it replicates from (resolved from Master_Host/Master_Port). */
  readonly source: string | undefined;
  readonly sourceHost: string;
  readonly sourcePort: number;
  /** Slave_IO_Running: `Connecting` while the source cannot be reached. */
  readonly ioThread: 'running' | 'connecting' | 'stopped';
  readonly sqlThread: 'running' | 'stopped';
  readonly ioError: ThreadError | undefined;
  readonly sqlError: ThreadError | undefined;
  /** Using_Gtid: the configuration this engine writes is `slave_pos`. */
  readonly usingGtid: 'slave_pos' | 'current_pos' | 'no';
  /** Gtid_IO_Pos: what the IO thread has written to the relay log. */
  readonly relayLogged: string;
  /** Seconds_Behind_Master; undefined when MariaDB reports NULL (IO or SQL thread not running). */
  readonly lagSeconds: number | undefined;
}

/** One server as observed, with MariaDB's own values (positions as MariaDB prints them). */
export interface ServerStatus {
  readonly serverId: number;
  readonly readOnly: boolean;
  readonly gtidCurrentPos: string;
  /** Applied through replication (what MASTER_USE_GTID=slave_pos resumes from). */
  readonly gtidSlavePos: string;
  readonly gtidBinlogPos: string;
  /** Last GTID per (domain, server_id) in the binlog: the basis of the errant-transaction check. */
  readonly gtidBinlogState: string;
  readonly gtidStrictMode: boolean;
  /** undefined when no replication is configured (after RESET SLAVE ALL). */
  readonly replica: ReplicaStatus | undefined;
}

/** A probe's answer: the server's status, or why it could not be read. */
export type Probe =
  | { readonly reachable: true; readonly status: ServerStatus }
  | { readonly reachable: false; readonly reason: string };

/** Whether a server accepted a write (the heartbeat), and why not. */
export type WriteProbe = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The account replicas connect with. The password never reaches argv, logs or errors. */
export interface ReplicationCredentials {
  readonly user: string;
  readonly password: string;
}

/** Operations on one topology. Each is idempotent: running it twice leaves the same state. */
export interface ReplicationBackend {
  /** Ids of the servers this backend reaches, sorted as Juju sorts unit names. */
  servers(): readonly string[];
  /** Read a server's status; an unreachable server is an answer, not an exception. */
  probe(server: string): Promise<Probe>;
  /** Write the heartbeat on a server (a source's health check: disk full, read-only filesystem). */
  probeWrite(server: string): Promise<WriteProbe>;
  /**
   * Create (or re-password) the replication user on `server` for replicas connecting from
   * `fromHost`, with REPLICATION SLAVE. Not binlogged (sql_log_bin=0): a local account must not
   * become a GTID the other servers lack.
   */
  createReplicationUser(
    server: string,
    fromHost: string,
    credentials: ReplicationCredentials,
  ): Promise<void>;
  /** Make `server` a source: stop replication, RESET SLAVE ALL, read_only=0. */
  configureAsSource(server: string): Promise<void>;
  /**
   * Make `server` a replica of `source`: read_only=1, CHANGE MASTER TO the source with
   * MASTER_USE_GTID=slave_pos (gtid_slave_pos set to the server's gtid_current_pos first, so an
   * old source resumes after its own writes), START SLAVE. The caller checks for errant
   * transactions first. Already so configured and running: nothing changes.
   */
  configureAsReplica(
    server: string,
    source: string,
    credentials: ReplicationCredentials,
  ): Promise<void>;
  /** read_only=1 now, whatever else the server does: a suspect source is fenced before promotion. */
  fence(server: string): Promise<void>;
  /** STOP SLAVE; START SLAVE (a replica whose threads stopped on a transient error). */
  restartReplication(server: string): Promise<void>;
  /**
   * Wait until `server` has applied what its relay log holds (MASTER_GTID_WAIT on Gtid_IO_Pos),
   * at most `timeoutMs`. True when applied; false on timeout.
   */
  waitRelayLogApplied(server: string, timeoutMs: number): Promise<boolean>;
  /**
   * Wait until `server` has applied everything `source` has binlogged (its gtid_binlog_pos, read
   * now), at most `timeoutMs`: the no-data-loss step of a planned switchover, after the source
   * was fenced. True when caught up; false on timeout.
   */
  waitCaughtUp(server: string, source: string, timeoutMs: number): Promise<boolean>;
  /**
   * Replace `server`'s data with a consistent dump of `source` (mariadb-dump --single-transaction
   * --master-data=1 --gtid) and make it a replica of `source`. Its own databases and binlog are
   * discarded first (RESET MASTER): errant transactions are dropped, never merged.
   */
  rebuildFrom(server: string, source: string, credentials: ReplicationCredentials): Promise<void>;
}

const IDENT = /^[A-Za-z0-9_]{1,64}$/;
const ACCOUNT = /^[A-Za-z0-9_.-]{1,80}$/;
const HOST = /^[A-Za-z0-9_.:%-]{1,255}$/;

/** Refuse a database or table name that is not plain (it reaches SQL as an identifier). */
export function assertIdentifier(name: string, what: string): string {
  if (!IDENT.test(name))
    throw new Error(
      `refused ${what} ${JSON.stringify(name.slice(0, 80))}: not a plain SQL identifier`,
    );
  return name;
}

/** Refuse an account name or host that is not plain (it reaches CHANGE MASTER / CREATE USER). */
export function assertAccount(user: string, host: string): void {
  if (!ACCOUNT.test(user))
    throw new Error(`refused replication user ${JSON.stringify(user.slice(0, 80))}`);
  if (!HOST.test(host)) throw new Error(`refused host ${JSON.stringify(host.slice(0, 80))}`);
}
