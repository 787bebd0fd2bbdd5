// The failover decision: from the leader's record and this hook's observation, the record to
// commit, the steps to run and the status to show. Pure and deterministic. Every plan is made
// of idempotent steps and re-derived from the databases each hook, so a hook killed half-way
// and retried converges to the same topology (an interrupted promotion is finished, never
// repeated on another server).
import { compareUnitNames } from 'juju-reactive';
import {
  compareGtidPositions,
  errantTransactions,
  formatGtidPosition,
  type GtidPosition,
  parseGtidPosition,
  positionWeight,
} from '../topology/gtid.js';
import { rankCandidates } from './candidate.js';
import { isPromoted, replicaState, sourceHealth } from './health.js';
import type { Observation } from './observation.js';
import { statusOf } from './observation.js';
import { afterPromotion, type TopologyRecord } from './record.js';

/** The failover settings (charm config). */
export interface FailoverConfig {
  /** Consecutive failed checks of the source before a failover. */
  readonly failureThreshold: number;
  /** A replica lagging more than this is not promoted while one within the bound can be. */
  readonly maxLagSeconds: number;
  /**
   * Servers not to promote while another one can take over: those MySQL Router hides from
   * clients (the `_hidden` tag, seed 003: "excluded from the application's possible
   * destinations"), which as the source would receive no client connection.
   */
  readonly avoid?: ReadonlySet<string>;
}

/** One idempotent operation on one server. `critical` steps fail the hook when they fail. */
export type Step =
  /** `required`: the hook fails when it fails (a switchover must not go on without it). */
  | { readonly kind: 'fence'; readonly server: string; readonly required?: boolean }
  | { readonly kind: 'catch-up'; readonly server: string; readonly source: string }
  | { readonly kind: 'wait-applied'; readonly server: string }
  | { readonly kind: 'promote'; readonly server: string }
  | { readonly kind: 'replicate'; readonly server: string; readonly source: string }
  | {
      readonly kind: 'rebuild';
      readonly server: string;
      readonly source: string;
      readonly reason: string;
    }
  | { readonly kind: 'restart-replication'; readonly server: string };

/** The workload status the leader sets, in Juju's words. */
export interface WorkloadStatus {
  readonly status: 'active' | 'blocked' | 'waiting' | 'maintenance';
  readonly message: string;
}

/** What to do in this hook. */
export interface Decision {
  /** The record to commit when every critical step succeeded. */
  readonly record: TopologyRecord;
  readonly steps: readonly Step[];
  readonly status: WorkloadStatus;
  /** Operator alerts (logged at WARNING): both source and replicas down, a rebuild. */
  readonly alerts: readonly string[];
}

/** Decide what the leader does in this hook. */
export function decide(
  record: TopologyRecord,
  observation: Observation,
  config: FailoverConfig,
): Decision {
  const servers = Object.keys(observation).sort(compareUnitNames);
  if (record.source === undefined || !servers.includes(record.source)) {
    return bootstrap(record, observation, servers, config.avoid);
  }
  const source = record.source;
  const health = sourceHealth(observation, source);
  // A healthy source stays the source: any other writable server is fenced and rejoined.
  if (health.healthy) return steady(record, observation, servers, source);
  const ranked = rankCandidates(observation, record, source, config);
  const best = ranked[0];
  const sourceStatus = statusOf(observation, source);
  // A promotion interrupted by a killed hook is finished, not redone elsewhere: the promoted
  // server still ranks first (nothing was published, nothing written to it). It is continued
  // only when it holds at least what the old source holds, if that one can be read.
  const resuming =
    best?.promoted === true &&
    (sourceStatus === undefined ||
      ['ahead', 'equal'].includes(
        compareGtidPositions(best.willHold, parseGtidPosition(sourceStatus.gtidCurrentPos)),
      ));
  if (sourceStatus?.readOnly && !resuming) {
    // Servers start read-only (my.cnf); a recorded source that restarted, or that someone made
    // read-only, is made the single writer again.
    return {
      record,
      steps: [{ kind: 'promote', server: source }],
      status: {
        status: 'maintenance',
        message: `re-enabling writes on source ${source} (read_only=1)`,
      },
      alerts: [],
    };
  }
  const failures = record.failures + 1;
  const reason = health.reason;
  if (!best) {
    const down = servers
      .filter((s) => s !== source)
      .map((s) => describeReplica(observation, s, source));
    const message = `source ${source} ${reason}; no replica can take over: ${down.join(', ') || 'none deployed'}`;
    return {
      record: { ...record, failures },
      steps: [],
      status: { status: 'blocked', message },
      alerts: [message],
    };
  }
  if (failures < config.failureThreshold && !resuming) {
    return {
      record: { ...record, failures },
      steps: [],
      status: {
        status: 'active',
        message: `source ${source} failed health check ${failures}/${config.failureThreshold}: ${reason}`,
      },
      alerts: [],
    };
  }
  const decision = failover(
    record,
    observation,
    servers,
    source,
    best.server,
    best.promoted,
    reason,
  );
  return config.avoid?.has(best.server) === true
    ? { ...decision, alerts: [...decision.alerts, hiddenSourceAlert(best.server)] }
    : decision;
}

