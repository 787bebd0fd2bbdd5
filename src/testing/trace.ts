// The model's trace: every hook, hook-tool call, committed flag change, published change,
// status, log line and model action, numbered in order, plus a per-unit timeline of hooks.
// Everything is redacted on the way in; nothing here may hold a secret value. No wall-clock
// times: the same seeded run gives the same trace, byte for byte.
import type { Redactor } from '../juju/redact.js';

interface Base {
  /** Position in the model's history; every event gets the next number. */
  readonly seq: number;
}

interface InHook extends Base {
  readonly unit: string;
  readonly hook: string;
  /** The `seq` of the hook event this event belongs to. */
  readonly hookSeq: number;
}

/** A hook started on a unit. */
export interface HookEvent extends Base {
  readonly kind: 'hook';
  readonly unit: string;
  readonly hook: string;
  readonly attempt: number;
  readonly relationId?: string;
  readonly remoteUnit?: string;
  readonly remoteApp?: string;
  readonly departingUnit?: string;
}

/** A hook finished. `handlers` lists the handlers that ran (in-process units only). */
export interface HookEndEvent extends InHook {
  readonly kind: 'hook-end';
  readonly ok: boolean;
  readonly error?: string;
  readonly handlers?: readonly string[];
}

/** A hook-tool call, with its arguments as the tool would get them (values of writes left out). */
export interface ToolEvent extends InHook {
  readonly kind: 'tool';
  readonly tool: string;
  readonly args: readonly string[];
  readonly ok: boolean;
  /** The HookToolError kind when the call failed. */
  readonly error?: string;
}

/** A flag the hook's commit set or cleared (the net change, as stored). */
export interface FlagEvent extends InHook {
  readonly kind: 'flag';
  readonly flag: string;
  readonly set: boolean;
}

/**
 * Relation data a unit (or its application, `app`) committed. `changes` maps each changed key
 * to its new value (null: deleted). Values are redacted; for units run as processes, where the
 * charm's own redactor is out of reach, every value is masked.
 */
export interface PublishedEvent extends Base {
  readonly kind: 'published';
  readonly unit: string;
  readonly hook?: string;
  readonly hookSeq?: number;
  readonly relationId: string;
  readonly app?: string;
  readonly changes: Readonly<Record<string, string | null>>;
}

/** Leader settings the leader committed. */
export interface LeaderSettingsEvent extends InHook {
  readonly kind: 'leader-settings';
  readonly app: string;
  readonly changes: Readonly<Record<string, string | null>>;
}

export interface StatusEvent extends InHook {
  readonly kind: 'status';
  readonly status: string;
  readonly message: string;
  readonly application: boolean;
}

export interface LogEvent extends InHook {
  readonly kind: 'log';
  readonly level: string;
  readonly message: string;
}

/** Something the test (or CLI) did to the model: deploy, add-unit, set-config, ... */
export interface ModelEvent extends Base {
  readonly kind: 'model';
  readonly action: string;
  readonly detail: string;
  readonly unit?: string;
}

export type TraceEvent =
  | HookEvent
  | HookEndEvent
  | ToolEvent
  | FlagEvent
  | PublishedEvent
  | LeaderSettingsEvent
  | StatusEvent
  | LogEvent
  | ModelEvent;

/** One hook attempt on one unit, summarised. */
export interface TimelineEntry {
  /** The `seq` of the hook's start event. */
  readonly seq: number;
  readonly unit: string;
  readonly hook: string;
  /** `cluster-relation-joined app/1`: the hook and the unit or application it is about. */
  readonly label: string;
  readonly attempt: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly relationId?: string;
  readonly remoteUnit?: string;
  readonly remoteApp?: string;
  readonly departingUnit?: string;
  /** Handlers that ran (in-process units only). */
  readonly handlers?: readonly string[];
  readonly flagsSet: readonly string[];
  readonly flagsCleared: readonly string[];
  readonly published: readonly {
    readonly relationId: string;
    readonly app: boolean;
    readonly keys: readonly string[];
  }[];
  readonly leaderKeys: readonly string[];
  readonly toolCalls: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Draft = Mutable<TimelineEntry> & {
  published: { relationId: string; app: boolean; keys: string[] }[];
};

/** How much the trace keeps: everything, or hooks and their committed effects only. */
export type TraceLevel = 'full' | 'hooks';

type WithoutSeq<E> = E extends TraceEvent ? Omit<E, 'seq'> : never;

/** Records trace events and timelines; redacts every text with the model's redactor. */
export class TraceRecorder {
  readonly events: TraceEvent[] = [];
  private readonly timelines = new Map<string, Draft[]>();
  private seq = 0;

  constructor(
    readonly redactor: Redactor,
    readonly level: TraceLevel,
  ) {}

  get full(): boolean {
    return this.level === 'full';
  }

  /** Append an event, giving it the next seq. Text fields must already be redacted. */
  push(event: WithoutSeq<TraceEvent>): number {
    const seq = ++this.seq;
    this.events.push({ seq, ...event } as TraceEvent);
    return seq;
  }

