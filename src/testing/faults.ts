// Fault injection: failures armed by `model.failNextHook`, checked when armed and taken when a
// matching hook (or handler) runs. Juju has no such thing; it stands in for a charm's own bugs,
// a crashed hook process or a full disk, so tests can watch Juju's error handling.
import type { RuntimeEvents } from '../reactive/events.js';
import { compileHookPattern } from '../reactive/hook-pattern.js';
import type { FailureMatch } from './model-options.js';
import type { Fault, QueuedHook, UnitRecord } from './world.js';

/** The error message of an injected failure when the test gives none. */
export const DEFAULT_FAULT = 'injected failure (model.failNextHook)';

/**
 * Check a failure request against the unit it targets and arm it. Returns a short description
 * for the trace.
 */
export function armFault(unit: UnitRecord, match: FailureMatch): string {
  const name = unit.name;
  if (match.action !== undefined && (match.hook !== undefined || match.handler !== undefined)) {
    throw new Error(
      `failNextHook on ${name}: give an action or a hook (and handler), not both: ` +
        'an action run is not a hook',
    );
  }
  if (match.handler !== undefined && unit.app.mode === 'process') {
    throw new Error(
      `failNextHook on ${name}: handler failures need an in-process unit; ` +
        'a unit run as processes can only fail whole hooks (omit handler)',
    );
  }
  const kill = match.killAfterToolCalls;
  if (kill !== undefined) {
    if (unit.app.mode !== 'process' || match.handler !== undefined) {
      throw new Error(
        `failNextHook on ${name}: killAfterToolCalls kills a hook process; ` +
          'it needs a unit run as processes and no handler',
      );
    }
    if (!Number.isInteger(kill) || kill < 1) {
      throw new Error(
        `failNextHook on ${name}: killAfterToolCalls must be a whole number of at least 1 (got ${kill})`,
      );
    }
  }
  const fault: Fault = {
    message: match.message ?? DEFAULT_FAULT,
    remaining: match.times ?? 1,
    ...(match.hook === undefined
      ? {}
      : { hook: compileHookPattern(match.hook), hookPattern: match.hook }),
    ...(match.handler === undefined ? {} : { handler: match.handler }),
    ...(match.action === undefined ? {} : { action: compileHookPattern(match.action) }),
    ...(kill === undefined ? {} : { killAfterToolCalls: kill }),
  };
  unit.faults.push(fault);
  return [
    match.action && `action ${match.action}`,
    match.hook && `hook ${match.hook}`,
    match.handler && `handler ${match.handler}`,
    kill !== undefined && `kill after ${kill} tool calls`,
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * Take (use up one shot of) the whole-hook fault armed for this hook, if any. An action runs as
 * `actions/<name>`: only faults armed with `action` match it, and those never match a hook.
 */
export function takeHookFault(unit: UnitRecord, item: QueuedHook): Fault | undefined {
  const action = item.hook.startsWith('actions/') ? item.hook.slice('actions/'.length) : undefined;
  const fault = unit.faults.find((f) =>
    action === undefined
      ? f.action === undefined &&
        f.handler === undefined &&
        (f.hook === undefined || f.hook.test(item.hook))
      : f.action?.test(action) === true,
  );
  if (fault === undefined) return undefined;
  fault.remaining--;
  if (fault.remaining <= 0) unit.faults.splice(unit.faults.indexOf(fault), 1);
  return fault;
}

/** Make armed handler faults fire (throw) when their handler starts in this hook. */
export function armHandlerFaults(unit: UnitRecord, item: QueuedHook, events: RuntimeEvents): void {
  const handlerFaults = unit.faults.filter(
    (f) => f.handler !== undefined && (f.hook === undefined || f.hook.test(item.hook)),
  );
  if (handlerFaults.length === 0) return;
  events.on('handler.started', ({ handler }) => {
    const armed = handlerFaults.find((f) => f.handler === handler && f.remaining > 0);
    if (armed === undefined) return;
    armed.remaining--;
    if (armed.remaining <= 0) unit.faults.splice(unit.faults.indexOf(armed), 1);
    throw new Error(`${armed.message} in handler ${handler}`);
  });
}
