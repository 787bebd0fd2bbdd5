// runHook: one hook, start to finish: load state, bind endpoints and layers, dispatch,
// then commit (relation data, leader settings, secrets, unit state) only if all succeeded.
// Shared by the process entry point and the simulator, so both follow the same rules.
import { bindEndpoints } from '../endpoints/binding.js';
import { RelationMemory } from '../endpoints/relation-memory.js';
import { type HookContext, RESTRICTED_HOOKS } from '../juju/hook-context.js';
import { type CommitReport, HookSession } from '../juju/hook-session.js';
import type { HookTools } from '../juju/hook-tools.js';
import type { CharmMetadata } from '../juju/metadata.js';
import { Redactor } from '../juju/redact.js';
import { traceHookTools } from '../juju/traced-hook-tools.js';
import { dispatch, HandlerFailedError, type HandlerRun } from '../reactive/dispatch.js';
import { RuntimeEvents } from '../reactive/events.js';
import { attachTriggers } from '../reactive/triggers.js';
import { emptySnapshot, type StateSnapshot, type StateStore } from '../state/store.js';
import { UnitState } from '../state/unit-state.js';
import { type ActionOutcome, runActionHandler } from './actions.js';
import { stateBookkeeping } from './bookkeeping.js';
import type { Charm } from './charm.js';
import { failureMark } from './failure-mark.js';
import { Logger } from './logger.js';
import { restrictedHookHandlers } from './restricted.js';
import { HookRuntime } from './runtime.js';
import { applyStatus, assessStatus } from './status.js';

/** Everything one hook run needs. `main()` builds these from the process; tests build their own. */
export interface RunHookOptions {
  /** The charm definition. */
  readonly charm: Charm;
  /** Which unit, hook and relation this is. */
  readonly context: HookContext;
  /** The charm's metadata (endpoints to bind). */
  readonly metadata: CharmMetadata;
  /** How to reach Juju: ProcessHookTools under Juju, a fake in tests. */
  readonly tools: HookTools;
  /** Where the unit state is loaded from and committed to. */
  readonly store: StateStore;
  /** Subscribe before the hook starts to see every event (tracing, the simulator). */
  readonly events?: RuntimeEvents;
  /** Secret values to mask; a fresh one when omitted. */
  readonly redactor?: Redactor;
}

/** The outcome of one hook run. */
export interface HookResult {
  /** True when every handler succeeded and everything was committed. */
  readonly ok: boolean;
  /** 0 on success; 1 tells Juju the hook failed and must be retried. */
  readonly exitCode: 0 | 1;
  /** The handlers that ran and succeeded, in order. */
  readonly runs: readonly HandlerRun[];
  /** What the commit wrote (successful hooks only). */
  readonly commit?: CommitReport;
  /** Redacted description of the failure. */
  readonly error?: string;
  /** The handler that threw, when one did. */
  readonly failedHandler?: string;
  /** How the action ended, when this run was an action that ran. */
  readonly action?: ActionOutcome;
}

/**
 * Run one hook start to finish: load the unit state, run the layers, bind the endpoints
 * (automatic flags), dispatch the handlers, then commit relation data, leader settings,
 * secret operations and the unit state, only if everything succeeded. Never throws: a
 * failure is logged through `juju-log -l ERROR` and returned with `exitCode: 1`.
 * @example
 * const result = await runHook({ charm, context, metadata, tools, store: new MemoryStateStore() });
 * if (!result.ok) console.error(result.error);
 */
