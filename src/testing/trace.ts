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
  /** The unit whose hook this happened in, like `app/0`. */
  readonly unit: string;
  /** The hook that was running, like `cluster-relation-changed`. */
  readonly hook: string;
  /** The `seq` of the hook event this event belongs to. */
  readonly hookSeq: number;
}

/** A hook started on a unit. */
export interface HookEvent extends Base {
  /** Discriminant of {@link TraceEvent}. */
  readonly kind: 'hook';
  /** The unit running the hook, like `app/0`. */
  readonly unit: string;
  /** The hook name, like `install` or `cluster-relation-joined`. */
  readonly hook: string;
  /** 1 for the first run, 2 and up for retries of a hook that failed. */
  readonly attempt: number;
  /** For relation hooks: the relation id, like `cluster:0` (JUJU_RELATION_ID). */
  readonly relationId?: string;
  /** For `-joined`, `-changed` and `-departed` hooks: the remote unit (JUJU_REMOTE_UNIT). */
  readonly remoteUnit?: string;
  /** For relation hooks: the remote application (JUJU_REMOTE_APP). */
  readonly remoteApp?: string;
  /** For `-relation-departed` hooks: the unit leaving the relation (JUJU_DEPARTING_UNIT). */
  readonly departingUnit?: string;
}

/** A hook finished. `handlers` lists the handlers that ran (in-process units only). */
export interface HookEndEvent extends InHook {
  /** Discriminant of {@link TraceEvent}. */
  readonly kind: 'hook-end';
  /** True when the hook succeeded and its writes were committed. */
  readonly ok: boolean;
  /** The first line of the (redacted) error, when the hook failed. */
  readonly error?: string;
  /** The handlers that ran, in order (in-process units only). */
  readonly handlers?: readonly string[];
}

/** A hook-tool call, with its arguments as the tool would get them (values of writes left out). */
export interface ToolEvent extends InHook {
  /** Discriminant of {@link TraceEvent}. */
  readonly kind: 'tool';
  /** The hook tool's name, like `relation-set` or `leader-get`. */
  readonly tool: string;
  /** Its command-line arguments (redacted; values of writes left out). */
  readonly args: readonly string[];
  /** False when the tool call failed. */
  readonly ok: boolean;
  /** The HookToolError kind when the call failed. */
  readonly error?: string;
}

/** A flag the hook's commit set or cleared (the net change, as stored). */
export interface FlagEvent extends InHook {
  /** Discriminant of {@link TraceEvent}. */
  readonly kind: 'flag';
  /** The flag's name. */
  readonly flag: string;
  /** True: the flag was set; false: it was cleared. */
  readonly set: boolean;
}

/**
 * Relation data a unit (or its application, `app`) committed. `changes` maps each changed key
 * to its new value (null: deleted). Values are redacted; for units run as processes, where the
 * charm's own redactor is out of reach, every value is masked.
 */
export interface PublishedEvent extends Base {
  /** Discriminant of {@link TraceEvent}. */
  readonly kind: 'published';
  /** The unit that wrote the data (for application data: the leader that wrote it). */
  readonly unit: string;
  /**
   * The hook that wrote it; absent when the test wrote it (`model.setRelationData`) or Juju did
   * (the addresses it writes when the unit enters the relation's scope).
   */
  readonly hook?: string;
  /** The `seq` of that hook's start event; absent when no hook wrote it. */
  readonly hookSeq?: number;
  /** The relation id, as the writing unit's application sees it. */
  readonly relationId: string;
  /** Set for application data: the application whose bag changed. */
  readonly app?: string;
  /** Each changed key and its new (redacted) value; null: the key was deleted. */
  readonly changes: Readonly<Record<string, string | null>>;
}

/** Leader settings the leader committed. */
export interface LeaderSettingsEvent extends InHook {
  /** Discriminant of {@link TraceEvent}. */
  readonly kind: 'leader-settings';
  /** The application whose leader settings changed. */
  readonly app: string;
  /** Each changed key and its new (redacted) value; null: the key was deleted. */
  readonly changes: Readonly<Record<string, string | null>>;
}

/** A `status-set` call: the unit's (or, from the leader, the application's) workload status. */
export interface StatusEvent extends InHook {
  /** Discriminant of {@link TraceEvent}. */
  readonly kind: 'status';
  /** The status name: `maintenance`, `blocked`, `waiting` or `active`. */
  readonly status: string;
  /** The status message (redacted). */
  readonly message: string;
  /** True for `status-set --application`. */
  readonly application: boolean;
}

