// Small builders for the reactive conformance suite: a unit seeded with flags and data, an
// event recorder, handlers built straight from specs, and a predicate environment.
import type { Charm } from '../../src/charm/charm.js';
import {
  type DispatchBookkeeping,
  type DispatchReport,
  dispatch,
} from '../../src/reactive/dispatch.js';
import {
  type DispatchPhase,
  type RuntimeEventMap,
  RuntimeEvents,
} from '../../src/reactive/events.js';
import { FlagSet } from '../../src/reactive/flags.js';
import {
  Handler,
  type HandlerFn,
  type HandlerSpec,
  type PredicateEnv,
} from '../../src/reactive/handlers.js';
import type { JsonValue } from '../../src/util/json.js';
import { type HookHarness, hookHarness } from '../helpers/hook.js';
import { StubHookTools, stubWorld } from '../helpers/stub-tools.js';

/** One unit of `charm` whose committed state starts with these flags and data. */
export function unitWith(
  charm: Charm,
  options: { flags?: readonly string[]; data?: Record<string, JsonValue>; unit?: string } = {},
): HookHarness {
  const tools = new StubHookTools(stubWorld({ unit: options.unit ?? 'mysql/0' }));
  const h = hookHarness(charm, { tools });
  if (options.flags !== undefined || options.data !== undefined) {
    h.store.save({
      version: 1,
      flags: [...(options.flags ?? [])].sort(),
      data: options.data ?? {},
    });
  }
  return h;
}

/** Every event of the runtime, in emission order. */
export type RecordedEvent = {
  [K in keyof RuntimeEventMap]: { readonly event: K; readonly payload: RuntimeEventMap[K][0] };
}[keyof RuntimeEventMap];

const EVENT_NAMES: readonly (keyof RuntimeEventMap)[] = [
  'hook.start',
  'hook.end',
  'flag.set',
  'flag.cleared',
  'handler.queued',
  'handler.dequeued',
  'handler.started',
  'handler.finished',
  'handler.failed',
  'tool.call',
  'relation.published',
  'log',
];

export function recordEvents(events: RuntimeEvents): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  for (const event of EVENT_NAMES) {
    events.on(event, ((payload: unknown) =>
      out.push({ event, payload } as RecordedEvent)) as never);
  }
  return out;
}

/** Only the events with these names. */
export function eventsNamed<K extends keyof RuntimeEventMap>(
  recorded: readonly RecordedEvent[],
  ...names: K[]
): Extract<RecordedEvent, { event: K }>[] {
  return recorded.filter((e): e is Extract<RecordedEvent, { event: K }> =>
    (names as string[]).includes(e.event),
  );
}

/** Flag events as `+flag` / `-flag`, in order. */
export function flagChanges(recorded: readonly RecordedEvent[]): string[] {
  return recorded.flatMap((e) =>
    e.event === 'flag.set'
      ? [`+${e.payload.flag}`]
      : e.event === 'flag.cleared'
        ? [`-${e.payload.flag}`]
        : [],
  );
}

/** A handler straight from a spec, for predicate and dispatch tests below the Charm API. */
export function handler<C = FlagSet>(
  id: string,
  spec: Omit<HandlerSpec, 'id'> = {},
  run: HandlerFn<C> = () => {},
): Handler<C> {
  return new Handler<C>(id, { ...spec, id }, run);
}

/** What a handler's predicates see: these flags, this phase and hook, nothing run before. */
export function predicateEnv(
  flags: readonly string[],
  phase: DispatchPhase,
  hookName = 'update-status',
): PredicateEnv {
  return {
    flags: new FlagSet(flags),
    hookName,
    phase,
    onlyOnceDone: () => false,
    filesChanged: () => true,
  };
}

/** Bookkeeping that never blocks a handler and records who succeeded. */
export function openBookkeeping(succeeded: string[] = []): DispatchBookkeeping {
  return {
    onlyOnceDone: () => false,
    filesChanged: () => true,
    handlerSucceeded: ({ id }) => {
      succeeded.push(id);
    },
  };
}

/** Dispatch `handlers` over a fresh flag set (the handlers' context is the flag set itself). */
export async function dispatchOver(
  handlers: readonly Handler<FlagSet>[],
  options: {
    flags?: readonly string[];
    hookName?: string;
    maxIterations?: number;
    events?: RuntimeEvents;
  } = {},
): Promise<{ report: DispatchReport; flags: FlagSet }> {
  const flags = new FlagSet(options.flags ?? []);
  const report = await dispatch({
    handlers,
    flags,
    hookName: options.hookName ?? 'update-status',
    context: flags,
    events: options.events ?? new RuntimeEvents(),
    bookkeeping: openBookkeeping(),
    ...(options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations }),
  });
  return { report, flags };
}
