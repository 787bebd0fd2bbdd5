// The ReplicationBackend over a SimulatedFleet: what the engine sees and does, as MariaDB
// would answer it. Unreachable servers answer probes with a reason and refuse operations.
import { compareUnitNames } from 'juju-reactive';
import {
  gtidText,
  lastSeq,
  passwordHash,
  type SimServer,
  type SimulatedFleet,
} from './simulated-fleet.js';
import {
  assertAccount,
  type Probe,
  type ReplicationBackend,
  type ReplicationCredentials,
  type ServerStatus,
  type WriteProbe,
} from './types.js';

/** The engine's view of a simulated fleet; every operation is logged in `log`. */
export class SimulatedReplicationBackend implements ReplicationBackend {
  /** Every operation that changed a server, in order (`promote mysql/1`, ...). */
  readonly log: string[] = [];

  constructor(readonly fleet: SimulatedFleet) {}

  servers(): readonly string[] {
    return [...this.fleet.servers.keys()].sort(compareUnitNames);
  }

  private reach(id: string): SimServer {
    const s = this.fleet.server(id);
    if (!this.fleet.reachable(id)) {
      throw new Error(
        `Can't connect to MariaDB server on '${s.host}:${s.port}' (${s.up ? 'partitioned' : 'down'})`,
      );
    }
    return s;
  }

  async probe(id: string): Promise<Probe> {
    const s = this.fleet.server(id);
    if (!this.fleet.reachable(id)) {
      return { reachable: false, reason: `Can't connect to '${s.host}:${s.port}'` };
    }
    return { reachable: true, status: this.status(s) };
  }

  private status(s: SimServer): ServerStatus {
    const binlogPos = gtidText(s.binlog.at(-1));
    const state = new Map<number, number>(s.binlogStateBase);
    for (const t of s.binlog) state.set(t.server, t.seq);
    const r = s.replica;
    const source = r ? this.fleet.servers.get(r.source) : undefined;
    const threadsUp = r !== undefined && r.io === 'running' && r.sql === 'running';
    return {
      serverId: s.serverId,
      readOnly: s.readOnly,
      gtidCurrentPos: currentPos(s),
      gtidSlavePos: gtidText(s.slavePos),
      gtidBinlogPos: binlogPos,
      gtidBinlogState: [...state.entries()].map(([server, seq]) => `0-${server}-${seq}`).join(','),
      gtidStrictMode: true,
      replica: r && {
        source: r.source,
        sourceHost: source?.host ?? '',
        sourcePort: source?.port ?? 0,
        ioThread: r.io,
        sqlThread: r.sql,
        ioError: r.ioError,
        sqlError: r.sqlError,
        usingGtid: 'slave_pos',
        relayLogged: gtidText(r.relayLogged ?? s.slavePos),
        lagSeconds: threadsUp ? (s.lagSeconds ?? 0) : undefined,
      },
    };
  }

  async probeWrite(id: string): Promise<WriteProbe> {
    const result = this.fleet.write(
      id,
      'jr_replication.heartbeat',
      String(lastSeq(this.fleet.server(id)) + 1),
    );
    return result.ok ? { ok: true } : { ok: false, reason: result.reason };
  }

  async createReplicationUser(
    id: string,
    fromHost: string,
    credentials: ReplicationCredentials,
  ): Promise<void> {
    assertAccount(credentials.user, fromHost);
    this.reach(id).users.set(`${credentials.user}@${fromHost}`, passwordHash(credentials.password));
    this.log.push(`create-user ${id} ${credentials.user}@${fromHost}`);
  }

  async configureAsSource(id: string): Promise<void> {
    const s = this.reach(id);
    s.replica = undefined;
    s.readOnly = false;
    this.log.push(`promote ${id}`);
  }

  async configureAsReplica(
    id: string,
    sourceId: string,
    credentials: ReplicationCredentials,
  ): Promise<void> {
    const s = this.reach(id);
    const source = this.fleet.server(sourceId);
    assertAccount(credentials.user, source.host);
    s.readOnly = true;
    const r = s.replica;
    if (r && r.source === sourceId && r.io !== 'stopped' && r.sql === 'running') return;
    // STOP SLAVE; SET GLOBAL gtid_slave_pos = @@gtid_current_pos; CHANGE MASTER TO ...; START SLAVE
    s.slavePos = lastOf(s);
    const hash = passwordHash(credentials.password);
    const denied = source.users.get(`${credentials.user}@${s.host}`) !== hash;
    s.replica = {
      source: sourceId,
      io: denied ? 'connecting' : 'running',
      sql: 'running',
      ioError: denied
        ? {
            code: 1045,
            message: `error connecting to master '${credentials.user}@${source.host}:${source.port}' - Access denied`,
          }
        : undefined,
      sqlError: undefined,
      relay: [],
      relayLogged: undefined,
      user: credentials.user,
      passwordHash: hash,
    };
    this.log.push(`replicate ${id} from ${sourceId}`);
  }

  async fence(id: string): Promise<void> {
    this.reach(id).readOnly = true;
    this.log.push(`fence ${id}`);
  }

  async restartReplication(id: string): Promise<void> {
    const r = this.reach(id).replica;
    if (!r) throw new Error(`${id} is not a replica`);
    Object.assign(r, { io: 'running', sql: 'running', ioError: undefined, sqlError: undefined });
    this.log.push(`restart-replication ${id}`);
  }

  async waitRelayLogApplied(id: string, _timeoutMs: number): Promise<boolean> {
    const s = this.reach(id);
    this.fleet.apply(s);
    return (s.replica?.relay.length ?? 0) === 0;
  }

  async waitCaughtUp(id: string, sourceId: string, _timeoutMs: number): Promise<boolean> {
    const s = this.reach(id);
    const target = lastOf(this.reach(sourceId))?.seq ?? 0;
    this.fleet.fetch(s);
    this.fleet.apply(s);
    return (s.slavePos?.seq ?? 0) >= target;
  }

  async rebuildFrom(
    id: string,
    sourceId: string,
    credentials: ReplicationCredentials,
  ): Promise<void> {
    const s = this.reach(id);
    const source = this.reach(sourceId);
    // Drop our databases, load the dump with sql_log_bin=0: the dump's SET GLOBAL
    // gtid_slave_pos is where replication resumes.
    s.readOnly = true;
    s.data = new Map(source.data);
    // RESET MASTER, then gtid_binlog_state restored to the source's state at the dump's position.
    s.binlog = [];
    s.slavePos = lastOf(source);
    s.binlogStateBase = new Map([
      ...source.binlogStateBase,
      ...source.binlog.map((t) => [t.server, t.seq] as const),
    ]);
    s.replica = undefined;
    this.log.push(`rebuild ${id} from ${sourceId}`);
    await this.configureAsReplica(id, sourceId, credentials);
  }
}

/** gtid_current_pos in domain 0: the later of the binlog's last GTID and gtid_slave_pos. */
function currentPos(s: SimServer): string {
  return gtidText(lastOf(s));
}

function lastOf(s: SimServer): SimServer['slavePos'] {
  const b = s.binlog.at(-1);
  const p = s.slavePos;
  if (!b) return p;
  if (!p) return b;
  return b.seq >= p.seq ? b : p;
}