/** A `juju-log` line the charm wrote. */
export interface LogEvent extends InHook {
  /** Discriminant of {@link TraceEvent}. */
  readonly kind: 'log';
  /** The log level, like `INFO` or `ERROR`. */
  readonly level: string;
  /** The logged message (redacted). */
  readonly message: string;
}

/** Something the test (or CLI) did to the model: deploy, add-unit, set-config, ... */
export interface ModelEvent extends Base {
  /** Discriminant of {@link TraceEvent}. */
  readonly kind: 'model';
  /** What was done, like `deploy`, `add-unit`, `relate` or `leader`. */
  readonly action: string;
  /** A human-readable description of the change (redacted). */
  readonly detail: string;
  /** The unit the action was about, if any. */
  readonly unit?: string;
}

/**
 * One entry of `model.trace`. Narrow on `kind` to reach the fields of each event type.
 * @example const failed = model.trace.filter((e) => e.kind === 'hook-end' && !e.ok);
 */
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
  /** The unit that ran the hook, like `app/0`. */
  readonly unit: string;
  /** The hook name, like `config-changed`. */
  readonly hook: string;
  /** `cluster-relation-joined app/1`: the hook and the unit or application it is about. */
  readonly label: string;
  /** 1 for the first run, 2 and up for retries of a hook that failed. */
  readonly attempt: number;
  /** True when the hook succeeded and its writes were committed. */
  readonly ok: boolean;
  /** The first line of the (redacted) error, when the hook failed. */
  readonly error?: string;
  /** For relation hooks: the relation id, like `cluster:0`. */
  readonly relationId?: string;
  /** For `-joined`, `-changed` and `-departed` hooks: the remote unit. */
  readonly remoteUnit?: string;
  /** For relation hooks: the remote application. */
  readonly remoteApp?: string;
  /** For `-relation-departed` hooks: the unit leaving the relation. */
  readonly departingUnit?: string;
  /** Handlers that ran (in-process units only). */
  readonly handlers?: readonly string[];
  /** Flags the hook's commit set. */
  readonly flagsSet: readonly string[];
  /** Flags the hook's commit cleared. */
  readonly flagsCleared: readonly string[];
  /** Relation data the hook's commit published: one entry per relation and bag. */
  readonly published: readonly {
    /** The relation id, as this unit's application sees it. */
    readonly relationId: string;
    /** True for the application bag (written by the leader), false for the unit's own. */
    readonly app: boolean;
    /** The keys that changed (set or deleted). */
    readonly keys: readonly string[];
  }[];
  /** Leader-settings keys the hook's commit changed (leader only). */
  readonly leaderKeys: readonly string[];
  /** How many hook-tool calls the hook made. */
  readonly toolCalls: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type Draft = Mutable<TimelineEntry> & {
  published: { relationId: string; app: boolean; keys: string[] }[];
};

/** How much the trace keeps: everything, or hooks and their committed effects only. */
export type TraceLevel = 'full' | 'hooks';

type WithoutSeq<E> = E extends TraceEvent ? Omit<E, 'seq'> : never;

/**
 * One empty list for every timeline entry with nothing in a list (most entries, most lists): a
 * model of 1,000 units keeps millions of entries. Frozen: a list is replaced, never pushed to.
 */
const NONE: readonly never[] = Object.freeze([]);
/** Past this many shared texts and lists, the recorder starts sharing afresh (bounds its map). */
const MAX_SHARED = 100_000;

/** Records trace events and timelines; redacts every text with the model's redactor. */
export class TraceRecorder {
  private readonly log: TraceEvent[] = [];
  private readonly timelines = new Map<string, Draft[]>();
  /**
   * The texts and lists timeline entries repeat (hook names, labels, relation ids, handler
   * lists), one copy each: a label like `cluster-relation-changed app/7` recurs on every unit.
   */
  private readonly shared = new Map<string, string | readonly string[]>();
  private seq = 0;

