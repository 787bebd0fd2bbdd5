// The resolver reads a unit's owed relation hooks from an index (OwedHooks keeps them per
// relation and event, sorted by remote unit) instead of scanning every owed hook. These tests
// hold the index to a plain reference: a full scan of the owed hooks in the order Juju's uniter
// resolver picks them (worker/uniter/resolver.go nextOp; worker/uniter/relation/resolver.go
// nextHookForRelation), over many random queues and mutations, seeded so a failure replays.
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/state/memory-store.js';
import { relationEvent } from '../../src/testing/hook-queue.js';
import { type HookSpec, type OwedHooks, owedHook } from '../../src/testing/owed-hooks.js';
import { mulberry32, type Random, randomIndex } from '../../src/testing/random.js';
import { Resolver, Slot, slotOf } from '../../src/testing/resolver.js';
import {
  AppRecord,
  type QueuedHook,
  UnitRecord,
  UnitStore,
  World,
} from '../../src/testing/world.js';

// ---------------------------------------------------------------------------------------------
// The reference: every owed hook looked at, each time, as the resolver did before the index.

/** Order within a relation (nextHookForRelation): pending changed, departed, broken, … */
function referenceRank(unit: UnitRecord, q: QueuedHook): number {
  const event = relationEvent(q.hook);
  if (event === 'departed') return 1;
  if (event === 'broken') return 2;
  if (event === 'joined') return 4;
  if (q.remoteUnit === undefined) return 3;
  const view = q.relationId === undefined ? undefined : unit.relations.get(q.relationId);
  if (q.remoteUnit === view?.changedPending) return 0;
  return view?.members.has(q.remoteUnit) ? 5 : 6;
}

const SECRET_ORDER = ['secret-expired', 'secret-rotate', 'secret-changed', 'secret-remove'];

/** True when `q` beats `than`, both of one slot other than relations (secrets, storage order). */
function referenceBeats(q: QueuedHook, than: QueuedHook): boolean {
  if (q.secretId !== undefined && than.secretId !== undefined) {
    const at = (h: string) => (SECRET_ORDER.includes(h) ? SECRET_ORDER.indexOf(h) : 4);
    return at(q.hook) < at(than.hook);
  }
  if (q.storageId === undefined || than.storageId === undefined) return false;
  const detaching = (h: QueuedHook) => !h.hook.endsWith('-attached');
  if (detaching(q) !== detaching(than)) return !detaching(q);
  return q.storageId < than.storageId;
}

/** A leadership hook that no longer applies (the resolver drops it). */
function referenceStale(unit: UnitRecord, q: QueuedHook): boolean {
  if (q.replay === true) return false;
  const leads = unit.app.leader === unit.name;
  if (q.hook === 'leader-settings-changed') return leads;
  return q.hook === 'leader-elected' && (!leads || unit.life !== 'alive');
}

/** True when `q` (of slot `slot`) must wait: install first, storage before install, start after config. */
function referenceWaits(unit: UnitRecord, q: QueuedHook, slot: number): boolean {
  if (q.replay === true) return false;
  if (slot === Slot.storage && !unit.installed) return false;
  const storageOwed = [...unit.queue].some((o) => o.storageId !== undefined && slotOf(o) === 5);
  if (slot === Slot.install) return storageOwed;
  if (!unit.installed && slot < Slot.stop) return true;
  return q.hook === 'start' && !unit.configured;
}

function referenceNext(world: World, random: Random | undefined, unit: UnitRecord) {
  if (unit.life === 'removed') return undefined;
  if (unit.failed !== undefined) return unit.retryDue ? unit.failed : undefined;
  const owed = [...unit.queue].filter((q) => !referenceStale(unit, q));
  let pick: QueuedHook | undefined;
  let pickSlot = Number.POSITIVE_INFINITY;
  for (const q of owed) {
    const slot = slotOf(q);
    if (referenceWaits(unit, q, slot)) continue;
    const beats =
      pick === undefined ||
      slot < pickSlot ||
      (slot === pickSlot && slot !== Slot.relations && referenceBeats(q, pick));
    if (!beats) continue;
    pick = q;
    pickSlot = slot;
  }
  if (pickSlot !== Slot.relations) return pick;
  const relationHooks = owed.filter((q) => q.replay !== true && slotOf(q) === Slot.relations);
  const num = (id: string) => world.relation(id)?.num ?? 0;
  const ids = [...new Set(relationHooks.map((q) => q.relationId ?? ''))];
  ids.sort((a, b) => num(a) - num(b));
  const id = random !== undefined && ids.length > 1 ? ids[randomIndex(random, ids.length)] : ids[0];
  const mine = relationHooks.filter((q) => (q.relationId ?? '') === id);
  const name = (q: QueuedHook) => q.remoteUnit ?? '';
  // A stable sort: ties stay in the order owed.
  mine.sort(
    (a, b) =>
      referenceRank(unit, a) - referenceRank(unit, b) ||
      (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0),
  );
  return mine[0];
}

