// A unit's hook queue: the relation hooks Juju would send it, appended in order, coalesced
// when the same hook is already waiting, and dropped when the unit they are about leaves.
// Pure operations on unit records; the Model decides when to call them.
import { optional } from './optional.js';
import type { QueuedHook, RelationRecord, UnitRecord } from './world.js';

/** A hook to queue (its failure count starts at 0). */
export type HookSpec = Omit<QueuedHook, 'failures'>;

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
  const remoteApp = relation.remoteAppOf(app);
  return {
    hook: `${endpoint}-relation-${event}`,
    relationId: relation.idFor(app),
    endpoint,
    ...optional('remoteUnit', remoteUnit),
    ...optional('remoteApp', remoteApp),
    ...optional('departingUnit', departingUnit),
  };
}

/** A joined+changed pair about `other`, adjacent in the queue as Juju runs them. */
export function enqueueJoin(unit: UnitRecord, relation: RelationRecord, other: UnitRecord): void {
  enqueue(unit, relationHook(unit, relation, 'joined', other.name));
  enqueue(unit, relationHook(unit, relation, 'changed', other.name));
}

/** Append a hook; with `coalesce`, skip it if the same hook is already waiting (as Juju does). */
export function enqueue(unit: UnitRecord, spec: HookSpec, coalesce = false): void {
  if (unit.life === 'removed') return;
  if (coalesce) {
    for (const q of unit.queue) {
      if (
        q.hook === spec.hook &&
        q.relationId === spec.relationId &&
        q.remoteUnit === spec.remoteUnit &&
        q.remoteApp === spec.remoteApp
      ) {
        return;
      }
    }
  }
  unit.queue.push({ ...spec, failures: 0 });
}

/** Drop waiting joined/changed hooks of a relation (about one remote unit, or all). */
export function dropPending(
  unit: UnitRecord,
  relationId: string,
  remoteUnit: string | undefined,
): void {
  const head = unit.queue[0];
  const keep = unit.queue.filter(
    (q) =>
      !(
        q.relationId === relationId &&
        (q.hook.endsWith('-relation-joined') || q.hook.endsWith('-relation-changed')) &&
        (remoteUnit === undefined || q.remoteUnit === remoteUnit)
      ),
  );
  if (keep.length === unit.queue.length) return;
  unit.queue.splice(0, unit.queue.length, ...keep);
  if (unit.queue[0] !== head) unit.error = undefined;
}
