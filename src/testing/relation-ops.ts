// Relating applications, writing relation data as an outside party, and moving a unit's
// endpoint binding: the hooks each change owes (relation-created, then joined+changed per
// remote unit both ways; relation-changed for a committed bag; config-changed for a binding).
import { pickEndpoints } from './deploy-rules.js';
import { enqueue, enqueueJoin, relationHook } from './hook-queue.js';
import type { ModelParts } from './model-parts.js';
import { enterScope } from './scope.js';
import { resolveRelation } from './unit-view.js';
import type { UnitRecord } from './world.js';

/** Relate two endpoints (see Model.relate); returns the relation id as the first app sees it. */
export function relate(parts: ModelParts, a: string, b: string): string {
  const { world, recorder } = parts;
  const [left, right] = pickEndpoints(world, a, b);
  const relation = world.addRelation([left, right]);
  recorder.model('relate', `${left.app}:${left.endpoint} ${right.app}:${right.endpoint}`);
  const leftUnits = world.app(left.app).aliveUnits;
  const rightUnits = world.app(right.app).aliveUnits;
  for (const unit of [...leftUnits, ...rightUnits]) {
    enterScope(unit, relation, recorder);
    enqueue(unit, relationHook(unit, relation, 'created'));
  }
  for (const unit of leftUnits) for (const other of rightUnits) enqueueJoin(unit, relation, other);
  for (const unit of rightUnits) for (const other of leftUnits) enqueueJoin(unit, relation, other);
  return relation.idFor(left.app);
}

/** Commit a bag as if `unitOrApp` had written it (see Model.setRelationData). */
export function writeRelationData(
  parts: ModelParts,
  unitOrApp: string,
  endpointOrRelationId: string,
  bag: Readonly<Record<string, string | null>>,
): void {
  const { world } = parts;
  const isApp = !unitOrApp.includes('/');
  const unit = isApp ? undefined : world.unit(unitOrApp);
  const appName = unit?.app.name ?? world.app(unitOrApp).name;
  const { relation } = resolveRelation(world, appName, endpointOrRelationId);
  const values = new Map<string, string | null>();
  for (const [k, v] of Object.entries(bag)) values.set(k, v === '' ? null : v);
  const app = world.app(appName);
  const leader = app.leader === undefined ? undefined : world.units.get(app.leader);
  const writer = unit ?? leader ?? app.aliveUnits[0];
  if (writer === undefined) throw new Error(`${appName} has no unit to write for`);
  parts.committer.applyBag(writer, relation, isApp, values, undefined);
}

/** Bind a unit's endpoint to `address` (see Model.setBinding). */
export function bindEndpoint(
  parts: ModelParts,
  unit: UnitRecord,
  endpoint: string,
  address: string,
): void {
  if (endpoint !== 'juju-info' && unit.app.endpoint(endpoint) === undefined) {
    throw new Error(`${unit.app.name} has no endpoint "${endpoint}" to bind`);
  }
  if (unit.bindings.get(endpoint) === address) return;
  unit.bindings.set(endpoint, address);
  parts.recorder.model('binding', `${unit.name} ${endpoint}=${address}`, unit.name);
  enqueue(unit, { hook: 'config-changed' });
}