export async function runHook(options: RunHookOptions): Promise<HookResult> {
  const { charm, context, metadata, tools, store } = options;
  const events = options.events ?? new RuntimeEvents();
  const redactor = options.redactor ?? new Redactor();
  const juju = new HookSession(traceHookTools(tools, events, redactor), {
    unitName: context.unitName,
    applicationName: context.applicationName,
    redactor,
  });
  const unit = context.unitName;
  const hook = context.hookName;
  events.emit('hook.start', { unit, hook });
  const runs: HandlerRun[] = [];
  let runtime: HookRuntime | undefined;
  const failure = failureMark(store, context.charmDir);
  try {
    if (context.action === undefined) failure.begin(hook);
    // Restricted hooks (collect-metrics, meter-status-changed) may call almost no tool: they
    // read the unit state if they can, never write it, and run only their own hook handlers.
    const restricted = RESTRICTED_HOOKS.has(hook) && context.action === undefined;
    const state = new UnitState(restricted ? loadIfPossible(store) : store.load());
    state.flags.onChange((flag, set) => events.emit(set ? 'flag.set' : 'flag.cleared', { flag }));
    attachTriggers(state.flags, charm.triggers);
    // Relation answers Juju's rules fix (own bag, members, relation ids), kept in the state.
    const memory = restricted
      ? undefined
      : new RelationMemory(state, context, redactor, { afterFailure: failure.failedBefore });
    if (memory !== undefined) juju.useKnownRelations(memory);
    runtime = new HookRuntime({
      context,
      metadata,
      state,
      juju,
      log: new Logger(juju, events, redactor),
      events,
      redactor,
    });
    let action: ActionOutcome | undefined;
    if (context.action !== undefined) {
      // An action runs its own handler only: endpoints are bound (an action may read and write
      // relation data; Juju commits its writes like a hook's: worker/uniter/runner/context/
      // context.go Flush), but no layer, automatic flag or other handler runs (docs/actions.md).
      bindEndpoints(runtime, charm.endpoints, { manageFlags: false });
      action = await runActionHandler(runtime, charm.actions);
    } else {
      if (!restricted) for (const layer of charm.layers) layer.setup(runtime);
      const endpointHandlers = restricted ? [] : bindEndpoints(runtime, charm.endpoints);
      await dispatch({
        // Endpoint handlers first: they turn relation data into the flags charm handlers use.
        handlers: restricted
          ? restrictedHookHandlers(charm.handlers, hook)
          : [...endpointHandlers, ...charm.handlers],
        flags: state.flags,
        hookName: hook,
        context: runtime,
        events,
        bookkeeping: stateBookkeeping(state, context.charmDir),
        runs,
        ...(charm.options.maxIterations === undefined
          ? {}
          : { maxIterations: charm.options.maxIterations }),
      });
      if (!restricted) for (const layer of charm.layers) layer.finish?.(runtime);
    }
    const status = restricted ? {} : assessStatus(runtime, charm);
    const committed = juju.commit();
    if (committed.isErr()) throw committed.error;
    memory?.afterCommit(juju, committed.value);
    for (const w of committed.value.relationWrites) events.emit('relation.published', w);
    // An unchanged state is not saved again: the store already holds exactly this.
    if (!restricted && state.changed()) store.save(state.snapshot());
    if (!restricted) failure.clear();
    applyStatus(runtime, status);
    events.emit('hook.end', { unit, hook, ok: true });
    return { ok: true, exitCode: 0, runs, commit: committed.value, ...(action ? { action } : {}) };
  } catch (error) {
    const failedHandler = error instanceof HandlerFailedError ? error.handlerId : undefined;
    const cause = error instanceof HandlerFailedError ? error.cause : error;
    const summary = redactor.redact(
      failedHandler
        ? `hook ${hook} failed in handler ${failedHandler}: ${describe(cause)}`
        : `hook ${hook} failed: ${describe(cause)}`,
    );
    const stack = cause instanceof Error && cause.stack ? redactor.redact(cause.stack) : undefined;
    const logged = juju.log(stack ? `${summary}\n${stack}` : summary, 'ERROR');
    if (logged.isErr()) process.stderr.write(`${summary}\n`);
    events.emit('hook.end', { unit, hook, ok: false, error: summary });
    return {
      ok: false,
      exitCode: 1,
      runs,
      error: summary,
      ...(failedHandler ? { failedHandler } : {}),
    };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A restricted hook may not reach Juju's state store (state-get is refused there). */
function loadIfPossible(store: StateStore): StateSnapshot {
  try {
    return store.load();
  } catch {
    return emptySnapshot();
  }
}
