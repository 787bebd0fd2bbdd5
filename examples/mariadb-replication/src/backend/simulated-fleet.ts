// A simulated fleet of MariaDB servers, in memory: per server a binlog of GTID transactions,
// the data they wrote, gtid_slave_pos, read_only, and replica IO/SQL threads with a relay log.
// Replication moves only when tick() is called, so tests decide what has replicated when.
// It enforces what MariaDB does: a replica asking for a GTID its source's binlog lacks gets
// IO error 1236; gtid_strict_mode stops the SQL thread with error 1950 on an out-of-order GTID.
// One replication domain (0): enough for one source at a time.
import { createHash } from 'node:crypto';
import type { ThreadError } from './types.js';

/** What the simulated servers keep of a password: a hash, so no snapshot holds a secret. */
export function passwordHash(password: string): string {
  return createHash('sha256').update(password).digest('base64url');
}

/** A transaction: its GTID (domain 0) and the row it wrote. */
export interface SimTransaction {
  readonly server: number;
  readonly seq: number;
  readonly key: string;
  readonly value: string;
}

/** A simulated server's replica side (SHOW SLAVE STATUS). */
export interface SimReplica {
  source: string;
  io: 'running' | 'connecting' | 'stopped';
  sql: 'running' | 'stopped';
  ioError: ThreadError | undefined;
  sqlError: ThreadError | undefined;
  /** Received, not yet applied. */
  relay: SimTransaction[];
  /** Gtid_IO_Pos: the last GTID written to the relay log. */
  relayLogged: SimTransaction | undefined;
  /** MASTER_USER, and a hash of MASTER_PASSWORD (the IO thread logs in with them). */
  user: string;
  passwordHash: string;
}

/** One simulated server: process state, faults, replication state and data. */
export interface SimServer {
  readonly id: string;
  readonly serverId: number;
  /** The address peers reach it at, and connect from (the unit's address once known). */
  host: string;
  readonly port: number;
  up: boolean;
  partitioned: boolean;
  diskFull: boolean;
  /** Fault: the SQL thread applies nothing; Seconds_Behind_Master reports this. */
  lagSeconds: number | undefined;
  readOnly: boolean;
  binlog: SimTransaction[];
  /** gtid_binlog_state set after RESET MASTER (a rebuild): server_id -> last seq_no before the binlog. */
  binlogStateBase: Map<number, number>;
  slavePos: SimTransaction | undefined;
  replica: SimReplica | undefined;
  data: Map<string, string>;
  /** `user@host` -> a hash of the password (never the password); never binlogged. */
  users: Map<string, string>;
}

/** A write a client made: acknowledged (with its GTID) or refused. */
export type WriteResult =
  | { readonly ok: true; readonly gtid: string }
  | { readonly ok: false; readonly reason: string };

/** `0-server-seq`, as MariaDB prints a GTID. */
export function gtidText(t: SimTransaction | undefined): string {
  return t ? `0-${t.server}-${t.seq}` : '';
}

/** The fleet: servers by id, faults, client writes, and replication progress. */
export class SimulatedFleet {
  readonly servers = new Map<string, SimServer>();

  /** Servers named `ids`, on 10.0.0.1.. port 3306, server_id 1.., started read-only. */
  constructor(ids: readonly string[]) {
    for (const id of ids) this.add(id);
  }

  /**
   * A new empty server named `id` (a unit added to the model), on the next address and
   * server_id, started read-only. Already there: returned as it is.
   */
  add(id: string, host?: string): SimServer {
    const existing = this.servers.get(id);
    if (existing) {
      if (host !== undefined) existing.host = host;
      return existing;
    }
    const n = this.servers.size + 1;
    const server: SimServer = {
      id,
      serverId: n,
      host: host ?? `10.0.0.${n}`,
      port: 3306,
      up: true,
      partitioned: false,
      diskFull: false,
      lagSeconds: undefined,
      readOnly: true,
      binlog: [],
      binlogStateBase: new Map(),
      slavePos: undefined,
      replica: undefined,
      data: new Map(),
      users: new Map(),
    };
    this.servers.set(id, server);
    return server;
  }

  /** The server called `id`; throws on an unknown one (a bug in the test). */
  server(id: string): SimServer {
    const s = this.servers.get(id);
    if (!s) throw new Error(`no simulated server ${id}`);
    return s;
  }

  /** Reachable by clients and peers. */
  reachable(id: string): boolean {
    const s = this.server(id);
    return s.up && !s.partitioned;
  }

  /** A client write (one row) through `id`: acknowledged only when the server took it. */
  write(id: string, key: string, value: string): WriteResult {
    const s = this.server(id);
    if (!this.reachable(id)) return { ok: false, reason: `${id} unreachable` };
    if (s.readOnly) return { ok: false, reason: `${id} is read-only (error 1290)` };
    if (s.diskFull) return { ok: false, reason: `${id} disk full` };
    const t = { server: s.serverId, seq: lastSeq(s) + 1, key, value };
    s.binlog.push(t);
    s.data.set(key, value);
    return { ok: true, gtid: gtidText(t) };
  }

