// Health, judged from one observation: is the source able to take writes, and what state is
// each other server's replication in. Pure functions.
import type { ServerStatus, ThreadError } from '../backend/types.js';
import type { Observation } from './observation.js';

/** The source's health in this hook. */
export type SourceHealth =
  | { readonly healthy: true }
  | { readonly healthy: false; readonly reason: string };

/** The source is healthy when reachable, read_only=0 and it accepted the heartbeat write. */
export function sourceHealth(observation: Observation, source: string): SourceHealth {
  const seen = observation[source];
  if (!seen) return { healthy: false, reason: 'not in the topology' };
  if (!seen.probe.reachable)
    return { healthy: false, reason: `unreachable (${seen.probe.reason})` };
  if (seen.probe.status.readOnly) return { healthy: false, reason: 'refuses writes (read_only=1)' };
  if (seen.write && !seen.write.ok)
    return { healthy: false, reason: `refuses writes (${seen.write.reason})` };
  return { healthy: true };
}

/**
 * Replication errors that restarting the threads cannot fix: the data diverged. 1236: the
 * source's binlog does not hold the GTID the replica asks for (errant or purged history);
 * 1950: gtid_strict_mode refused an out-of-order GTID; 1062/1032: duplicate key / row not found
 * while applying (the replica's data differs from the source's). The cure is a rebuild.
 */
export const DIVERGED_ERRORS: ReadonlySet<number> = new Set([1236, 1950, 1062, 1032]);

/** How a server stands relative to the source it should replicate from. */
export type ReplicaState =
  | { readonly kind: 'unreachable'; readonly reason: string }
  | { readonly kind: 'replicating'; readonly lagSeconds: number | undefined }
  /** Replicating from the right source but the source is not reachable (IO thread retrying). */
  | { readonly kind: 'connecting' }
  | { readonly kind: 'stopped'; readonly error: ThreadError | undefined }
  | { readonly kind: 'diverged'; readonly error: ThreadError }
  /** Not a replica of `source` (a new server, an old source coming back, a half-done promotion). */
  | { readonly kind: 'elsewhere'; readonly writable: boolean };

/** Classify `server`'s replication from `source` in this observation. */
export function replicaState(
  observation: Observation,
  server: string,
  source: string,
): ReplicaState {
  const probe = observation[server]?.probe;
  if (!probe) return { kind: 'unreachable', reason: 'not observed' };
  if (!probe.reachable) return { kind: 'unreachable', reason: probe.reason };
  return classify(probe.status, source);
}

function classify(status: ServerStatus, source: string): ReplicaState {
  const r = status.replica;
  if (!r || r.source !== source || r.usingGtid !== 'slave_pos') {
    return { kind: 'elsewhere', writable: !status.readOnly };
  }
  const fatal = [r.ioError, r.sqlError].find((e) => e && DIVERGED_ERRORS.has(e.code));
  if (fatal) return { kind: 'diverged', error: fatal };
  if (r.sqlThread === 'stopped' || r.ioThread === 'stopped') {
    return { kind: 'stopped', error: r.sqlError ?? r.ioError };
  }
  if (r.ioThread === 'connecting') return { kind: 'connecting' };
  return { kind: 'replicating', lagSeconds: r.lagSeconds };
}

/**
 * A server that could take over from a failed source: reachable, its SQL thread applying
 * without a divergence error (the IO thread may be retrying the dead source), or already
 * promoted by an earlier run of the same failover (writable, no replication configured).
 */
export function canTakeOver(observation: Observation, server: string, source: string): boolean {
  const status = observation[server]?.probe;
  if (!status?.reachable) return false;
  if (isPromoted(status.status)) return true;
  const state = classify(status.status, source);
  return state.kind === 'replicating' || state.kind === 'connecting';
}

/** Writable with no replication configured: what configureAsSource leaves behind. */
export function isPromoted(status: ServerStatus): boolean {
  return !status.readOnly && status.replica === undefined;
}
