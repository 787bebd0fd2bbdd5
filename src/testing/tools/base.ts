// What every family of simulated hook tools shares: the unit and hook they serve, the hook's
// transaction, the trace sink, and Juju's way of failing. UnitHookTools implements it; the
// families (secret-tools.ts, storage-tools.ts) receive it and never reach past it.
import type { Result } from 'ts-results-es';
import { classifyToolFailure, HookToolError } from '../../juju/hook-tool-error.js';
import type { Redactor } from '../../juju/redact.js';
import type { TraceRecorder } from '../trace.js';
import type { HookTransaction } from '../transaction.js';
import type { QueuedHook, RelationRecord, UnitRecord, UnitRelationView, World } from '../world.js';

/** What a hook tool returns: its value, or the HookToolError it failed with (never throws). */
export type R<T> = Result<T, HookToolError>;

/** Where this hook's tool calls are recorded. */
export interface ToolTraceSink {
  readonly trace: TraceRecorder;
  readonly hookSeq: number;
  /** Counts calls for the hook's timeline entry. */
  count(): void;
}

/** A failed call the way a real tool reports it: the kind follows from Juju's own text. */
export function toolFailure(tool: string, message: string, exitCode = 1): HookToolError {
  return new HookToolError(
    classifyToolFailure(exitCode, `ERROR ${message}`),
    tool,
    message,
    exitCode,
  );
}

/** The context a family of tools works in (one unit, one hook). */
export interface ToolBase {
  readonly world: World;
  readonly unit: UnitRecord;
  readonly hook: QueuedHook;
  readonly tx: HookTransaction;
  readonly redactor: Redactor;
  /** True while this unit holds its application's leadership. */
  readonly isLeaderNow: boolean;
  /** Run a tool's body and record the call (redacted) in the trace. */
  call<T>(tool: string, args: readonly string[], body: () => R<T>): R<T>;
  /** Fail as the real tool fails: `ERROR <message>`, exit code 1 (2 for usage errors). */
  fail<T>(tool: string, message: string, exitCode?: number): R<T>;
  /** The relation and this unit's view of it, if the unit may use it in this hook. */
  relation(
    tool: string,
    relationId: string,
  ): R<{ relation: RelationRecord; view: UnitRelationView }>;
}
