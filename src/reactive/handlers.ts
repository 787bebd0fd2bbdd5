// Handler definitions: predicates (when, whenAny, whenNot, whenNotAll, hook, onlyOnce,
// whenFileChanged), stable ids, and the truth test dispatch asks of each handler.
// A Handler is immutable once built; per-hook facts come in through PredicateEnv.
import type { DispatchPhase } from './events.js';
import type { FlagSet } from './flags.js';
import { compileHookPattern } from './hook-pattern.js';

/** The predicates of one handler. All given predicates must hold (they are ANDed). */
export interface HandlerSpec {
  /** A stable id for logs, traces and onlyOnce bookkeeping. Derived when omitted. */
  readonly id?: string;
  /** Every flag is set. */
  readonly when?: readonly string[];
  /** At least one flag is set. */
  readonly whenAny?: readonly string[];
  /** No flag is set. */
  readonly whenNot?: readonly string[];
  /** Not every flag is set (at least one is clear). */
  readonly whenNotAll?: readonly string[];
  /** Run in the hooks phase of matching hooks only (patterns with `{a,b}` and `*`). */
  readonly hook?: string | readonly string[];
  /** Run when any of these files changed since the handler last succeeded. */
  readonly whenFileChanged?: readonly string[];
  /** Run at most once in the unit's life (recorded when the handler succeeds). */
  readonly onlyOnce?: boolean;
}

/** What a handler's test needs to know about the current hook. */
export interface PredicateEnv {
  /** The unit's flags. */
  readonly flags: FlagSet;
  /** The hook being run. */
  readonly hookName: string;
  /** The dispatch phase being tested for. */
  readonly phase: DispatchPhase;
  /** True if an onlyOnce handler with this id already succeeded. */
  onlyOnceDone(handlerId: string): boolean;
  /** True if any of the paths changed since this handler last succeeded. */
  filesChanged(handlerId: string, paths: readonly string[]): boolean;
}

/** A handler's body. It gets the hook runtime; it may be async. Throwing fails the hook. */
export type HandlerFn<C> = (context: C) => void | Promise<void>;

/** A registered handler: its predicates, compiled, and the function to run. */
export class Handler<C> {
  /** Every flag named by a predicate: the flags whose change makes this handler re-testable. */
  readonly flags: readonly string[];
  /** The predicates, as registered. */
  readonly spec: HandlerSpec;
  private readonly hookPatterns: readonly RegExp[];

  constructor(
    /** The unique id: the `id` given, the function name, or one derived from the predicates. */
    readonly id: string,
    spec: HandlerSpec,
    /** The handler's body. */
    readonly run: HandlerFn<C>,
  ) {
    this.spec = spec;
    this.hookPatterns = toArray(spec.hook).map(compileHookPattern);
    this.flags = [
      ...new Set([
        ...(spec.when ?? []),
        ...(spec.whenAny ?? []),
        ...(spec.whenNot ?? []),
        ...(spec.whenNotAll ?? []),
      ]),
    ];
  }

  /** True for handlers that belong to the hooks phase. */
  /** The hook name last matched against hookPatterns, and whether it matched. */
  private matchedHook: { readonly name: string; readonly matches: boolean } | undefined;

  /** True when a hook(...) pattern matches `hookName` (remembered for the last name asked). */
  private matchesHook(hookName: string): boolean {
    const last = this.matchedHook;
    if (last !== undefined && last.name === hookName) return last.matches;
    const matches = this.hookPatterns.some((re) => re.test(hookName));
    this.matchedHook = { name: hookName, matches };
    return matches;
  }

  get isHookHandler(): boolean {
    return this.hookPatterns.length > 0;
  }

  /** Whether every predicate holds now. */
  test(env: PredicateEnv): boolean {
    const spec = this.spec;
    if (this.isHookHandler) {
      if (env.phase !== 'hooks' || !this.matchesHook(env.hookName)) return false;
    } else if (env.phase !== 'other') {
      return false;
    }
    const f = env.flags;
    if (spec.when && !allSet(f, spec.when)) return false;
    if (spec.whenAny && !anySet(f, spec.whenAny)) return false;
    if (spec.whenNot && anySet(f, spec.whenNot)) return false;
    if (spec.whenNotAll && allSet(f, spec.whenNotAll)) return false;
    if (spec.onlyOnce && env.onlyOnceDone(this.id)) return false;
    if (spec.whenFileChanged && !env.filesChanged(this.id, spec.whenFileChanged)) return false;
    return true;
  }
}

/** Check a spec for misuse that would otherwise fail silently; throws with the reason. */
export function validateHandlerSpec(spec: HandlerSpec, fnName: string): void {
  const where = spec.id ?? (fnName || 'an anonymous handler');
  for (const key of ['when', 'whenAny', 'whenNot', 'whenNotAll', 'whenFileChanged'] as const) {
    const list = spec[key];
    if (
      list !== undefined &&
      (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || x === ''))
    ) {
      throw new TypeError(`${where}: ${key} must be a list of non-empty strings`);
    }
  }
  if (spec.whenAny !== undefined && spec.whenAny.length === 0) {
    throw new TypeError(`${where}: whenAny([]) can never hold; give at least one flag`);
  }
  if (spec.whenNotAll !== undefined && spec.whenNotAll.length === 0) {
    throw new TypeError(`${where}: whenNotAll([]) can never hold; give at least one flag`);
  }
  if (spec.whenFileChanged !== undefined && spec.whenFileChanged.length === 0) {
    throw new TypeError(`${where}: whenFileChanged([]) can never hold; give at least one path`);
  }
  if (spec.hook !== undefined && toArray(spec.hook).length === 0) {
    throw new TypeError(
      `${where}: hook() needs at least one hook-name pattern (without one the handler would run in every hook)`,
    );
  }
}

/** Derive a readable, deterministic id from the function name or the predicates. */
export function deriveHandlerId(spec: HandlerSpec, fnName: string): string {
  if (spec.id) return spec.id;
  if (fnName && fnName !== 'anonymous') return fnName;
  const parts: string[] = [];
  for (const key of [
    'hook',
    'when',
    'whenAny',
    'whenNot',
    'whenNotAll',
    'whenFileChanged',
  ] as const) {
    const value = toArray(spec[key]);
    if (value.length > 0) parts.push(`${key}(${value.join(',')})`);
  }
  return parts.length > 0 ? parts.join('.') : 'always';
}

function toArray(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/** True when every flag in `list` is set (FlagSet.allSet without spreading the list). */
function allSet(flags: FlagSet, list: readonly string[]): boolean {
  for (const flag of list) if (!flags.isSet(flag)) return false;
  return true;
}

/** True when at least one flag in `list` is set. */
function anySet(flags: FlagSet, list: readonly string[]): boolean {
  for (const flag of list) if (flags.isSet(flag)) return true;
  return false;
}
