// How Juju orders hooks: the uniter's resolver, per unit, and the choice of which unit runs next.
//
// Juju does not keep a FIFO of hooks. Each time a unit's agent is idle, its resolver compares
// what the unit has seen (local state) with the model (remote state) and picks ONE operation,
// consulting sub-resolvers in a fixed order (worker/uniter/resolver.go NextOp and nextOp):
//
//   relation-created   (worker/uniter/relation/resolver.go createdRelationsResolver; needs install)
//   leadership         (worker/uniter/leadership/resolver.go: leader-elected, leader-settings-changed)
//   secrets            (secret-changed, secret-rotate, secret-expired, secret-remove)
//   actions            (even while a hook is in error)
//   commands           (collect-metrics, run like a command here)
//   storage            (<name>-storage-attached, -detaching)
//   -- a failed hook: wait for its retry or `resolve`; nothing below runs --
//   queued             (worker/uniter/operation/runhook.go Commit: start after the first
//                       config-changed, config-changed right after upgrade-charm)
//   install, upgrade-charm, config-changed
//   relations          (joined/changed/departed/broken, worker/uniter/relation/resolver.go)
//   update-status      ("runs if nothing else needs to")
//
// The unit's queue below is a set of hooks owed, not an order; state-based hooks
// (config-changed, leader-settings-changed, update-status, a unit's -relation-changed) are
// coalesced: Juju compares versions, so N changes give one hook. Where Juju is unpredictable
// (Go map order over relations, which unit runs first, which unit a lease expiry elects) the
// model's seeded generator chooses, so the same seed replays the same trace.
import type { OwedRelation } from './owed-hooks.js';
import { type Random, randomIndex } from './random.js';
import type { QueuedAction, QueuedHook, UnitRecord, World } from './world.js';

/** The resolver's slots, in priority order (lower runs first). */
export const Slot = {
  created: 0,
  leadership: 1,
  secrets: 2,
  actions: 3,
  commands: 4,
  storage: 5,
  queued: 6,
  install: 7,
  upgrade: 8,
  config: 9,
  relations: 10,
  updateStatus: 11,
  /** Hooks a test fired or replayed that Juju's resolver has no slot for: last, in queue order. */
  other: 12,
  stop: 13,
  remove: 14,
} as const;

const RELATION_HOOK = /-relation-(joined|changed|departed|broken)$/;
const SECRET_HOOK = /^secret-(changed|rotate|expired|remove)$/;
const STORAGE_HOOK = /-storage-(attached|detaching)$/;

/** The resolver slot of a hook owed to a unit. */
export function slotOf(item: QueuedHook): number {
  item.slot ??= computeSlot(item);
  return item.slot;
}

function computeSlot(item: QueuedHook): number {
  if (item.replay === true) return Slot.other;
  const hook = item.hook;
  if (hook.endsWith('-relation-created')) return Slot.created;
  if (hook === 'leader-elected' || hook === 'leader-settings-changed') return Slot.leadership;
  if (SECRET_HOOK.test(hook)) return Slot.secrets;
  if (hook === 'collect-metrics') return Slot.commands;
  if (STORAGE_HOOK.test(hook)) return Slot.storage;
  if (hook === 'start' || item.queued === true) return Slot.queued;
  if (hook === 'install') return Slot.install;
  if (hook === 'upgrade-charm') return Slot.upgrade;
  if (hook === 'config-changed') return Slot.config;
  if (RELATION_HOOK.test(hook)) return Slot.relations;
  if (hook === 'update-status') return Slot.updateStatus;
  if (hook === 'stop') return Slot.stop;
  if (hook === 'remove') return Slot.remove;
  return Slot.other;
}

/**
 * Order of a hook within its relation (worker/uniter/relation/resolver.go nextHookForRelation):
 * the pending changed after a joined, departs, broken, application changed, joins, then unit
 * changes; units by name as Go sorts strings (byte order: `app/10` before `app/2`).
 */
function relationRank(unit: UnitRecord, item: QueuedHook): number {
  // Only relation hooks get here (their slot is Slot.relations): the name ends with the event.
  const hook = item.hook;
  if (hook.endsWith('-changed')) {
    if (item.remoteUnit === undefined) return 3;
    const view = item.relationId === undefined ? undefined : unit.relations.get(item.relationId);
    if (view?.changedPending === item.remoteUnit) return 0;
    return view?.members.has(item.remoteUnit) === true ? 5 : 6;
  }
  if (hook.endsWith('-departed')) return 1;
  if (hook.endsWith('-broken')) return 2;
  return 4; // joined
}