// ---------------------------------------------------------------------------------------------
// A unit with random owed hooks and random relation views.

const REMOTES = ['app/1', 'app/10', 'app/2', 'app/11', 'app/3', 'other/0', 'other/12', 'other/4'];
const LONE_HOOKS = ['config-changed', 'update-status', 'install', 'start', 'upgrade-charm', 'stop'];
const EVENTS = ['joined', 'changed', 'departed', 'broken'] as const;

interface Scene {
  readonly world: World;
  readonly unit: UnitRecord;
  /** Relation ids the unit's hooks may be about (the last two the model does not know). */
  readonly ids: readonly string[];
}

function scene(): Scene {
  const world = new World();
  world.addRelation([{ app: 'app', endpoint: 'cluster' }]);
  world.addRelation([
    { app: 'app', endpoint: 'db' },
    { app: 'other', endpoint: 'server' },
  ]);
  world.addRelation([{ app: 'app', endpoint: 'ha' }]);
  const app = new AppRecord(
    'app',
    0,
    undefined,
    { name: 'app', endpoints: [] },
    {},
    {},
    'in-process',
    undefined,
  );
  const store = new UnitStore(new MemoryStateStore());
  const unit = new UnitRecord('app/0', 0, app, store, '/nonexistent', '10.0.0.1');
  const ids = ['cluster:0', 'db:1', 'ha:2', 'gone:7', 'gone:8'];
  for (const id of ids) unit.relations.set(id, { created: true, members: new Set() });
  return { world, unit, ids };
}

function pickOf<T>(random: Random, list: readonly T[]): T {
  return list[randomIndex(random, list.length)] as T;
}

/** A random hook a unit may be owed. */
function randomSpec(random: Random, ids: readonly string[]): HookSpec {
  const kind = random();
  // Mostly known relations; a hook of a relation the model no longer knows now and then.
  const id = pickOf(random, random() < 0.9 ? ids.slice(0, 3) : ids);
  const endpoint = id.slice(0, id.indexOf(':'));
  if (kind < 0.6) {
    const event = pickOf(random, EVENTS);
    const appChanged = event === 'changed' && random() < 0.15;
    const remoteUnit =
      appChanged || (event === 'broken' && random() < 0.7) ? undefined : pickOf(random, REMOTES);
    const spec: HookSpec = {
      hook: `${endpoint}-relation-${event}`,
      relationId: id,
      endpoint,
      remoteUnit,
      remoteApp: remoteUnit?.slice(0, remoteUnit.indexOf('/')) ?? 'app',
      departingUnit: event === 'departed' ? remoteUnit : undefined,
    };
    // A replayed relation hook (model.fireHook) or one queued behind config: not the index's.
    if (random() < 0.05) return { ...spec, replay: true };
    return random() < 0.02 ? { ...spec, queued: true } : spec;
  }
  if (kind < 0.7) return { hook: pickOf(random, ['leader-elected', 'leader-settings-changed']) };
  if (kind < 0.85) return { hook: pickOf(random, LONE_HOOKS), replay: random() < 0.1 };
  if (kind < 0.93) {
    return { hook: pickOf(random, SECRET_ORDER), secretId: pickOf(random, ['s1', 's2']) };
  }
  const storageId = pickOf(random, ['data/0', 'data/1']);
  return { hook: `data-storage-${pickOf(random, ['attached', 'detaching'])}`, storageId };
}