  model(action: string, detail: string, unit?: string): void {
    this.push({
      kind: 'model',
      action,
      detail: this.redactor.redact(detail),
      ...(unit ? { unit } : {}),
    });
  }

  beginHook(event: Omit<HookEvent, 'seq' | 'kind'>): Draft {
    const seq = this.push({ kind: 'hook', ...event });
    const draft: Draft = {
      seq,
      unit: event.unit,
      hook: event.hook,
      label: hookLabel(event.hook, event.remoteUnit, event.remoteApp),
      attempt: event.attempt,
      ok: false,
      flagsSet: [],
      flagsCleared: [],
      published: [],
      leaderKeys: [],
      toolCalls: 0,
    };
    for (const key of ['relationId', 'remoteUnit', 'remoteApp', 'departingUnit'] as const) {
      const value = event[key];
      if (value !== undefined) draft[key] = value;
    }
    let list = this.timelines.get(event.unit);
    if (list === undefined) {
      list = [];
      this.timelines.set(event.unit, list);
    }
    list.push(draft);
    return draft;
  }

  timeline(unit: string): readonly TimelineEntry[] {
    return this.timelines.get(unit) ?? [];
  }

  timelineUnits(): string[] {
    return [...this.timelines.keys()];
  }
}

/** `cluster-relation-joined app/1`, `cluster-relation-changed app` or just `install`. */
export function hookLabel(hook: string, remoteUnit?: string, remoteApp?: string): string {
  if (remoteUnit) return `${hook} ${remoteUnit}`;
  if (remoteApp && hook.endsWith('-relation-changed')) return `${hook} ${remoteApp}`;
  return hook;
}

export interface RenderOptions {
  /** Also list each hook's tool calls, log lines and status changes. */
  readonly detail?: boolean;
  /** A header line per unit, e.g. `app/0 (leader)`. */
  readonly header?: (unit: string) => string;
}

/**
 * Render per-unit timelines as text, one line per hook attempt.
 * @example console.log(renderTimelines(model.trace, model.unitNames(), { detail: true }));
 */
export function renderTimelines(
  trace: readonly TraceEvent[],
  timelines: ReadonlyMap<string, readonly TimelineEntry[]>,
  options: RenderOptions = {},
): string {
  const byHook = new Map<number, TraceEvent[]>();
  if (options.detail) {
    for (const event of trace) {
      const hookSeq = 'hookSeq' in event ? event.hookSeq : undefined;
      if (hookSeq === undefined || event.kind === 'hook-end') continue;
      let list = byHook.get(hookSeq);
      if (list === undefined) {
        list = [];
        byHook.set(hookSeq, list);
      }
      list.push(event);
    }
  }
  const width = Math.max(
    24,
    ...[...timelines.values()].flatMap((entries) => entries.map((e) => e.label.length)),
  );
  const seqWidth = String(trace.length).length;
  const lines: string[] = [];
  for (const [unit, entries] of timelines) {
    lines.push(options.header ? options.header(unit) : unit);
    for (const entry of entries) {
      const effects: string[] = [];
      for (const f of entry.flagsSet) effects.push(`+${f}`);
      for (const f of entry.flagsCleared) effects.push(`-${f}`);
      for (const p of entry.published) {
        effects.push(`${p.app ? 'app ' : ''}published ${p.relationId} ${p.keys.join(',')}`);
      }
      if (entry.leaderKeys.length > 0) effects.push(`leader-set ${entry.leaderKeys.join(',')}`);
      const attempt = entry.attempt > 1 ? ` (attempt ${entry.attempt})` : '';
      const outcome = entry.ok ? 'ok' : 'FAILED';
      const tail = entry.ok ? effects.join('  ') : (entry.error ?? '');
      lines.push(
        `  ${String(entry.seq).padStart(seqWidth)}  ${entry.label.padEnd(width)}  ${outcome}${attempt}${tail ? `  ${tail}` : ''}`,
      );
      if (options.detail) {
        for (const event of byHook.get(entry.seq) ?? []) {
          const line = detailLine(event);
          if (line !== undefined) lines.push(`  ${' '.repeat(seqWidth)}      ${line}`);
        }
      }
    }
  }
  return lines.join('\n');
}

function detailLine(event: TraceEvent): string | undefined {
  switch (event.kind) {
    case 'tool':
      return `$ ${[event.tool, ...event.args].join(' ')}${event.ok ? '' : `  -> ${event.error ?? 'error'}`}`;
    case 'log':
      return `log ${event.level}: ${event.message.split('\n')[0] ?? ''}`;
    case 'status':
      return `status${event.application ? ' (application)' : ''} ${event.status}: ${event.message}`;
    case 'published':
      return `published ${event.relationId}${event.app ? ` (app ${event.app})` : ''} ${JSON.stringify(event.changes)}`;
    case 'leader-settings':
      return `leader settings ${JSON.stringify(event.changes)}`;
    default:
      return undefined;
  }
}
