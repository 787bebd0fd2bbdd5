// The hooks Juju owes one unit, as a set (the resolver, resolver.ts, picks the order). Indexed
// by what makes two owed hooks the same, so owing one more (coalesced when already owed) costs
// the same however many hooks the unit is owed: a 1,000-unit peer relation owes each unit
// ~2,000 hooks at deploy. Relation hooks are also kept per relation and event, sorted the way
// the resolver breaks ties, so picking the next one does not scan them all (see OwedRelation).
// Every change to a unit's owed hooks goes through here.
import { Slot, slotOf } from './resolver.js';
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

/** The list of its relation a relation-slot hook is kept in (its name ends with the event). */
function listOf(
  item: Pick<QueuedHook, 'hook' | 'remoteUnit'>,
): 'joined' | 'changed' | 'appChanged' | 'departed' | 'broken' {
  const hook = item.hook;
  if (hook.endsWith('-changed')) return item.remoteUnit === undefined ? 'appChanged' : 'changed';
  if (hook.endsWith('-departed')) return 'departed';
  if (hook.endsWith('-broken')) return 'broken';
  return 'joined';
}

/** The first index in `list` (sorted by name) whose name is not below `name` (or above it). */
function bound(list: readonly QueuedHook[], name: string, after: boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = (list[mid] as QueuedHook).remoteUnit ?? '';
    if (at < name || (after && at === name)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The owed hooks of one relation that the relations resolver orders (not replayed, slot
 * Slot.relations), one list per event. Each list is sorted by remote unit name in byte order
 * (as Go sorts strings, and as the resolver breaks ties: an absent name sorts as ''), hooks
 * about the same name in the order owed.
 */
export interface OwedRelation {
  /** The relation id as the unit sees it (`''` for hooks without one). */
  readonly id: string;
  /** How many hooks are owed in all the lists below. */
  readonly size: number;
  readonly joined: readonly QueuedHook[];
  /** -relation-changed about a remote unit. */
  readonly changed: readonly QueuedHook[];
  /** -relation-changed about the remote application's data (no remote unit). */
  readonly appChanged: readonly QueuedHook[];
  readonly departed: readonly QueuedHook[];
  readonly broken: readonly QueuedHook[];
  /** The -relation-changed about remote unit `name` (the earliest owed if several), or undefined. */
  changedAbout(name: string): QueuedHook | undefined;
}

/** An OwedRelation as OwedHooks keeps it in step. */
class RelationHooks implements OwedRelation {
  size = 0;
  joined: QueuedHook[] = [];
  changed: QueuedHook[] = [];
  appChanged: QueuedHook[] = [];
  departed: QueuedHook[] = [];
  broken: QueuedHook[] = [];

  constructor(readonly id: string) {}

  /** The -relation-changed about remote unit `name` (the earliest owed if several), or undefined. */
  changedAbout(name: string): QueuedHook | undefined {
    const item = this.changed[bound(this.changed, name, false)];
    return item !== undefined && item.remoteUnit === name ? item : undefined;
  }

  /** True when a hook like `spec` (same hook, remote unit and application) is here. */
  holds(spec: HookSpec): boolean {
    const list = this[listOf(spec)];
    for (let i = bound(list, spec.remoteUnit ?? '', false); i < list.length; i++) {
      const item = list[i] as QueuedHook;
      if ((item.remoteUnit ?? '') !== (spec.remoteUnit ?? '')) return false;
      if (
        item.remoteUnit === spec.remoteUnit &&
        item.hook === spec.hook &&
        item.relationId === spec.relationId &&
        item.remoteApp === spec.remoteApp
      )
        return true;
    }
    return false;
  }

  add(item: QueuedHook): void {
    const list = this[listOf(item)];
    // After every hook about the same name: those were owed earlier.
    list.splice(bound(list, item.remoteUnit ?? '', true), 0, item);
    this.size++;
  }

  /** Take `item` out; false when it is not here. */
  delete(item: QueuedHook): boolean {
    const list = this[listOf(item)];
    for (let i = bound(list, item.remoteUnit ?? '', false); i < list.length; i++) {
      if (list[i] !== item) continue;
      // Mostly the head (the hook that ran was the first of its list): shift() is cheap there.
      if (i === 0) list.shift();
      else list.splice(i, 1);
      this.size--;
      return true;
    }
    return false;
  }

  /** Keep only the hooks `keep` accepts, each list in its order. */
  retain(keep: (item: QueuedHook) => boolean): void {
    this.joined = this.joined.filter(keep);
    this.changed = this.changed.filter(keep);
    this.appChanged = this.appChanged.filter(keep);
    this.departed = this.departed.filter(keep);
    this.broken = this.broken.filter(keep);
    this.size =
      this.joined.length +
      this.changed.length +
      this.appChanged.length +
      this.departed.length +
      this.broken.length;
  }
}

/** True when the relations resolver orders `item` (kept in an OwedRelation). */
function indexed(item: QueuedHook): boolean {
  return item.replay !== true && slotOf(item) === Slot.relations;
}

/** A unit's owed hooks, in the order they were owed. */
export class OwedHooks implements Iterable<QueuedHook> {
  /** Every owed hook; a Set iterates in insertion order, the order owed. */
  private items = new Set<QueuedHook>();
  /** The owed hooks not kept per relation (other slots, replayed hooks), in the order owed. */
  private rest = new Set<QueuedHook>();
  /** Relation hooks per relation id; a relation with none owed has no entry. */
  private readonly byRelation = new Map<string, RelationHooks>();
  /**
   * How many owed hooks in `rest` (not replayed) have each key. A relation hook is looked up in
   * its relation's lists instead: a peer relation of 1,000 units owes each unit about 2,000 of
   * them at once, and a key string each would cost about 100 bytes a hook.
   */
  private readonly counts = new Map<string, number>();
  /** How many replayed hooks are owed (they are never coalesced). */
  private replays = 0;

  get length(): number {
    return this.items.size;
  }

  [Symbol.iterator](): Iterator<QueuedHook> {
    return this.items[Symbol.iterator]();
  }

  /** The owed hooks, in the order owed (a copy). */
  toArray(): QueuedHook[] {
    return [...this.items];
  }

  some(test: (item: QueuedHook) => boolean): boolean {
    for (const item of this.items) if (test(item)) return true;
    return false;
  }

  filter(test: (item: QueuedHook) => boolean): QueuedHook[] {
    const out: QueuedHook[] = [];
    for (const item of this.items) if (test(item)) out.push(item);
    return out;
  }

  /** The owed hooks the relations resolver does not order (see relations()), in the order owed. */
  others(): Iterable<QueuedHook> {
    return this.rest;
  }

  /** The relations with a relation hook owed, by relation id (an id's hooks: OwedRelation). */
  relations(): ReadonlyMap<string, OwedRelation> {
    return this.byRelation;
  }

  /** True when a hook like `spec` (not replayed) is owed. */
  has(spec: HookSpec): boolean {
    if (spec.replay === true) return false;
    // The same hook may be owed in either place (a queued relation hook is not in the lists).
    if (this.byRelation.get(spec.relationId ?? '')?.holds(spec) === true) return true;
    return this.counts.size > 0 && this.counts.has(keyOf(spec));
  }

  /** True when any replayed hook is owed. */
  get anyReplayed(): boolean {
    return this.replays > 0;
  }

  /** Owe `item` (the caller decided it is not coalesced). Owing the same object twice is a no-op. */
  add(item: QueuedHook): void {
    if (this.items.has(item)) return;
    this.insert(item);
    this.counted(item, 1);
  }

  /**
   * Owe a hook like `spec`, unless the same one is owed already (Juju's hooks are state-based:
   * owed once however often the state changed). Replayed hooks are never coalesced.
   */
  owe(spec: HookSpec): void {
    if (spec.replay === true) {
      this.insert(owedHook(spec));
      this.replays++;
      return;
    }
    if (this.has(spec)) return;
    const item = owedHook(spec);
    this.insert(item);
    this.counted(item, 1);
  }

  /** Drop one owed hook (it ran, or was skipped). */
  remove(item: QueuedHook): void {
    if (!this.items.delete(item)) return;
    this.unindex(item);
    this.counted(item, -1);
  }

  /** Keep only the hooks `test` accepts (`test` sees every hook before any is dropped). */
  retain(test: (item: QueuedHook) => boolean): void {
    const dropped: QueuedHook[] = [];
    for (const item of this.items) if (!test(item)) dropped.push(item);
    if (dropped.length === 0) return;
    for (const item of dropped) {
      this.items.delete(item);
      this.counted(item, -1);
    }
    if (dropped.length <= 8) {
      for (const item of dropped) this.unindex(item);
      return;
    }
    // Many dropped: rebuild (each list stays in its order) rather than splice each one.
    this.rest = new Set([...this.rest].filter((item) => this.items.has(item)));
    for (const [id, relation] of this.byRelation) {
      relation.retain((item) => this.items.has(item));
      if (relation.size === 0) this.byRelation.delete(id);
    }
  }

  /** Drop everything (the unit is gone). */
  clear(): void {
    this.items = new Set();
    this.rest = new Set();
    this.byRelation.clear();
    this.counts.clear();
    this.replays = 0;
  }

  private insert(item: QueuedHook): void {
    this.items.add(item);
    if (!indexed(item)) {
      this.rest.add(item);
      return;
    }
    const id = item.relationId ?? '';
    let relation = this.byRelation.get(id);
    if (relation === undefined) {
      relation = new RelationHooks(id);
      this.byRelation.set(id, relation);
    }
    relation.add(item);
  }

  /** Take a hook no longer owed out of `rest` or its relation's list. */
  private unindex(item: QueuedHook): void {
    if (this.rest.delete(item)) return;
    const id = item.relationId ?? '';
    const relation = this.byRelation.get(id);
    if (relation?.delete(item) === true && relation.size === 0) this.byRelation.delete(id);
  }

  private counted(item: QueuedHook, by: 1 | -1): void {
    if (item.replay === true) {
      this.replays += by;
      return;
    }
    if (indexed(item)) return; // looked up in its relation's lists (has)
    const key = keyOf(item);
    const n = (this.counts.get(key) ?? 0) + by;
    if (n > 0) this.counts.set(key, n);
    else this.counts.delete(key);
  }
}
