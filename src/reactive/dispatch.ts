// The dispatch loop of one hook: the hooks phase, then iterations of the other phase until
// no handler is queued. Deterministic: handlers are considered in registration order.
// It never swallows a handler's error: the hook must fail so Juju retries it.
import type { DispatchPhase, RuntimeEvents } from './events.js';
import type { FlagSet } from './flags.js';
import type { Handler, PredicateEnv } from './handlers.js';

/** charms.reactive stops silently at 100 iterations; we fail loudly at the same bound. */
export const DEFAULT_MAX_ITERATIONS = 100;

/** What {@link dispatch} needs to run one hook's handlers. */
export interface DispatchOptions<C> {
  /** Every handler, in registration order (endpoint handlers first). */
  readonly handlers: readonly Handler<C>[];
  /** The unit's flags. */
  readonly flags: FlagSet;
  /** The hook being run, for `hook(...)` predicates. */
  readonly hookName: string;
  /** What each handler is called with (the hook runtime). */
  readonly context: C;
  /** Where dispatch reports queued, started, finished and failed handlers. */
  readonly events: RuntimeEvents;
  /** onlyOnce and whenFileChanged bookkeeping, kept in the unit state. */
  readonly bookkeeping: DispatchBookkeeping;
  /** Iterations of the other phase before failing with DispatchNotSettledError (default 100). */
  readonly maxIterations?: number;
  /** Filled as handlers succeed, so a caller still sees what ran when dispatch throws. */
  readonly runs?: HandlerRun[];
}

/** The persistent facts `onlyOnce` and `whenFileChanged` predicates ask about. */
export interface DispatchBookkeeping {
  /** True if the onlyOnce handler with this id already succeeded (in this hook or an earlier one). */
  onlyOnceDone(handlerId: string): boolean;
  /** True if any of the files differs from the hashes recorded when this handler last succeeded. */
  filesChanged(handlerId: string, paths: readonly string[]): boolean;
  /** Called after a handler succeeded: record onlyOnce and file hashes. */
  handlerSucceeded(handler: {
    readonly id: string;
    readonly onlyOnce: boolean;
    readonly files: readonly string[];
  }): void;
}

/** One handler run, in order. */
export interface HandlerRun {
  /** The handler id. */
  readonly handler: string;
  /** `hooks` for `hook(...)` handlers, `other` for the rest. */
  readonly phase: DispatchPhase;
  /** The iteration of the other phase it ran in (0 in the hooks phase). */
  readonly iteration: number;
}

/** What one dispatch did: every handler run, in order, and how many iterations it took. */
export interface DispatchReport {
  /** Every handler that ran and succeeded, in order. */
  readonly runs: readonly HandlerRun[];
  /** Iterations of the other phase before no handler was queued. */
  readonly iterations: number;
}

/** A handler threw: the hook fails and nothing is committed. */
export class HandlerFailedError extends Error {
  /** Always `HandlerFailedError`. */
  override readonly name = 'HandlerFailedError';
  constructor(
    /** The id of the handler that threw. */
    readonly handlerId: string,
    /** What it threw. */
    override readonly cause: unknown,
  ) {
    super(`handler ${handlerId} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Dispatch kept re-queuing handlers: a charm bug (flags that toggle each other). */
export class DispatchNotSettledError extends Error {
  /** Always `DispatchNotSettledError`. */
  override readonly name = 'DispatchNotSettledError';
  constructor(
    /** The iteration bound that was reached. */
    readonly iterations: number,
    /** Ids of the handlers queued in the last few iterations. */
    readonly handlers: readonly string[],
    /** Flags that changed in the last few iterations, sorted. */
    readonly flags: readonly string[],
  ) {
    super(
      `dispatch did not settle after ${iterations} iterations: handlers [${handlers.join(', ')}] ` +
        `kept re-running because flags [${flags.join(', ')}] kept changing. ` +
        'A handler that sets or clears a flag it is itself gated on re-queues itself; ' +
        'guard it with whenNot(...) or clear the flag it reacts to.',
    );
  }
}

/** Run one hook's handlers to completion. Throws HandlerFailedError or DispatchNotSettledError. */
export async function dispatch<C>(options: DispatchOptions<C>): Promise<DispatchReport> {
  const { handlers, flags, hookName, context, events, bookkeeping } = options;
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const runs: HandlerRun[] = options.runs ?? [];

  let changed = new Set<string>();
  let clearedSinceCheck = false;
  const unsubscribe = flags.onChange((flag, set) => {
    changed.add(flag);
    if (!set) clearedSinceCheck = true;
  });

  const envFor = (phase: DispatchPhase): PredicateEnv => ({
    flags,
    hookName,
    phase,
    onlyOnceDone: (id) => bookkeeping.onlyOnceDone(id),
    filesChanged: (id, paths) => bookkeeping.filesChanged(id, paths),
  });

  // Run a snapshot queue; after any clear, drop queued handlers that no longer hold.
  // A set never dequeues (parity with charms.reactive).
  const invoke = async (
    queue: Handler<C>[],
    phase: DispatchPhase,
    iteration: number,
  ): Promise<void> => {
    const env = envFor(phase);
    for (const h of queue) events.emit('handler.queued', { handler: h.id, phase, iteration });
    let pending = queue;
    while (pending.length > 0) {
      const [handler, ...rest] = pending as [Handler<C>, ...Handler<C>[]];
      pending = rest;
      clearedSinceCheck = false;
      events.emit('handler.started', { handler: handler.id, phase, iteration });
      try {
        await handler.run(context);
      } catch (error) {
        events.emit('handler.failed', { handler: handler.id, error: errorText(error) });
        throw new HandlerFailedError(handler.id, error);
      }
      bookkeeping.handlerSucceeded({
        id: handler.id,
        onlyOnce: handler.spec.onlyOnce === true,
        files: handler.spec.whenFileChanged ?? [],
      });
      runs.push({ handler: handler.id, phase, iteration });
      events.emit('handler.finished', { handler: handler.id });
      if (clearedSinceCheck) {
        const kept = pending.filter((h) => h.test(env));
        for (const h of pending) {
          if (!kept.includes(h)) events.emit('handler.dequeued', { handler: h.id, iteration });
        }
        pending = kept;
      }
    }
  };

  try {
    const hooksEnv = envFor('hooks');
    await invoke(
      handlers.filter((h) => h.isHookHandler && h.test(hooksEnv)),
      'hooks',
      0,
    );

    const otherEnv = envFor('other');
    const recent: { handlers: string[]; flags: string[] }[] = [];
    let previous: Set<string> | undefined;
    let iteration = 0;
    for (; ; iteration++) {
      const queue = handlers.filter(
        (h) =>
          !h.isHookHandler &&
          (previous === undefined || h.flags.some((f) => previous?.has(f))) &&
          h.test(otherEnv),
      );
      if (queue.length === 0) break;
      if (iteration >= maxIterations) {
        const names = new Set(recent.flatMap((r) => r.handlers));
        const toggled = new Set(recent.flatMap((r) => r.flags));
        throw new DispatchNotSettledError(maxIterations, [...names], [...toggled].sort());
      }
      changed = new Set();
      await invoke(queue, 'other', iteration);
      previous = changed;
      recent.push({ handlers: queue.map((h) => h.id), flags: [...changed] });
      if (recent.length > 5) recent.shift();
    }
    return { runs, iterations: iteration };
  } finally {
    unsubscribe();
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
