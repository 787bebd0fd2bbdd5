// A unit's owed hooks: what Juju would send it, as a set (the resolver, resolver.ts, picks the
// order), coalesced when the same hook is already owed (Juju compares versions, so N changes
// give one hook), and dropped when the unit they are about leaves before they ran.
// Pure operations on unit records; the Model decides when to call them.
import type { HookSpec } from './owed-hooks.js';
import type { RelationRecord, UnitRecord } from './world.js';

/** A hook to queue (its failure count starts at 0). */
export type { HookSpec };

export type RelationEvent = 'created' | 'joined' | 'changed' | 'departed' | 'broken';

/** The `<endpoint>-relation-<event>` hook a unit gets for a relation, with Juju's context. */
export function relationHook(
  unit: UnitRecord,
  relation: RelationRecord,
  event: RelationEvent,
  remoteUnit?: string,
  departingUnit?: string,
): HookSpec {
  const app = unit.app.name;
  const endpoint = relation.sideOf(app)?.endpoint ?? '';
  // Absent fields stay undefined (not left out): one object shape, and owedHook() copies it.
  return {
    hook: relationHookName(endpoint, event),
    relationId: relation.idFor(app),
    endpoint,
    remoteUnit,
    remoteApp: relation.remoteAppOf(app),
    departingUnit,
  };
}

/**
 * `<endpoint>-relation-<event>`, one string per name however many hooks are owed with it (a peer
 * relation of 1,000 units owes about two million at once).
 */
const hookNames = new Map<string, string>();
function relationHookName(endpoint: string, event: RelationEvent): string {
  const key = `${endpoint}\u0000${event}`;
  let name = hookNames.get(key);
  if (name === undefined) {
    name = `${endpoint}-relation-${event}`;
    if (hookNames.size < 10_000) hookNames.set(key, name);
  }
  return name;
}

/** The event of a relation hook name (`joined`, `changed`, …), or undefined. */
export function relationEvent(hook: string): RelationEvent | undefined {
  const i = hook.lastIndexOf('-relation-');
  return i < 0 ? undefined : (hook.slice(i + 10) as RelationEvent);
}

/**
 * A joined and a changed about `other`. Juju runs the changed right after the joined within
 * the relation (ChangedPending); hooks of other relations or slots may come between.
 */
export function enqueueJoin(unit: UnitRecord, relation: RelationRecord, other: UnitRecord): void {
  enqueue(unit, relationHook(unit, relation, 'joined', other.name));
  enqueue(unit, relationHook(unit, relation, 'changed', other.name));
}

/**
 * Owe the unit a hook, unless the same hook is already owed (Juju's hooks are state-based:
 * owed once however often the state changed). Replayed hooks are never coalesced.
 */
export function enqueue(unit: UnitRecord, spec: HookSpec): void {
  if (unit.life === 'removed') return;
  unit.queue.owe(spec);
}

/**
 * Drop owed joined/changed hooks of a relation (about one remote unit, or all): the remote
 * unit left before they ran. A changed that must follow its joined (ChangedPending) stays:
 * Juju runs it before the departed (worker/uniter/relation/resolver.go nextHookForRelation).
 */
export function dropPending(
  unit: UnitRecord,
  relationId: string,
  remoteUnit: string | undefined,
): void {
  const pending = unit.relations.get(relationId)?.changedPending;
  unit.queue.retain((q) => {
    if (q.replay === true || q.relationId !== relationId) return true;
    if (remoteUnit !== undefined && q.remoteUnit !== remoteUnit) return true;
    const event = relationEvent(q.hook);
    if (event === 'joined') return false;
    if (event === 'changed') return q.remoteUnit !== undefined && q.remoteUnit === pending;
    return true;
  });
}
