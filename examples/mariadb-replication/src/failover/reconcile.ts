// One leader check, start to finish: observe the servers, decide, run the steps. What a
// charm's update-status and relation hooks will call on the leader; returns the record to commit.
import type { ReplicationBackend } from '../backend/types.js';
import { type Decision, decide, type FailoverConfig } from './decide.js';
import { type ExecuteOptions, executeSteps, type StepFailure } from './execute.js';
import { type Observation, observe } from './observation.js';
import type { TopologyRecord } from './record.js';

/** A finished check: the decision taken and the best-effort steps that failed. */
export interface ReconcileResult {
  readonly decision: Decision;
  readonly failures: readonly StepFailure[];
  /** What the decision was taken on (before its steps ran). */
  readonly observation: Observation;
}

/** Observe, decide and act. Throws (so the hook fails and commits nothing) on a critical step. */
export async function reconcile(
  backend: ReplicationBackend,
  record: TopologyRecord,
  config: FailoverConfig,
  options: ExecuteOptions,
): Promise<ReconcileResult> {
  const observation = await observe(backend, record);
  const decision = decide(record, observation, config);
  const failures = await executeSteps(backend, decision.steps, options);
  return { decision, failures, observation };
}
