// The runtime's typed event map. Logging, tracing and the simulator subscribe to these;
// nothing in an event payload may carry a secret value.
import { EventEmitter } from 'eventemitter3';

/** Which dispatch phase a handler runs in. */
export type DispatchPhase = 'hooks' | 'other';

export interface ToolCallEvent {
  readonly tool: string;
  /** Arguments as passed (never secret values). */
  readonly args: readonly string[];
  readonly ok: boolean;
  readonly errorKind?: string;
}

/** Every event a hook runtime emits, with its payload. */
export interface RuntimeEventMap {
  'hook.start': [{ readonly unit: string; readonly hook: string }];
  'hook.end': [
    { readonly unit: string; readonly hook: string; readonly ok: boolean; readonly error?: string },
  ];
  'flag.set': [{ readonly flag: string }];
  'flag.cleared': [{ readonly flag: string }];
  'handler.queued': [
    { readonly handler: string; readonly phase: DispatchPhase; readonly iteration: number },
  ];
  'handler.dequeued': [{ readonly handler: string; readonly iteration: number }];
  'handler.started': [
    { readonly handler: string; readonly phase: DispatchPhase; readonly iteration: number },
  ];
  'handler.finished': [{ readonly handler: string }];
  'handler.failed': [{ readonly handler: string; readonly error: string }];
  'tool.call': [ToolCallEvent];
  'relation.published': [
    { readonly relationId: string; readonly app: boolean; readonly keys: readonly string[] },
  ];
  log: [{ readonly level: string; readonly message: string }];
}

/** The event bus one runtime owns. */
export class RuntimeEvents extends EventEmitter<RuntimeEventMap> {}
