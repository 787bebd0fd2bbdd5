// Queueing an action on a unit as Juju queues it and waiting for its outcome: refused without
// running when the charm does not declare it (state/unit.go PrepareActionPayload), otherwise run
// by the scheduler between hooks (worker/uniter/actions/resolver.go). One run: action-run.ts.
import { type ActionResult, copyParams } from './action-run.js';
import type { SettleOptions } from './model-options.js';
import type { ModelParts } from './model-parts.js';
import type { QueuedAction, UnitRecord } from './world.js';

/** Queue `action` on `unit` and run it (see Model.runAction). */
export async function queueAction(
  parts: ModelParts,
  unit: UnitRecord,
  action: string,
  params: Readonly<Record<string, unknown>>,
  onHook: SettleOptions['onHook'],
): Promise<ActionResult> {
  const unitName = unit.name;
  if (unit.life === 'removed') throw new Error(`runAction: ${unitName} is removed`);
  const copied = copyParams(params);
  if (!copied.ok) throw new TypeError(`runAction ${action} on ${unitName}: ${copied.message}`);
  parts.recorder.model('run-action', `${unitName} ${action}`, unitName);
  if (unit.app.metadata.actions?.[action] === undefined) {
    // state/unit.go PrepareActionPayload refuses it when it is queued: nothing runs.
    return {
      status: 'failed',
      results: {},
      message: `action "${action}" not defined on unit "${unitName}"`,
      log: [],
    };
  }
  const queued: QueuedAction = { name: action, params: copied.value };
  unit.actions.push(queued);
  try {
    return await parts.scheduler.runQueuedAction(unit, queued, onHook);
  } finally {
    const left = unit.actions.indexOf(queued);
    if (left >= 0) unit.actions.splice(left, 1);
  }
}