/** One random change of what the unit is owed or knows. */
function mutate(random: Random, { unit, ids }: Scene): void {
  const queue = unit.queue;
  const r = random();
  const owed = queue.toArray();
  const view = unit.relations.get(pickOf(random, ids));
  if (r < 0.45) {
    const spec = randomSpec(random, ids);
    // add() does not coalesce: two hooks about the same remote unit may be owed.
    if (random() < 0.25) queue.add(owedHook(spec));
    else queue.owe(spec);
  } else if (r < 0.6 && owed.length > 0) {
    queue.remove(pickOf(random, owed));
  } else if (r < 0.65) {
    const p = random() < 0.5 ? 0.1 : 0.7; // few dropped, or many (the rebuild)
    const keep = new Set(owed.filter(() => random() >= p));
    queue.retain((q) => keep.has(q));
  } else if (r < 0.66) {
    queue.clear();
  } else if (r < 0.76 && view !== undefined) {
    view.changedPending = random() < 0.3 ? undefined : pickOf(random, REMOTES);
  } else if (r < 0.86 && view !== undefined) {
    const remote = pickOf(random, REMOTES);
    if (!view.members.delete(remote)) view.members.add(remote);
  } else if (r < 0.9) {
    unit.installed = !unit.installed;
  } else if (r < 0.93) {
    unit.configured = !unit.configured;
  } else if (r < 0.96) {
    unit.app.leader = random() < 0.5 ? unit.name : 'app/1';
  } else {
    unit.life = random() < 0.8 ? 'alive' : 'dying';
  }
}

/** A hook as the trace names it, for failure messages. */
function label(q: QueuedHook | undefined): string {
  return q === undefined ? 'none' : `${q.hook} ${q.relationId ?? ''} ${q.remoteUnit ?? ''}`;
}

/** A generator that counts its draws, so two runs can be held to the same consumption. */
function counting(seed: number): { random: Random; draws: () => number } {
  const inner = mulberry32(seed);
  let n = 0;
  return {
    random: () => {
      n++;
      return inner();
    },
    draws: () => n,
  };
}

// ---------------------------------------------------------------------------------------------
// What the index must hold: rebuilt from the owed hooks in the order owed.

type ListName = 'joined' | 'changed' | 'appChanged' | 'departed' | 'broken';

/** Where the index differs from the owed hooks ('' when it does not), compared by identity. */
function indexDrift(queue: OwedHooks): string {
  const owed = queue.toArray();
  const isRelation = (q: QueuedHook) => q.replay !== true && slotOf(q) === Slot.relations;
  const same = (a: readonly QueuedHook[], b: readonly QueuedHook[]) =>
    a.length === b.length && a.every((q, i) => q === b[i]);
  if (
    !same(
      [...queue.others()],
      owed.filter((q) => !isRelation(q)),
    )
  )
    return 'others';
  const want = new Map<string, Record<ListName, QueuedHook[]>>();
  for (const q of owed.filter(isRelation)) {
    const id = q.relationId ?? '';
    const lists = want.get(id) ?? {
      joined: [],
      changed: [],
      appChanged: [],
      departed: [],
      broken: [],
    };
    want.set(id, lists);
    const event = relationEvent(q.hook) ?? 'joined';
    lists[
      event === 'changed' && q.remoteUnit === undefined ? 'appChanged' : (event as ListName)
    ].push(q);
  }
  const name = (q: QueuedHook) => q.remoteUnit ?? '';
  const have = queue.relations();
  if (have.size !== want.size) return `relations: ${[...have.keys()]} for ${[...want.keys()]}`;
  for (const [id, lists] of want) {
    const got = have.get(id);
    if (got === undefined) return `no ${id}`;
    let size = 0;
    for (const list of Object.keys(lists) as ListName[]) {
      // Byte order of the remote unit (a stable sort: one name stays in the order owed).
      const items = lists[list].sort((a, b) =>
        name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0,
      );
      size += items.length;
      if (!same(got[list], items)) {
        return `${id} ${list}: ${got[list].map(name)} for ${items.map(name)}`;
      }
    }
    if (got.size !== size) return `${id} size ${got.size} for ${size}`;
  }
  return '';
}

function expectIndexOf(queue: OwedHooks): void {
  expect(indexDrift(queue)).toBe('');
}

