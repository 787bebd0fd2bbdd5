// Actions: one handler per action name, registered on the charm, run alone when Juju runs the
// action (JUJU_DISPATCH_PATH=actions/<name>). Params are checked against the action's schema
// before the handler runs; results, progress and failure go through action-set/-log/-fail.
import type { ActionMetadata } from '../juju/actions-metadata.js';
import type { ActionParams } from '../juju/hook-tools.js';
import { readActions } from '../juju/metadata.js';
import {
  type ActionResultValue,
  actionKeyProblem,
  flattenActionResults,
} from '../juju/tool-args.js';
import type { HookRuntime } from './runtime.js';

/**
 * What an action handler gets besides the hook runtime: the validated params, and the ways
 * to report back to the operator.
 * @example
 * charm.action<{ target: string }>('backup').run(async (rt, action) => {
 *   action.log(`backing up to ${action.params.target}`);
 *   action.set({ backup: { path: '/srv/backup.tgz', size: '10G' } }); // backup.path, backup.size
 * });
 */
export interface ActionEvent<P extends ActionParams = ActionParams> {
  /** The action name, e.g. `backup`. */
  readonly name: string;
  /** `JUJU_ACTION_UUID` ('' when Juju did not set it). */
  readonly uuid: string;
  /** The params, checked against the action's schema, with the schema's defaults filled in. */
  readonly params: P;
  /**
   * Add results (`action-set`). Nested objects become dotted keys, as Juju nests them back.
   * Keys must match Juju's rule (`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$` per part; `stdout`,
   * `stderr`, `stdout-encoding`, `stderr-encoding` reserved): a bad key throws, naming it.
   */
  set(results: Readonly<Record<string, ActionResultValue>>): void;
  /** A progress line the operator sees while the action runs (`action-log`). */
  log(message: string): void;
  /**
   * Mark the action failed with a message (`action-fail`). The handler may go on; what it
   * wrote (relation data, unit state) still commits, as Juju commits an action that called
   * action-fail. Throw instead to fail without committing anything.
   */
  fail(message?: string): void;
  /** True once fail() was called. */
  readonly failed: boolean;
}

/** The body of an action handler. Throwing fails the action and commits nothing. */
export type ActionFn<P extends ActionParams = ActionParams> = (
  runtime: HookRuntime,
  action: ActionEvent<P>,
) => void | Promise<void>;

/** An action handler registered on a charm. */
export interface ActionRegistration {
  /** The action name. */
  readonly name: string;
  /** The handler. */
  readonly fn: ActionFn;
}

/** How one action run ended, as `runHook()` reports it. */
export interface ActionOutcome {
  /** The action name. */
  readonly name: string;
  /** `completed`, or `failed` (action-fail was called, or the action could not run). */
  readonly status: 'completed' | 'failed';
  /** The action-fail message, when failed. */
  readonly message?: string;
  /** The results set with action-set, flattened (`backup.path`). */
  readonly results: Readonly<Record<string, string>>;
}

/** The action could not run at all: the hook exits non-zero (Juju: "never exit 0" for these). */
export class ActionNotRunError extends Error {
  /** Always `ActionNotRunError`. */
  override readonly name = 'ActionNotRunError';
}

const ACTION_NAME_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Check an action name as Juju does (internal/charm/actions.go actionNameRule); throws. */
export function validateActionName(name: string): void {
  if (!ACTION_NAME_RE.test(name)) {
    throw new TypeError(
      `action name ${JSON.stringify(name)} is not valid: Juju accepts lowercase letters, digits and hyphens, like "backup"`,
    );
  }
}

/** Params that break the action's schema: one message per problem, each naming the param. */
export class ActionParamsError extends Error {
  /** Always `ActionParamsError`. */
  override readonly name = 'ActionParamsError';
  constructor(
    /** The action name. */
    readonly action: string,
    /** One line per problem, each naming the param (never its value). */
    readonly problems: readonly string[],
  ) {
    super(`action ${action} was given invalid params: ${problems.join('; ')}`);
  }
}

/**
 * Check `params` against an action's JSON Schema (draft 4, as Juju's gojsonschema) and fill in
 * defaults (Juju's InsertDefaults). Messages name the param but never quote its value: params
 * may be passwords. Throws {@link ActionParamsError}; a schema this library cannot check throws
 * a plain Error saying so.
 * @example await validateActionParams(metadata.actions.backup, { target: 'x' }) // { target: 'x', compress: true }
 */
