// The runtime's typed event map. Logging, tracing and the simulator subscribe to these;
// nothing in an event payload may carry a secret value.
import { EventEmitter } from 'eventemitter3';

/** Which dispatch phase a handler runs in. */
export type DispatchPhase = 'hooks' | 'other';

/** Payload of `tool.call`: one hook-tool call (never with secret values). */
export interface ToolCallEvent {
  /** The hook tool, e.g. `relation-get`. */
  readonly tool: string;
  /** Arguments as passed (never secret values). */
  readonly args: readonly string[];
  /** Whether the call succeeded. */
  readonly ok: boolean;
  /** The `HookToolErrorKind` of a failed call. */
  readonly errorKind?: string;
}

/**
 * Every event a hook runtime emits, with its payload. Subscribe through `rt.events`, or
 * pass your own {@link RuntimeEvents} to `runHook()` to see the whole hook.
 * @example
 * rt.events.on('flag.set', ({ flag }) => rt.log.debug(`set ${flag}`));
 */
export interface RuntimeEventMap {
  /** The hook started (before the unit state is loaded). */
  'hook.start': [
    {
      /** The unit name, e.g. `mysql/0`. */
      readonly unit: string;
      /** The hook name, e.g. `install`. */
      readonly hook: string;
    },
  ];
  /** The hook ended: committed (`ok`) or failed with nothing written. */
  'hook.end': [
    {
      /** The unit name. */
      readonly unit: string;
      /** The hook name. */
      readonly hook: string;
      /** True when the hook succeeded and its writes were committed. */
      readonly ok: boolean;
      /** Redacted description of the failure. */
      readonly error?: string;
    },
  ];
  /** A flag was set (a real transition only). */
  'flag.set': [
    {
      /** The flag name. */
      readonly flag: string;
    },
  ];
  /** A flag was cleared (a real transition only). */
  'flag.cleared': [
    {
      /** The flag name. */
      readonly flag: string;
    },
  ];
  /** A handler's predicates held and it joined the queue of an iteration. */
  'handler.queued': [
    {
      /** The handler id. */
      readonly handler: string;
      /** The dispatch phase. */
      readonly phase: DispatchPhase;
      /** The iteration (0 in the hooks phase). */
      readonly iteration: number;
    },
  ];
  /** A queued handler was dropped: a flag was cleared and its predicates no longer hold. */
  'handler.dequeued': [
    {
      /** The handler id. */
      readonly handler: string;
      /** The iteration. */
      readonly iteration: number;
    },
  ];
  /** A handler is about to run. */
  'handler.started': [
    {
      /** The handler id. */
      readonly handler: string;
      /** The dispatch phase. */
      readonly phase: DispatchPhase;
      /** The iteration (0 in the hooks phase). */
      readonly iteration: number;
    },
  ];
  /** A handler returned (or its promise resolved). */
  'handler.finished': [
    {
      /** The handler id. */
      readonly handler: string;
    },
  ];
  /** A handler threw; the hook fails. */
  'handler.failed': [
    {
      /** The handler id. */
      readonly handler: string;
      /** The error message. */
      readonly error: string;
    },
  ];
  /** A hook tool was called. */
  'tool.call': [ToolCallEvent];
  /** Relation data was written at commit. */
  'relation.published': [
    {
      /** The relation id, e.g. `cluster:0`. */
      readonly relationId: string;
      /** True for the application bag, false for the unit bag. */
      readonly app: boolean;
      /** The keys written (deletions included), sorted. */
      readonly keys: readonly string[];
    },
  ];
  /** A log line, redacted, as sent to `juju-log`. */
  log: [
    {
      /** `DEBUG`, `INFO`, `WARNING`, `ERROR` or `CRITICAL`. */
      readonly level: string;
      /** The redacted message. */
      readonly message: string;
    },
  ];
}

/** The event bus one runtime owns. */
export class RuntimeEvents extends EventEmitter<RuntimeEventMap> {}
