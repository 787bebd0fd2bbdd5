// One run of an action on a simulated unit: its params, the results action-set recorded (with
// Juju's nesting rules), the action-log lines, the action-fail message, and how it ended
// (worker/uniter/runner/context/context.go finalizeAction). Both run modes record here: the
// in-process tools and the process-mode tool commands call the same UnitHookTools.
import { actionKeyProblem } from '../juju/tool-args.js';
import type { QueuedAction } from './world.js';

/** How an action run on a simulated unit ended, as `model.runAction` returns it. */
export interface ActionResult {
  /** `completed`, or `failed` (action-fail was called, the charm exited non-zero, or Juju refused it). */
  readonly status: 'completed' | 'failed';
  /**
   * The results action-set recorded, as dotted keys (`backup.path`); Juju stores them nested
   * (`{backup: {path}}`), with a later key replacing what it overlaps (`a=1` then `a.b=2`
   * leaves only `a.b`).
   */
  readonly results: Readonly<Record<string, string>>;
  /**
   * Why it failed: the action-fail message; `exit status N` when the charm exited non-zero
   * (Juju replaces the action-fail message with the process error); Juju's refusal of an
   * action the charm does not declare.
   */
  readonly message?: string;
  /** The action-log lines, in order. */
  readonly log: readonly string[];
}

/** action-fail without a message (worker/uniter/runner/jujuc/action-fail.go Init). */
export const DEFAULT_FAIL_MESSAGE = 'action failed without reason given, check action for errors';

/** Deepest params accepted by `model.runAction`; deeper input is refused, not walked. */
const MAX_PARAMS_DEPTH = 32;

/**
 * A private copy of `params` as plain JSON data (what `juju run` could send), or a message
 * saying why it is not.
 */
export function copyParams(
  params: unknown,
): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return { ok: false, message: 'params must be an object of param name to value' };
  }
  const check = (value: unknown, path: string, depth: number): string | undefined => {
    if (depth > MAX_PARAMS_DEPTH) return `params nest deeper than ${MAX_PARAMS_DEPTH} levels`;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      return Number.isFinite(value) ? undefined : `param "${path}" is not a finite number`;
    }
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) {
        const problem = check(v, `${path}.${i}`, depth + 1);
        if (problem !== undefined) return problem;
      }
      return;
    }
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const problem = check(v, path === '' ? k : `${path}.${k}`, depth + 1);
        if (problem !== undefined) return problem;
      }
      return;
    }
    return `param "${path}" is not JSON data (${typeof value})`;
  };
  const problem = check(params, '', 0);
  if (problem !== undefined) return { ok: false, message: problem };
  return { ok: true, value: structuredClone(params) as Record<string, unknown> };
}

/** The state of one action while it runs. */
export class ActionRun {
  private readonly results = new Map<string, string>();
  private readonly lines: string[] = [];
  private failMessage: string | undefined;

  constructor(
    /** The action waiting in the unit's queue. */
    readonly action: QueuedAction,
    /** `JUJU_ACTION_UUID`. */
    readonly uuid: string,
  ) {}

  /** The action name. */
  get name(): string {
    return this.action.name;
  }

  /** A copy of the params (action-get). */
  params(): Record<string, unknown> {
    return structuredClone(this.action.params) as Record<string, unknown>;
  }

  /**
   * Why action-set refuses `key`, or undefined (jujuc/action-set.go keyRule on every dotted
   * part, and the keys Juju reserves).
   */
  keyProblem(key: string): string | undefined {
    return actionKeyProblem(key);
  }

  /**
   * Record `key=value` as Juju's addValueToMap does: the last part is set or overwritten; a
   * value on the way down is replaced by a map. In dotted form: setting `a.b` drops `a`, and
   * setting `a` drops every `a.*`.
   */
  set(key: string, value: string): void {
    const parts = key.split('.');
    for (let i = 1; i < parts.length; i++) this.results.delete(parts.slice(0, i).join('.'));
    const prefix = `${key}.`;
    for (const existing of [...this.results.keys()]) {
      if (existing.startsWith(prefix)) this.results.delete(existing);
    }
    this.results.set(key, value);
  }

  /** action-log. */
  log(message: string): void {
    this.lines.push(message);
  }

  /** action-fail: marks the action failed; a later call replaces the message. */
  fail(message: string): void {
    this.failMessage = message;
  }

  /**
   * How the run ended. `exitError` is the process error (`exit status 1`) when the charm
   * exited non-zero: Juju then fails the action with that message, whatever action-fail said
   * (context.go finalizeAction).
   */
  finish(exitError: string | undefined): ActionResult {
    const results = Object.fromEntries(
      [...this.results].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    const message = exitError ?? this.failMessage;
    return {
      status: message === undefined ? 'completed' : 'failed',
      results,
      ...(message === undefined ? {} : { message }),
      log: [...this.lines],
    };
  }
}
