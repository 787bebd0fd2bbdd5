// Status assessment: the charm's declared assessors run once, after every handler of a hook
// succeeded; what they return is set with status-set only after the hook committed (Juju
// applies status-set at once, so a status set by a hook that then failed would outlive it).
import type { WorkloadStatusName } from '../juju/hook-tools.js';
import type { Charm, StatusAssessment } from './charm.js';
import type { HookRuntime } from './runtime.js';

/** Unit state: the unit status last set from the assessor (a direct status-set forgets it). */
export const LAST_UNIT = 'status.unit.last';
const LAST_APPLICATION = 'status.application.last';
const NAMES: readonly WorkloadStatusName[] = ['maintenance', 'blocked', 'waiting', 'active'];

/** Statuses to set once the hook has committed. */
export interface PendingStatus {
  /** The unit's status, when it changed since the last one set. */
  readonly unit?: StatusAssessment;
  /** The application's status (leader only), when it changed since the last one set. */
  readonly application?: StatusAssessment;
}

/**
 * Run the charm's assessors (the application one on the leader only) and keep what changed
 * since the status last set, recording it in the unit state (which commits with the hook).
 * An assessor that throws fails the hook like a handler; one that returns a bad status name
 * throws, naming it.
 */
export function assessStatus(rt: HookRuntime, charm: Charm): PendingStatus {
  const { unit, application } = charm.statusAssessors;
  const pending: { unit?: StatusAssessment; application?: StatusAssessment } = {};
  if (unit !== undefined) {
    const assessed = checked(unit(rt), 'charm.status()');
    if (assessed !== undefined && rt.state.dataChanged(LAST_UNIT, normal(assessed))) {
      pending.unit = assessed;
    }
  }
  if (application !== undefined && rt.isLeader()) {
    const assessed = checked(application(rt), 'charm.applicationStatus()');
    if (assessed !== undefined && rt.state.dataChanged(LAST_APPLICATION, normal(assessed))) {
      pending.application = assessed;
    }
  }
  return pending;
}

/** Set what {@link assessStatus} found, after the commit. A failure is logged, never thrown. */
export function applyStatus(rt: HookRuntime, pending: PendingStatus): void {
  for (const [which, assessed] of [
    ['unit', pending.unit],
    ['application', pending.application],
  ] as const) {
    if (assessed === undefined) continue;
    const done = rt.juju.statusSet(
      assessed.status,
      assessed.message ?? '',
      which === 'application',
    );
    if (done.isErr()) rt.log.warning(`status-set failed: ${done.error.message}`);
  }
}

function normal(a: StatusAssessment): [string, string] {
  return [a.status, a.message ?? ''];
}

function checked(value: StatusAssessment | undefined, who: string): StatusAssessment | undefined {
  if (value === undefined) return undefined;
  if (!NAMES.includes(value.status)) {
    throw new TypeError(
      `${who} returned status ${JSON.stringify(value.status)}: a charm may set only ${NAMES.join(', ')}`,
    );
  }
  return value;
}
