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
  return await new Dispatch(options).run();
}

/** The predicate environment of one phase (a class: no closures made per hook). */
class PhaseEnv implements PredicateEnv {
  constructor(
    readonly flags: FlagSet,
    readonly hookName: string,
    readonly phase: DispatchPhase,
    private readonly bookkeeping: DispatchBookkeeping,
  ) {}
  onlyOnceDone(handlerId: string): boolean {
    return this.bookkeeping.onlyOnceDone(handlerId);
  }
  filesChanged(handlerId: string, paths: readonly string[]): boolean {
    return this.bookkeeping.filesChanged(handlerId, paths);
  }
}

/** One dispatch's state: the flags changed since the iteration began, and whether any cleared. */
class Dispatch<C> {
  private readonly runs: HandlerRun[];
  private changed = new Set<string>();
  private clearedSinceCheck = false;

  constructor(private readonly options: DispatchOptions<C>) {
    this.runs = options.runs ?? [];
  }

  async run(): Promise<DispatchReport> {
    const { handlers, flags, hookName, bookkeeping } = this.options;
    const maxIterations = this.options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
    const unsubscribe = flags.onChange((flag, set) => {
      this.changed.add(flag);
      if (!set) this.clearedSinceCheck = true;
    });
    try {
      const hookHandlers: Handler<C>[] = [];
      const otherHandlers: Handler<C>[] = [];
      for (const h of handlers) (h.isHookHandler ? hookHandlers : otherHandlers).push(h);
      const hooksEnv = new PhaseEnv(flags, hookName, 'hooks', bookkeeping);
      await this.invoke(
        hookHandlers.filter((h) => h.test(hooksEnv)),
        hooksEnv,
        0,
      );

      const otherEnv = new PhaseEnv(flags, hookName, 'other', bookkeeping);
      const recent: { handlers: string[]; flags: string[] }[] = [];
      let byFlag: Map<string, number[]> | undefined;
      let previous: Set<string> | undefined;
      let iteration = 0;
      for (; ; iteration++) {
        let queue: Handler<C>[];
        if (previous === undefined) {
          queue = otherHandlers.filter((h) => h.test(otherEnv));
        } else {
          // Only handlers that test a flag the last iteration changed can have become ready.
          byFlag ??= indexByFlag(otherHandlers);
          const candidates = new Set<number>();
          for (const flag of previous) for (const i of byFlag.get(flag) ?? []) candidates.add(i);
          queue = [];
          // In registration order, as charms.reactive considers them.
          for (const i of [...candidates].sort((a, b) => a - b)) {
            const h = otherHandlers[i] as Handler<C>;
            if (h.test(otherEnv)) queue.push(h);
          }
        }
        if (queue.length === 0) break;
        if (iteration >= maxIterations) {
          const names = new Set(recent.flatMap((r) => r.handlers));
          const toggled = new Set(recent.flatMap((r) => r.flags));
          throw new DispatchNotSettledError(maxIterations, [...names], [...toggled].sort());
        }
        this.changed = new Set();
        await this.invoke(queue, otherEnv, iteration);
        previous = this.changed;
        recent.push({ handlers: queue.map((h) => h.id), flags: [...previous] });
        if (recent.length > 5) recent.shift();
      }
      return { runs: this.runs, iterations: iteration };
    } finally {
      unsubscribe();
    }
  }

  /** An event is built only when someone listens for it (most hooks have no listener). */
  private listened(event: 'handler.queued' | 'handler.started' | 'handler.dequeued'): boolean {
    return this.options.events.listenerCount(event) > 0;
  }

  /**
   * Run a snapshot queue; after any clear, drop queued handlers that no longer hold.
   * A set never dequeues (parity with charms.reactive).
   */
  private async invoke(queue: Handler<C>[], env: PhaseEnv, iteration: number): Promise<void> {
    const { context, events, bookkeeping } = this.options;
    const phase = env.phase;
    if (this.listened('handler.queued'))
      for (const h of queue) events.emit('handler.queued', { handler: h.id, phase, iteration });
    let pending = queue;
    let next = 0;
    while (next < pending.length) {
      const handler = pending[next++] as Handler<C>;
      this.clearedSinceCheck = false;
      if (this.listened('handler.started'))
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
        files: handler.spec.whenFileChanged ?? NO_FILES,
      });
      this.runs.push({ handler: handler.id, phase, iteration });
      events.emit('handler.finished', { handler: handler.id });
      if (this.clearedSinceCheck) {
        const rest = pending.slice(next);
        const kept = rest.filter((h) => h.test(env));
        if (kept.length < rest.length && this.listened('handler.dequeued')) {
          for (const h of rest) {
            if (!kept.includes(h)) events.emit('handler.dequeued', { handler: h.id, iteration });
          }
        }
        pending = kept;
        next = 0;
      }
    }
  }
}

const NO_FILES: readonly string[] = [];

/** For each flag, the positions of the handlers that test it, ascending. */
function indexByFlag<C>(handlers: readonly Handler<C>[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  handlers.forEach((h, i) => {
    for (const flag of h.flags) {
      const list = index.get(flag);
      if (list === undefined) index.set(flag, [i]);
      else list.push(i);
    }
  });
  return index;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
