// Run a decision's steps against a backend, in order. Steps that the new topology depends on
// (waiting for the relay log, promoting) fail the hook when they fail, so the record is not
// committed and the hook is retried; steps on other servers are best effort and reported, so
// one broken replica never holds the whole topology back.
import type { ReplicationBackend, ReplicationCredentials } from '../backend/types.js';
import type { Step } from './decide.js';
import { messageOf } from './observation.js';

/** How to run steps. */
export interface ExecuteOptions {
  readonly credentials: ReplicationCredentials;
  /** Bound on waiting for a candidate's relay log to be applied. */
  readonly applyTimeoutMs: number;
  /** Called before each step (the charm logs it; tests record it). */
  readonly onStep?: (step: Step) => void;
}

/** A best-effort step that failed. */
export interface StepFailure {
  readonly step: Step;
  readonly error: string;
}

/** Steps whose failure must fail the hook. */
export function isCritical(step: Step): boolean {
  return (
    step.kind === 'wait-applied' ||
    step.kind === 'catch-up' ||
    step.kind === 'promote' ||
    (step.kind === 'fence' && step.required === true)
  );
}

/** Describe a step for logs (never contains a credential). */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'replicate':
      return `replicate ${step.server} from ${step.source}`;
    case 'catch-up':
      return `wait until ${step.server} caught up with ${step.source}`;
    case 'rebuild':
      return `rebuild ${step.server} from ${step.source} (${step.reason})`;
    default:
      return `${step.kind} ${step.server}`;
  }
}

/** Run `steps` in order; throws on the first critical failure, returns the others. */
export async function executeSteps(
  backend: ReplicationBackend,
  steps: readonly Step[],
  options: ExecuteOptions,
): Promise<StepFailure[]> {
  const failures: StepFailure[] = [];
  for (const step of steps) {
    options.onStep?.(step);
    try {
      await runStep(backend, step, options);
    } catch (error) {
      if (isCritical(step)) throw new Error(`${describeStep(step)} failed: ${messageOf(error)}`);
      failures.push({ step, error: messageOf(error) });
    }
  }
  return failures;
}

async function runStep(
  backend: ReplicationBackend,
  step: Step,
  options: ExecuteOptions,
): Promise<void> {
  switch (step.kind) {
    case 'fence':
      return backend.fence(step.server);
    case 'wait-applied':
      if (!(await backend.waitRelayLogApplied(step.server, options.applyTimeoutMs))) {
        throw new Error(`relay log not applied within ${options.applyTimeoutMs} ms`);
      }
      return;
    case 'catch-up':
      if (!(await backend.waitCaughtUp(step.server, step.source, options.applyTimeoutMs))) {
        throw new Error(
          `${step.server} did not catch up with ${step.source} within ${options.applyTimeoutMs} ms`,
        );
      }
      return;
    case 'promote':
      return backend.configureAsSource(step.server);
    case 'replicate':
      return backend.configureAsReplica(step.server, step.source, options.credentials);
    case 'rebuild':
      return backend.rebuildFrom(step.server, step.source, options.credentials);
    case 'restart-replication':
      return backend.restartReplication(step.server);
  }
}