/**
 * The hook of one relation the unit runs first, in relationRank's order; ties by remote unit
 * name, then the earliest owed. OwedRelation keeps each event's hooks in that tie order, so this
 * reads the head of a list, or looks a name up, instead of scanning the relation's hooks.
 */
function nextHookOfRelation(unit: UnitRecord, owed: OwedRelation): QueuedHook | undefined {
  // The view of the hooks' relation (a relation hook always has an id; '' finds no view).
  const view = unit.relations.get(owed.id);
  const pending = view?.changedPending;
  if (pending !== undefined) {
    const changed = owed.changedAbout(pending);
    if (changed !== undefined) return changed;
  }
  const first = owed.departed[0] ?? owed.broken[0] ?? owed.appChanged[0] ?? owed.joined[0];
  if (first !== undefined) return first;
  // Changes of members before those of units not (or no longer) joined here.
  if (view !== undefined) {
    for (const item of owed.changed) {
      if (view.members.has(item.remoteUnit as string)) return item;
    }
  }
  return owed.changed[0];
}

function byteCompare(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Why a hook owed to a unit cannot run now (and is dropped), or undefined when it can. */
function stale(unit: UnitRecord, item: QueuedHook): boolean {
  if (item.replay === true || !item.hook.startsWith('leader-')) return false;
  const leader = unit.app.leader === unit.name;
  // worker/uniter/leadership/resolver.go: leader-settings-changed only for a non-leader;
  // leader-elected only while the unit holds the lease (and is not dying).
  if (item.hook === 'leader-settings-changed') return leader;
  if (item.hook === 'leader-elected') return !leader || unit.life !== 'alive';
  return false;
}

/**
 * Order within the secrets and storage slots. Secrets: expired, rotate, changed, remove
 * (worker/uniter/secrets/resolver.go NextOp). Storage: attaching before detaching, by id.
 */
const SECRET_RANK: Readonly<Record<string, number>> = {
  'secret-expired': 0,
  'secret-rotate': 1,
  'secret-changed': 2,
  'secret-remove': 3,
};

function withinSlot(item: QueuedHook, best: QueuedHook | undefined): number {
  if (best === undefined) return -1;
  if (item.secretId !== undefined && best.secretId !== undefined) {
    return (SECRET_RANK[item.hook] ?? 4) - (SECRET_RANK[best.hook] ?? 4);
  }
  if (item.storageId !== undefined && best.storageId !== undefined) {
    const a = item.hook.endsWith('-attached') ? 0 : 1;
    const b = best.hook.endsWith('-attached') ? 0 : 1;
    return a - b || byteCompare(item.storageId, best.storageId);
  }
  return 0;
}

/** May this hook run before the unit is installed? (Only install; Juju gates the rest on it.) */
function gated(unit: UnitRecord, item: QueuedHook, slot: number): boolean {
  if (item.replay === true) return false;
  // worker/uniter/storage/resolver.go: storage-attached runs before install, and install
  // waits (ErrWaiting) while the unit's initial storage is not attached yet.
  if (!unit.installed && slot === Slot.storage) return false;
  if (slot === Slot.install && hasStorageHook(unit)) {
    return true;
  }
  if (!unit.installed && slot !== Slot.install && slot < Slot.stop) return true;
  // The queued start runs once the first config-changed committed (operation/runhook.go).
  if (item.hook === 'start' && !unit.configured) return true;
  return false;
}

/** True when a storage hook is owed to the unit (they are never relation hooks). */
function hasStorageHook(unit: UnitRecord): boolean {
  for (const q of unit.queue.others()) {
    if (q.storageId !== undefined && slotOf(q) === Slot.storage) return true;
  }
  return false;
}

/** Picks hooks the way Juju's uniter does. One per Model. */
export class Resolver {
  constructor(
    private readonly world: World,
    /** Seeded choices where Juju is unpredictable; undefined: the lowest-numbered choice. */
    private readonly random: Random | undefined,
  ) {}

  /** True when the unit may have something to run now (cheap; `next` decides). */
  hasWork(unit: UnitRecord): boolean {
    if (unit.life === 'removed') return false;
    if (unit.actions.length > 0) return true;
    if (unit.failed !== undefined) return unit.retryDue;
    return unit.queue.length > 0;
  }

  /**
   * The hook the unit runs next, or undefined when it has none it may run now. A failed hook
   * whose retry is due comes back here; while it waits, nothing else of the unit runs (the
   * actions slot does: see nextAction). Drops hooks that became pointless.
   */
  next(unit: UnitRecord): QueuedHook | undefined {
    if (unit.life === 'removed') return undefined;
    if (unit.failed !== undefined) return unit.retryDue ? unit.failed : undefined;
    const queue = unit.queue;
    let best: QueuedHook | undefined;
    let bestSlot = Number.POSITIVE_INFINITY;
    let staleCount = 0;
    // Relation hooks are ordered by nextRelationHook, not here: this scans the others only.
    for (const item of queue.others()) {
      const slot = slotOf(item);
      if (slot === Slot.leadership && stale(unit, item)) {
        staleCount++;
        continue;
      }
      const better = slot < bestSlot || (slot === bestSlot && withinSlot(item, best) < 0);
      if (better && !gated(unit, item, slot)) {
        best = item;
        bestSlot = slot;
      }
    }
    if (staleCount > 0) {
      queue.retain((item) => slotOf(item) !== Slot.leadership || !stale(unit, item));
    }
    // Every relation hook is gated alike (gated(): only until install committed).
    if (bestSlot < Slot.relations || queue.relations().size === 0 || !unit.installed) return best;
    return this.nextRelationHook(unit);
  }

  /**
   * The action the unit runs instead of `hook` (its next hook, if any), or undefined. Juju
   * consults actions after leadership and before everything else, also while a hook is in
   * error (worker/uniter/resolver.go NextOp; worker/uniter/actions/resolver.go: "We can still
   * run actions if the unit is in a hook error state"). `model.runAction` queues them.
   */
  nextAction(unit: UnitRecord, hook: QueuedHook | undefined): QueuedAction | undefined {
    const action = unit.actions[0];
    if (action === undefined) return undefined;
    if (hook !== undefined && unit.failed === undefined && slotOf(hook) < Slot.actions) {
      return undefined;
    }
    return action;
  }

  /**
   * Juju's relations resolver ranges over a Go map of relations (an unpredictable order), and
   * takes the first relation with a hook to run; within it, nextHookForRelation's order.
   */
  private nextRelationHook(unit: UnitRecord): QueuedHook | undefined {
    const relations = unit.queue.relations();
    if (relations.size === 1) {
      for (const owed of relations.values()) return nextHookOfRelation(unit, owed);
    }
    const chosen = relations.get(this.chooseRelation(unit) ?? '');
    return chosen === undefined ? undefined : nextHookOfRelation(unit, chosen);
  }

  /** Several relations have a hook to run: one of them, as Go's map order would pick it. */
  private chooseRelation(unit: UnitRecord): string | undefined {
    const num = (id: string) => this.world.relation(id)?.num ?? 0;
    let ids = [...unit.queue.relations().keys()].sort((a, b) => num(a) - num(b));
    if (ids.some((id, i) => i > 0 && num(id) === num(ids[i - 1] as string))) {
      // Ids of one number (hooks of a relation the model does not know): in the order their
      // first hook was owed, as a stable sort of the ids seen in the queue leaves them.
      const seen = new Set<string>();
      for (const item of unit.queue) {
        if (item.replay === true || slotOf(item) !== Slot.relations) continue;
        seen.add(item.relationId ?? '');
      }
      ids = [...seen].sort((a, b) => num(a) - num(b));
    }
    return this.random === undefined || ids.length < 2
      ? ids[0]
      : ids[randomIndex(this.random, ids.length)];
  }
}

/**
 * The unit's owed hooks in the order the resolver would run them if nothing changed
 * (relations in relation-id order).
 */
export function pendingInOrder(world: World, unit: UnitRecord): QueuedHook[] {
  const out: QueuedHook[] = [];
  if (unit.failed !== undefined) out.push(unit.failed);
  const rest = unit.queue
    .filter((item) => item !== unit.failed && !stale(unit, item))
    .map((item, index) => ({ item, index, slot: slotOf(item) }));
  rest.sort((a, b) => {
    if (a.slot !== b.slot) return a.slot - b.slot;
    if (a.slot === Slot.relations) {
      const ra = world.relation(a.item.relationId ?? '')?.num ?? 0;
      const rb = world.relation(b.item.relationId ?? '')?.num ?? 0;
      if (ra !== rb) return ra - rb;
      const ka = relationRank(unit, a.item);
      const kb = relationRank(unit, b.item);
      if (ka !== kb) return ka - kb;
      const byName = byteCompare(a.item.remoteUnit, b.item.remoteUnit);
      if (byName !== 0) return byName;
    }
    return a.index - b.index;
  });
  for (const r of rest) out.push(r.item);
  return out;
}
