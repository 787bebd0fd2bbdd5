// Flags: the unit's boolean facts, persisted between hooks. Every real change is reported
// to listeners (dispatch journaling, triggers, events); a no-op set or clear is not a change.

/** Called on each real transition; `set` is true for a set, false for a clear. */
export type FlagListener = (flag: string, set: boolean) => void;

/**
 * A sorted, observable set of flags. One per runtime; never shared. Handlers reach it as
 * `rt.flags`; every real set or clear is committed with the hook.
 * @example
 * rt.flags.set('workload.installed');
 * if (rt.flags.anySet('config.changed.port', 'config.changed.bind')) restart();
 */
export class FlagSet {
  private readonly flags: Set<string>;
  private readonly listeners: FlagListener[] = [];
  /** The flags sorted, kept until the next change (list() is asked for many times a hook). */
  private sorted: readonly string[] | undefined;
  private changes = 0;

  constructor(initial: Iterable<string> = []) {
    this.flags = new Set(initial);
    // A snapshot's flags come sorted: then they are the sorted list already (no sort at the
    // first list() of the hook).
    if (Array.isArray(initial) && strictlyAscending(initial)) this.sorted = initial.slice();
  }

  /** Subscribe to real transitions. Returns an unsubscribe function. */
  onChange(listener: FlagListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Set a flag. Returns true if this was a change. */
  set(flag: string): boolean {
    assertFlagName(flag);
    if (this.flags.has(flag)) return false;
    this.flags.add(flag);
    this.sorted = undefined;
    this.changes++;
    this.notify(flag, true);
    return true;
  }

  /** Clear a flag. Returns true if this was a change. */
  clear(flag: string): boolean {
    assertFlagName(flag);
    if (!this.flags.delete(flag)) return false;
    this.sorted = undefined;
    this.changes++;
    this.notify(flag, false);
    return true;
  }

  /** Set the flag if `value` is true, clear it otherwise. Returns true if this was a change. */
  toggle(flag: string, value?: boolean): boolean {
    const next = value ?? !this.flags.has(flag);
    return next ? this.set(flag) : this.clear(flag);
  }

  /** True when the flag is set. */
  isSet(flag: string): boolean {
    return this.flags.has(flag);
  }

  /** True when every flag given is set (true for none). */
  allSet(...flags: readonly string[]): boolean {
    return flags.every((f) => this.flags.has(f));
  }

  /** True when at least one flag given is set (false for none). */
  anySet(...flags: readonly string[]): boolean {
    return flags.some((f) => this.flags.has(f));
  }

  /** All set flags, sorted; optionally only those starting with `prefix`. */
  list(prefix?: string): string[] {
    this.sorted ??= [...this.flags].sort();
    const sorted = this.sorted;
    if (prefix === undefined) return [...sorted];
    // The flags with a prefix sit together in the sorted list, from the first one >= prefix.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const first = lo;
    // ... and end at the first one after them: found the same way (starting with the prefix
    // holds for a run from `lo`, then never again).
    let end = sorted.length;
    while (lo < end) {
      const mid = (lo + end) >>> 1;
      if ((sorted[mid] as string).startsWith(prefix)) lo = mid + 1;
      else end = mid;
    }
    return sorted.slice(first, end);
  }

  /**
   * How many real sets and clears this set has seen: equal counts, same flags (a count that
   * moved may still end at the same flags: a set then a clear).
   */
  get changeCount(): number {
    return this.changes;
  }

  private notify(flag: string, set: boolean): void {
    // Copy: a listener (a trigger) may subscribe or change flags re-entrantly.
    const listeners = this.listeners;
    if (listeners.length === 1) (listeners[0] as FlagListener)(flag, set);
    else if (listeners.length > 1) for (const listener of [...listeners]) listener(flag, set);
  }
}

/** True when each string sorts after the one before it (so the list is sorted, no repeats). */
function strictlyAscending(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++)
    if (!((list[i - 1] as string) < (list[i] as string))) return false;
  return true;
}

/**
 * True when `flag` may be set: a non-empty string without surrounding whitespace and without
 * the `{endpoint_name}` placeholder. For flag names built from data (relation keys).
 */
export function isFlagName(flag: string): boolean {
  return (
    typeof flag === 'string' &&
    flag.length > 0 &&
    flag.trim() === flag &&
    !flag.includes('{endpoint_name}')
  );
}

function assertFlagName(flag: string): void {
  if (typeof flag !== 'string' || flag.length === 0 || flag.trim() !== flag) {
    throw new TypeError(
      `invalid flag name ${JSON.stringify(flag)}: flags are non-empty strings without surrounding whitespace`,
    );
  }
  if (flag.includes('{endpoint_name}')) {
    throw new TypeError(
      `flag ${JSON.stringify(flag)} still holds the {endpoint_name} placeholder: use endpoint.expandName() or an endpoint handler`,
    );
  }
}