  /** Fault: the process dies (SIGKILL). */
  kill(id: string): void {
    this.server(id).up = false;
  }

  /** The process starts again: read-only (the charm's my.cnf), replica threads restart. */
  restart(id: string): void {
    const s = this.server(id);
    s.up = true;
    s.readOnly = true;
    if (s.replica) {
      if (s.replica.io !== 'stopped' || !s.replica.ioError) s.replica.io = 'running';
      if (!s.replica.sqlError) s.replica.sql = 'running';
    }
  }

  /** Fault: nobody reaches the server and it reaches nobody. */
  partition(id: string, cut = true): void {
    this.server(id).partitioned = cut;
  }

  /** Fault: the replica's SQL thread stalls, reporting `seconds` behind; undefined heals it. */
  lag(id: string, seconds: number | undefined): void {
    this.server(id).lagSeconds = seconds;
  }

  /** Fault: the disk is full (writes refused, a replica's SQL thread stalls). */
  fillDisk(id: string, full = true): void {
    this.server(id).diskFull = full;
  }

  /** Fault: someone set read_only on the server. */
  setReadOnly(id: string, on: boolean): void {
    this.server(id).readOnly = on;
  }

  /** Move replication forward everywhere: each IO thread fetches, each SQL thread applies. */
  tick(): void {
    for (const s of this.servers.values()) {
      this.fetch(s);
      this.apply(s);
    }
  }

  /** The IO thread: connect to the source and copy what follows our position into the relay log. */
  fetch(s: SimServer): void {
    const r = s.replica;
    if (!r || !s.up || r.io === 'stopped') return;
    const source = this.servers.get(r.source);
    if (!source || !this.reachable(source.id) || s.partitioned) {
      r.io = 'connecting';
      return;
    }
    // The IO thread logs in as MASTER_USER from this server's address; refused, it retries
    // (MASTER_CONNECT_RETRY) and shows the error, as Slave_IO_Running: Connecting does.
    if (source.users.get(`${r.user}@${s.host}`) !== r.passwordHash) {
      r.io = 'connecting';
      r.ioError = {
        code: 1045,
        message: `error connecting to master '${r.user}@${source.host}:${source.port}' - Access denied`,
      };
      return;
    }
    const from = r.relayLogged ?? s.slavePos;
    let index = 0;
    if (from) {
      const at = source.binlog.findIndex((t) => t.server === from.server && t.seq === from.seq);
      // The binlog's first file starts at the state it was reset to (its Gtid_list event).
      const atStart =
        source.binlogStateBase.get(from.server) === from.seq && startSeq(source) === from.seq;
      if (at < 0 && !atStart) {
        r.io = 'stopped';
        r.ioError = {
          code: 1236,
          message: `Got fatal error 1236 from master when reading data from binary log: 'Error: connecting slave requested to start from GTID ${gtidText(from)}, which is not in the master's binlog'`,
        };
        return;
      }
      index = at + 1;
    }
    r.io = 'running';
    r.ioError = undefined;
    const fresh = source.binlog.slice(index);
    r.relay.push(...fresh);
    r.relayLogged = fresh.at(-1) ?? r.relayLogged ?? from;
  }

  /** The SQL thread: apply the relay log in order, refusing out-of-order GTIDs (strict mode). */
  apply(s: SimServer): void {
    const r = s.replica;
    if (!r || !s.up || r.sql !== 'running' || s.lagSeconds !== undefined || s.diskFull) return;
    while (r.relay.length > 0) {
      const t = r.relay[0];
      if (!t) break;
      if (t.seq <= lastSeq(s)) {
        if (s.binlog.some((b) => b.server === t.server && b.seq === t.seq)) {
          r.relay.shift();
          continue;
        }
        r.sql = 'stopped';
        r.sqlError = {
          code: 1950,
          message: `An attempt was made to binlog GTID ${gtidText(t)} which would create an out-of-order sequence number with existing GTID ${gtidText(s.binlog.at(-1))}, and gtid strict mode is enabled`,
        };
        return;
      }
      r.relay.shift();
      s.binlog.push(t);
      s.data.set(t.key, t.value);
      s.slavePos = t;
    }
  }
}

/** The seq_no the binlog starts after (0 unless gtid_binlog_state was restored). */
function startSeq(s: SimServer): number {
  return Math.max(0, ...s.binlogStateBase.values());
}

/** The highest seq_no the server holds in domain 0 (its binlog only grows in seq_no). */
export function lastSeq(s: SimServer): number {
  return Math.max(startSeq(s), s.slavePos?.seq ?? 0, s.binlog.at(-1)?.seq ?? 0);
}
