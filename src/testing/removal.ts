// Removing units and relations: what Juju makes each side run when a unit leaves or a relation
// goes away (departed for every joined unit, broken for non-peer relations, stop and remove),
// and which owed hooks a dying unit no longer runs (worker/uniter/resolver.go nextOp, case
// Dying). Leadership hand-over after a leader leaves: leadership.ts.
import { compareUnitNames } from '../juju/ordering.js';
import { dropPending, enqueue, relationHook } from './hook-queue.js';
import type { ModelParts } from './model-parts.js';
import { StorageModel } from './storage.js';
import type { RelationRecord, UnitRecord } from './world.js';

/**
 * Hooks a dying unit no longer runs (worker/uniter/resolver.go nextOp, case Dying; secret hooks:
 * worker/uniter/secrets/resolver.go "Nothing to do if ... the unit is dying").
 */
const DROPPED_WHEN_DYING =
  /^(install|start|config-changed|upgrade-charm|update-status|leader-elected|.*-relation-created|secret-(changed|rotate|expired|remove))$/;

/** Start removing `unit` (see Model.removeUnit). */
export function removeUnit(parts: ModelParts, unit: UnitRecord): void {
  const { world } = parts;
  const name = unit.name;
  if (unit.life !== 'alive') throw new Error(`${name} is already ${unit.life}`);
  unit.life = 'dying';
  const app = unit.app;
  // A dying unit runs no install, config, upgrade or update-status any more
  // (worker/uniter/resolver.go nextOp, case Dying): relations are broken, then stop.
  unit.queue.retain(
    (q) => q === unit.failed || q.replay === true || !DROPPED_WHEN_DYING.test(q.hook),
  );
  for (const [id, view] of unit.relations) {
    const relation = world.relation(id);
    if (relation === undefined) continue;
    const remoteApp = relation.remoteAppOf(app.name);
    if (remoteApp !== undefined) {
      for (const other of world.unitsInScope(relation, remoteApp)) {
        if (other === unit) continue;
        dropPending(other, relation.idFor(other.app.name), name);
        if (other.relations.get(relation.idFor(other.app.name))?.members.has(name)) {
          enqueue(other, relationHook(other, relation, 'departed', name, name));
        }
      }
    }
    dropPending(unit, id, undefined);
    for (const member of [...view.members].sort(compareUnitNames)) {
      enqueue(unit, relationHook(unit, relation, 'departed', member, name));
    }
    if (!relation.peer) enqueue(unit, relationHook(unit, relation, 'broken'));
  }
  // worker/uniter/storage/resolver.go: a dying unit detaches its attached storage (before stop).
  StorageModel.of(world)?.detachAll(unit);
  // nextOp, case Dying: "if localState.Started { stop }"; a unit that never started skips it.
  if (unit.started) {
    enqueue(unit, { hook: 'stop' });
  }
  enqueue(unit, { hook: 'remove' });
  parts.recorder.model('remove-unit', name, name);
  parts.leadership.resign(unit);
}

/** Remove a non-peer relation (see Model.removeRelation). */
export function removeRelation(
  parts: ModelParts,
  relation: RelationRecord | undefined,
  relationId: string,
): void {
  if (relation === undefined || relation.removed) throw new Error(`no relation ${relationId}`);
  if (relation.peer) throw new Error(`${relationId} is a peer relation; Juju never removes those`);
  relation.removed = true;
  parts.recorder.model('remove-relation', relationId);
  for (const side of relation.sides) {
    for (const unit of parts.world.unitsInScope(relation, side.app)) {
      const id = relation.idFor(unit.app.name);
      dropPending(unit, id, undefined);
      const view = unit.relations.get(id);
      for (const member of [...(view?.members ?? [])].sort(compareUnitNames)) {
        enqueue(unit, relationHook(unit, relation, 'departed', member, member));
      }
      enqueue(unit, relationHook(unit, relation, 'broken'));
    }
  }
}
