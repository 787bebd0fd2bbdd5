// The hooks Juju owes one unit, as a set (the resolver, resolver.ts, picks the order). Indexed
// by what makes two owed hooks the same, so owing one more (coalesced when already owed) costs
// the same however many hooks the unit is owed: a 1,000-unit peer relation owes each unit
// ~2,000 hooks at deploy. Every change to a unit's owed hooks goes through here.
import type { QueuedHook } from './world.js';

/** What a hook owed to a unit is, apart from its attempts (see enqueue in hook-queue.ts). */
export type HookSpec = Omit<QueuedHook, 'failures'>;

/** The identity Juju coalesces state-based hooks by: the hook, its relation and remote side. */
function keyOf(spec: HookSpec): string {
  return `${spec.hook}\u0000${spec.relationId ?? '\u0001'}\u0000${spec.remoteUnit ?? '\u0001'}\u0000${spec.remoteApp ?? '\u0001'}`;
}

/**
 * A queued hook with every field present (absent ones undefined): one object shape for all
 * owed hooks, so the resolver's scans over them stay fast.
 */
export function owedHook(spec: HookSpec): QueuedHook {
  return {
    hook: spec.hook,
    relationId: spec.relationId,
    endpoint: spec.endpoint,
    remoteUnit: spec.remoteUnit,
    remoteApp: spec.remoteApp,
    departingUnit: spec.departingUnit,
    secretId: spec.secretId,
    secretLabel: spec.secretLabel,
    secretRevision: spec.secretRevision,
    storageId: spec.storageId,
    failures: 0,
    replay: spec.replay,
    queued: spec.queued,
    slot: undefined,
  };
}

/** A unit's owed hooks, in the order they were owed. */
export class OwedHooks implements Iterable<QueuedHook> {
  private items: QueuedHook[] = [];
  /** How many owed, not replayed hooks have each key. */
  private readonly counts = new Map<string, number>();
  /** How many replayed hooks are owed (they are never coalesced). */
  private replays = 0;

  get length(): number {
    return this.items.length;
  }

  [Symbol.iterator](): Iterator<QueuedHook> {
    return this.items[Symbol.iterator]();
  }

  /** The owed hooks, in the order owed (a copy). */
  toArray(): QueuedHook[] {
    return [...this.items];
  }

  some(test: (item: QueuedHook) => boolean): boolean {
    return this.items.some(test);
  }

  filter(test: (item: QueuedHook) => boolean): QueuedHook[] {
    return this.items.filter(test);
  }

  /** True when a hook like `spec` (not replayed) is owed. */
  has(spec: HookSpec): boolean {
    return this.counts.has(keyOf(spec));
  }

  /** True when any replayed hook is owed. */
  get anyReplayed(): boolean {
    return this.replays > 0;
  }

  /** Owe `item` (the caller decided it is not coalesced). */
  add(item: QueuedHook): void {
    this.items.push(item);
    this.counted(item, 1);
  }

  /**
   * Owe a hook like `spec`, unless the same one is owed already (Juju's hooks are state-based:
   * owed once however often the state changed). Replayed hooks are never coalesced.
   */
  owe(spec: HookSpec): void {
    if (spec.replay === true) {
      this.items.push(owedHook(spec));
      this.replays++;
      return;
    }
    const key = keyOf(spec);
    if (this.counts.has(key)) return;
    this.items.push(owedHook(spec));
    this.counts.set(key, 1);
  }

  /** Drop one owed hook (it ran, or was skipped). */
  remove(item: QueuedHook): void {
    const i = this.items.indexOf(item);
    if (i < 0) return;
    this.items.splice(i, 1);
    this.counted(item, -1);
  }

  /** Keep only the hooks `test` accepts. */
  retain(test: (item: QueuedHook) => boolean): void {
    const keep: QueuedHook[] = [];
    for (const item of this.items) {
      if (test(item)) keep.push(item);
      else this.counted(item, -1);
    }
    this.items = keep;
  }

  /** Drop everything (the unit is gone). */
  clear(): void {
    this.items = [];
    this.counts.clear();
    this.replays = 0;
  }

  private counted(item: QueuedHook, by: 1 | -1): void {
    if (item.replay === true) {
      this.replays += by;
      return;
    }
    const key = keyOf(item);
    const n = (this.counts.get(key) ?? 0) + by;
    if (n > 0) this.counts.set(key, n);
    else this.counts.delete(key);
  }
}