function failover(
  record: TopologyRecord,
  observation: Observation,
  servers: readonly string[],
  oldSource: string,
  next: string,
  alreadyPromoted: boolean,
  reason: string,
): Decision {
  const steps: Step[] = [];
  // Fence first: a source that is reachable but failing must not take writes after the new
  // one does. Best effort: an unreachable one is fenced when it returns (it restarts read-only).
  if (observation[oldSource]?.probe.reachable) steps.push({ kind: 'fence', server: oldSource });
  if (!alreadyPromoted) steps.push({ kind: 'wait-applied', server: next });
  steps.push({ kind: 'promote', server: next });
  const nextStatus = statusOf(observation, next);
  // What the new source will hold once promoted: its binlog plus its applied relay log.
  const state = nextStatus
    ? [
        ...parseGtidPosition(nextStatus.gtidBinlogState),
        ...parseGtidPosition(nextStatus.replica?.relayLogged ?? ''),
      ]
    : [];
  const alerts = [`failover: ${oldSource} ${reason}; promoting ${next}`];
  for (const server of servers) {
    if (server === next) continue;
    const status = statusOf(observation, server);
    if (!status) continue;
    const join = joinStep(server, status.gtidCurrentPos, next, state);
    steps.push(join.step);
    if (join.alert) alerts.push(join.alert);
  }
  return {
    record: afterPromotion(record, servers, next),
    steps,
    status: { status: 'maintenance', message: `failing over from ${oldSource} to ${next}` },
    alerts,
  };
}

function steady(
  record: TopologyRecord,
  observation: Observation,
  servers: readonly string[],
  source: string,
): Decision {
  const steps: Step[] = [];
  const alerts: string[] = [];
  const lastLag: Record<string, number> = {};
  const notes: string[] = [];
  const sourceStatus = statusOf(observation, source);
  const state = parseGtidPosition(sourceStatus?.gtidBinlogState ?? '');
  for (const server of servers) {
    if (server === source) continue;
    const state_ = replicaState(observation, server, source);
    switch (state_.kind) {
      case 'unreachable':
        notes.push(`${server} unreachable`);
        break;
      case 'replicating':
        if (state_.lagSeconds !== undefined) lastLag[server] = state_.lagSeconds;
        if (!statusOf(observation, server)?.readOnly) steps.push({ kind: 'fence', server });
        break;
      case 'connecting':
        notes.push(`${server} connecting to ${source}`);
        break;
      case 'stopped':
        steps.push({ kind: 'restart-replication', server });
        notes.push(
          `${server} replication restarted${state_.error ? ` after error ${state_.error.code}` : ''}`,
        );
        break;
      case 'diverged': {
        const reason = `replication error ${state_.error.code}`;
        steps.push({ kind: 'rebuild', server, source, reason });
        alerts.push(
          `${server} stopped replicating with error ${state_.error.code}; rebuilding it from a dump of ${source}`,
        );
        notes.push(`${server} rebuilding`);
        break;
      }
      case 'elsewhere': {
        const status = statusOf(observation, server);
        if (state_.writable) steps.push({ kind: 'fence', server });
        const join = joinStep(server, status?.gtidCurrentPos ?? '', source, state);
        steps.push(join.step);
        if (join.alert) alerts.push(join.alert);
        notes.push(`${server} ${join.step.kind === 'rebuild' ? 'rebuilding' : 'joining'}`);
        break;
      }
    }
  }
  const replicas = servers.filter((s) => s !== source);
  const message = `source ${source}; replicas ${replicas.join(', ') || 'none'}${notes.length ? ` (${notes.join('; ')})` : ''}`;
  return {
    record: { ...record, replicas, failures: 0, lastLag },
    steps,
    status: { status: 'active', message },
    alerts,
  };
}