describe('owed hooks indexed per relation (the resolver reads them, worker/uniter/relation/resolver.go nextHookForRelation)', () => {
  it('picks the hook a full scan of the owed hooks picks, drawing the same seeded numbers, over random queues and changes', () => {
    let picks = 0;
    let relationPicks = 0;
    let choices = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const s = scene();
      const script = mulberry32(seed);
      const mine = counting(seed * 7919);
      const ref = counting(seed * 7919);
      const resolver = new Resolver(s.world, seed % 5 === 0 ? undefined : mine.random);
      const probes = mulberry32(seed * 31);
      const reference = seed % 5 === 0 ? undefined : ref.random;
      for (let step = 0; step < 300; step++) {
        mutate(script, s);
        if (script() < 0.03 && s.unit.queue.length > 0) {
          s.unit.failed = pickOf(script, s.unit.queue.toArray());
          s.unit.retryDue = script() < 0.5;
        } else s.unit.failed = undefined;
        const want = referenceNext(s.world, reference, s.unit);
        const before = mine.draws();
        const got = resolver.next(s.unit);
        if (got !== want || mine.draws() !== ref.draws()) {
          expect(label(got), `seed ${seed} step ${step}`).toBe(label(want));
          expect(got, `seed ${seed} step ${step}`).toBe(want);
          expect(mine.draws(), `seed ${seed} step ${step}: draws`).toBe(ref.draws());
        }
        choices += mine.draws() - before;
        const drift = indexDrift(s.unit.queue);
        if (drift !== '') expect(drift, `seed ${seed} step ${step}`).toBe('');
        // Coalescing: "is a hook like this owed" agrees with a scan (relation hooks are looked
        // up in their relation's lists, the others by key).
        const probe = randomSpec(probes, s.ids);
        const scanned =
          probe.replay !== true &&
          s.unit.queue.some(
            (q) =>
              q.replay !== true &&
              q.hook === probe.hook &&
              q.relationId === probe.relationId &&
              q.remoteUnit === probe.remoteUnit &&
              q.remoteApp === probe.remoteApp,
          );
        if (s.unit.queue.has(probe) !== scanned)
          expect(s.unit.queue.has(probe), `seed ${seed} step ${step}: has`).toBe(scanned);
        picks++;
        if (got !== undefined && slotOf(got) === Slot.relations && got.replay !== true) {
          relationPicks++;
        }
        // The hook ran: it is no longer owed (as the scheduler does after a hook).
        if (got !== undefined && script() < 0.7) s.unit.queue.remove(got);
      }
    }
    // The runs reached the cases that matter, not just empty queues.
    expect(picks).toBe(150 * 300);
    expect(relationPicks).toBeGreaterThan(picks / 10);
    expect(choices).toBeGreaterThan(100);
  });

  it('keeps the index in step through owe, add, remove, retain (few and many dropped) and clear', () => {
    const s = scene();
    const queue = s.unit.queue;
    const script = mulberry32(99);
    for (let i = 0; i < 60; i++) queue.owe(randomSpec(script, s.ids));
    expectIndexOf(queue);
    expect(queue.relations().size).toBeGreaterThan(1);
    const owed = queue.toArray();
    queue.remove(owed[0] as QueuedHook);
    queue.remove(owed[0] as QueuedHook); // no longer owed: nothing changes
    expectIndexOf(queue);
    queue.retain((q) => q !== owed[1] && q !== owed[2]);
    expectIndexOf(queue);
    queue.retain((q) => q.relationId !== 'cluster:0'); // many at once
    expectIndexOf(queue);
    expect(queue.relations().has('cluster:0')).toBe(false);
    queue.clear();
    expectIndexOf(queue);
    expect(queue.relations().size).toBe(0);
    expect([...queue.others()]).toEqual([]);
    for (let i = 0; i < 20; i++) queue.owe(randomSpec(script, s.ids));
    expectIndexOf(queue);
  });

  it('keeps hooks about one remote unit in the order owed, after those about names that sort first', () => {
    const { unit } = scene();
    const changed = (remoteUnit: string) =>
      owedHook({ hook: 'cluster-relation-changed', relationId: 'cluster:0', remoteUnit });
    const [a, b, c, d] = [changed('app/2'), changed('app/10'), changed('app/2'), changed('app/1')];
    for (const q of [a, b, c, d]) unit.queue.add(q as QueuedHook);
    const list = unit.queue.relations().get('cluster:0')?.changed;
    expect(list?.map((q) => q.remoteUnit)).toEqual(['app/1', 'app/10', 'app/2', 'app/2']);
    expect(list?.[2]).toBe(a);
    expect(list?.[3]).toBe(c);
    expect(unit.queue.relations().get('cluster:0')?.changedAbout('app/2')).toBe(a);
    expect(unit.queue.relations().get('cluster:0')?.changedAbout('app/3')).toBeUndefined();
  });
});