export async function validateActionParams(
  action: ActionMetadata,
  params: ActionParams,
): Promise<ActionParams> {
  // Loaded here, not at the top: only an action pays for the schema library, never a hook.
  const { z } = await import('zod');
  let schema: import('zod').ZodType;
  try {
    schema = z.fromJSONSchema(action.schema as Parameters<typeof z.fromJSONSchema>[0], {
      defaultTarget: 'draft-4',
    });
  } catch (error) {
    throw new Error(
      `the params schema of action ${action.name} uses a JSON Schema feature juju-reactive cannot check: ${(error as Error).message}`,
    );
  }
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data as ActionParams;
  const problems: string[] = [];
  for (const issue of parsed.error.issues) {
    const where = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const name = where === '' ? key : `${where}.${key}`;
        problems.push(`param "${name}" is not declared for action ${action.name}`);
      }
    } else if (issue.code === 'invalid_type' && !present(params, issue.path)) {
      problems.push(`param "${where}" is required`);
    } else {
      const text = issue.message.replace(/^Invalid input: /, '');
      problems.push(where === '' ? text : `param "${where}": ${text}`);
    }
  }
  throw new ActionParamsError(action.name, problems);
}

/** Whether `path` names a value present in `params` (zod reports missing and mistyped alike). */
function present(params: unknown, path: readonly PropertyKey[]): boolean {
  let at: unknown = params;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, key)) return false;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at !== undefined;
}

/**
 * Run the action this process was started for: find its handler and definition, read and
 * check its params, then run the handler alone (no layer, endpoint or flag handler runs: see
 * docs/actions.md). Returns the outcome; throws {@link ActionNotRunError} when the action is
 * unknown, and rethrows a handler's error after reporting it with action-fail.
 */
export async function runActionHandler(
  rt: HookRuntime,
  registrations: readonly ActionRegistration[],
): Promise<ActionOutcome> {
  const action = rt.context.action;
  if (action === undefined) throw new Error('runActionHandler() called outside an action');
  const { name, uuid } = action;
  const registration = registrations.find((r) => r.name === name);
  const declared = rt.metadata.actions ?? readActions(rt.context.charmDir);
  const definition = declared[name];
  if (registration === undefined || definition === undefined) {
    const message =
      definition === undefined
        ? `unknown action ${name}: it is not declared in actions.yaml (declared: ${Object.keys(declared).sort().join(', ') || 'none'})`
        : `action ${name} is declared in actions.yaml but this charm registers no handler for it; add charm.action('${name}').run(...)`;
    reportFailure(rt, message);
    throw new ActionNotRunError(message);
  }

  const results: Record<string, string> = {};
  let failedMessage: string | undefined;
  const outcome = (): ActionOutcome => ({
    name,
    status: failedMessage === undefined ? 'completed' : 'failed',
    ...(failedMessage === undefined ? {} : { message: failedMessage }),
    results: { ...results },
  });

  const raw = rt.juju.actionGet();
  if (raw.isErr()) throw raw.error;
  let params: ActionParams;
  try {
    params = await validateActionParams(definition, raw.value);
  } catch (error) {
    if (!(error instanceof ActionParamsError)) throw error;
    // The operator's mistake, not the charm's: fail the action with Juju's own record of why
    // (exit 0 keeps the action-fail message; a non-zero exit would replace it by
    // "exit status 1": worker/uniter/runner/context/context.go finalizeAction).
    failedMessage = error.message;
    reportFailure(rt, error.message);
    return outcome();
  }

  const event: ActionEvent = {
    name,
    uuid,
    params,
    set(values) {
      const flat = flattenActionResults(values);
      for (const key of Object.keys(flat)) {
        const problem = actionKeyProblem(key);
        if (problem !== undefined) throw new TypeError(`action ${name}: action-set ${problem}`);
      }
      const done = rt.juju.actionSet(flat);
      if (done.isErr()) throw done.error;
      Object.assign(results, flat);
    },
    log(message) {
      const done = rt.juju.actionLog(message);
      if (done.isErr()) rt.log.warning(`action-log failed: ${done.error.message}`);
    },
    fail(message = 'action failed without reason given, check action for errors') {
      failedMessage = rt.redactor.redact(message);
      const done = rt.juju.actionFail(message);
      if (done.isErr()) throw done.error;
    },
    get failed() {
      return failedMessage !== undefined;
    },
  };

  rt.events.emit('handler.started', { handler: `action:${name}`, phase: 'hooks', iteration: 0 });
  try {
    await registration.fn(rt, event);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    rt.events.emit('handler.failed', {
      handler: `action:${name}`,
      error: rt.redactor.redact(text),
    });
    reportFailure(rt, `action ${name} failed: ${text}`);
    throw error;
  }
  rt.events.emit('handler.finished', { handler: `action:${name}` });
  return outcome();
}

/** action-fail with a redacted message; a failure to report is logged, never thrown. */
function reportFailure(rt: HookRuntime, message: string): void {
  const done = rt.juju.actionFail(rt.redactor.redact(message));
  if (done.isErr()) rt.log.warning(`action-fail failed: ${done.error.message}`);
}