  constructor(
    readonly redactor: Redactor,
    readonly level: TraceLevel,
    /**
     * Keep only the last `limit` events, and the last `limit` timeline entries of each unit
     * (default: everything). A big model runs millions of hooks: this bounds the memory.
     */
    readonly limit?: number,
  ) {
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit > 0)) {
      throw new Error(`traceLimit must be a whole number above 0, got ${String(limit)}`);
    }
  }

  /** The events kept, oldest first (see `limit`). */
  get events(): readonly TraceEvent[] {
    return trimmed(this.log, this.limit, 0);
  }

  get full(): boolean {
    return this.level === 'full';
  }

  /** Append an event, giving it the next seq. Text fields must already be redacted. */
  push(event: WithoutSeq<TraceEvent>): number {
    const seq = ++this.seq;
    this.log.push({ seq, ...event } as TraceEvent);
    if (this.limit !== undefined) trimmed(this.log, this.limit, this.limit);
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
      unit: this.text(event.unit),
      hook: this.text(event.hook),
      label: this.text(hookLabel(event.hook, event.remoteUnit, event.remoteApp)),
      attempt: event.attempt,
      ok: false,
      flagsSet: NONE,
      flagsCleared: NONE,
      published: NONE as unknown as Draft['published'],
      leaderKeys: NONE,
      toolCalls: 0,
    };
    for (const key of ['relationId', 'remoteUnit', 'remoteApp', 'departingUnit'] as const) {
      const value = event[key];
      if (value !== undefined) draft[key] = this.text(value);
    }
    let list = this.timelines.get(event.unit);
    if (list === undefined) {
      list = [];
      this.timelines.set(event.unit, list);
    }
    list.push(draft);
    if (this.limit !== undefined) trimmed(list, this.limit, this.limit);
    return draft;
  }

  /** The handlers a hook ran, as a list shared by every entry that ran the same ones. */
  handlerList(handlers: readonly string[]): readonly string[] {
    if (handlers.length === 0) return NONE;
    const key = `\u0000${handlers.join('\u0000')}`;
    const kept = this.shared.get(key);
    if (Array.isArray(kept)) return kept;
    const list = Object.freeze([...handlers]);
    this.keep(key, list);
    return list;
  }

  /** `value`, or the equal text an earlier entry holds. */
  private text(value: string): string {
    const kept = this.shared.get(value);
    if (typeof kept === 'string') return kept;
    this.keep(value, value);
    return value;
  }

  private keep(key: string, value: string | readonly string[]): void {
    if (this.shared.size >= MAX_SHARED) this.shared.clear();
    this.shared.set(key, value);
  }

  timeline(unit: string): readonly TimelineEntry[] {
    const list = this.timelines.get(unit);
    return list === undefined ? [] : trimmed(list, this.limit, 0);
  }

  timelineUnits(): string[] {
    return [...this.timelines.keys()];
  }
}

/** Note on a hook's timeline entry a bag its commit published. */
export function notePublished(
  draft: Pick<Draft, 'published'>,
  bag: Draft['published'][number],
): void {
  if ((draft.published as readonly unknown[]) === NONE) draft.published = [bag];
  else draft.published.push(bag);
}

/**
 * Drop the oldest items of `list` beyond `limit`, once it holds `slack` more than that (so the
 * cost of dropping is spread over the pushes); with no limit, the list as it is.
 */
function trimmed<T>(list: T[], limit: number | undefined, slack: number): T[] {
  if (limit !== undefined && list.length > limit + slack) list.splice(0, list.length - limit);
  return list;
}

/** `cluster-relation-joined app/1`, `cluster-relation-changed app` or just `install`. */
export function hookLabel(hook: string, remoteUnit?: string, remoteApp?: string): string {
  if (remoteUnit) return `${hook} ${remoteUnit}`;
  if (remoteApp && hook.endsWith('-relation-changed')) return `${hook} ${remoteApp}`;
  return hook;
}

/** Options for {@link renderTimelines} and `model.renderTimeline()`. */
export interface RenderOptions {
  /** Also list each hook's tool calls, log lines and status changes. */
  readonly detail?: boolean;
  /** A header line per unit, e.g. `app/0 (leader)`. */
  readonly header?: (unit: string) => string;
}

/**
 * Render per-unit timelines as text, one line per hook attempt.
 * @example console.log(model.renderTimeline({ detail: true })); // the usual way in; it calls this
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
  // The last event's number (as many as there are events, unless older ones were dropped).
  const seqWidth = String(trace.at(-1)?.seq ?? trace.length).length;
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
