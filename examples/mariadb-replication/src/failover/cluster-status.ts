// The topology as an operator reads it (what the future `cluster-status` action returns as
// JSON): the leader's record plus, per unit, role, read_only, GTID positions, threads and lag.
// Built from one observation; holds no credential.
import { compareUnitNames } from 'juju-reactive';
import type { Observation } from './observation.js';
import type { TopologyRecord } from './record.js';

/** One unit's line in the status. */
export interface UnitReplicationStatus {
  readonly role: 'source' | 'replica';
  readonly reachable: boolean;
  /** Why it cannot be read, when unreachable. */
  readonly reason?: string;
  readonly 'read-only'?: boolean;
  readonly 'gtid-current-pos'?: string;
  readonly 'gtid-slave-pos'?: string;
  readonly 'gtid-binlog-pos'?: string;
  readonly 'replicating-from'?: string;
  readonly 'io-thread'?: string;
  readonly 'sql-thread'?: string;
  readonly 'lag-seconds'?: number;
  readonly 'last-error'?: string;
}

/** The whole topology. */
export interface ClusterStatus {
  readonly source: string | null;
  readonly generation: number;
  readonly 'failed-checks': number;
  readonly units: Readonly<Record<string, UnitReplicationStatus>>;
}

/** The status of every observed unit, sorted as Juju sorts unit names. */
export function clusterStatus(record: TopologyRecord, observation: Observation): ClusterStatus {
  const units: Record<string, UnitReplicationStatus> = {};
  for (const unit of Object.keys(observation).sort(compareUnitNames)) {
    const probe = observation[unit]?.probe;
    const role = unit === record.source ? 'source' : 'replica';
    if (!probe?.reachable) {
      units[unit] = { role, reachable: false, reason: probe?.reason ?? 'not observed' };
      continue;
    }
    const s = probe.status;
    const r = s.replica;
    const error = r?.sqlError ?? r?.ioError;
    units[unit] = {
      role,
      reachable: true,
      'read-only': s.readOnly,
      'gtid-current-pos': s.gtidCurrentPos,
      'gtid-slave-pos': s.gtidSlavePos,
      'gtid-binlog-pos': s.gtidBinlogPos,
      ...(r && {
        'replicating-from': r.source ?? `${r.sourceHost}:${r.sourcePort}`,
        'io-thread': r.ioThread,
        'sql-thread': r.sqlThread,
        ...(r.lagSeconds !== undefined && { 'lag-seconds': r.lagSeconds }),
        ...(error && { 'last-error': `${error.code}: ${error.message.slice(0, 200)}` }),
      }),
    };
  }
  return {
    source: record.source ?? null,
    generation: record.generation,
    'failed-checks': record.failures,
    units,
  };
}