/** The initial setup: make one server the source and the rest its replicas. */
/** The alert when the only server that can take over is one clients are routed away from. */
export function hiddenSourceAlert(server: string): string {
  return (
    `promoting ${server}, which its _hidden tag hides from clients: no other server can take ` +
    `over. Clear the tag (set-instance-option instance=${server} option=tag:_hidden value=false) ` +
    'so clients reach the new source'
  );
}

function bootstrap(
  record: TopologyRecord,
  observation: Observation,
  servers: readonly string[],
  avoid: ReadonlySet<string> | undefined,
): Decision {
  const reachable = servers.filter((s) => statusOf(observation, s) !== undefined);
  // Resume an interrupted setup (a server already promoted), else take the most advanced
  // server (fresh servers are all empty: the first unit).
  const ranked = [...reachable].sort((a, b) => {
    const sa = statusOf(observation, a);
    const sb = statusOf(observation, b);
    if (!sa || !sb) return 0;
    if (isPromoted(sa) !== isPromoted(sb)) return isPromoted(sa) ? -1 : 1;
    const ha = avoid?.has(a) === true;
    if (ha !== (avoid?.has(b) === true)) return ha ? 1 : -1;
    const wa = positionWeight(parseGtidPosition(sa.gtidCurrentPos));
    const wb = positionWeight(parseGtidPosition(sb.gtidCurrentPos));
    if (wa !== wb) return wa > wb ? -1 : 1;
    return compareUnitNames(a, b);
  });
  const source = ranked[0];
  if (source === undefined) {
    const message = `no server reachable: ${servers.join(', ') || 'none deployed'}`;
    return { record, steps: [], status: { status: 'blocked', message }, alerts: [message] };
  }
  const promoted: TopologyRecord = {
    ...record,
    source,
    generation: record.generation + 1,
    failures: 0,
  };
  const rest = steady(promoted, observation, servers, source);
  return {
    ...rest,
    steps: [{ kind: 'promote', server: source }, ...rest.steps],
    alerts: avoid?.has(source) === true ? [...rest.alerts, hiddenSourceAlert(source)] : rest.alerts,
  };
}

/**
 * How a server that is not replicating from `source` joins it: replicate when its history is a
 * prefix of the source's binlog state, else rebuild from a dump (with an alert). Never merged.
 */
function joinStep(
  server: string,
  history: string,
  source: string,
  sourceState: GtidPosition,
): { step: Step; alert?: string } {
  const first = errantTransactions(parseGtidPosition(history), sourceState)[0];
  if (!first) return { step: { kind: 'replicate', server, source } };
  const reason = `errant transaction ${formatGtidPosition([first.gtid])}: ${first.reason}`;
  return {
    step: { kind: 'rebuild', server, source, reason },
    alert: `${server} has an ${reason}; rebuilding it from a dump of ${source}`,
  };
}

/** One replica's state, for a blocked message. */
function describeReplica(observation: Observation, server: string, source: string): string {
  const state = replicaState(observation, server, source);
  switch (state.kind) {
    case 'unreachable':
      return `${server} unreachable`;
    case 'diverged':
      return `${server} diverged (error ${state.error.code})`;
    case 'stopped':
      return `${server} replication stopped${state.error ? ` (error ${state.error.code})` : ''}`;
    default:
      return `${server} ${state.kind}`;
  }
}
