// UnitView: what a test asserts on for one unit: its committed flags and key/value data, the
// relation data it published, status, leadership and error state. A live view: every read
// reflects the model as it is now. Never changes the model.

import { decodeValue } from '../endpoints/views.js';
import type { RelationData, WorkloadStatus } from '../juju/hook-tools.js';
import { compareRelationIds } from '../juju/ordering.js';
import type { JsonValue } from '../util/json.js';
import { pendingInOrder } from './resolver.js';
import { hookLabel } from './trace.js';
import type { RelationRecord, UnitLife, UnitRecord, World } from './world.js';

/** Find the relation `endpointOrRelationId` names for an application, or throw saying why not. */
export function resolveRelation(
  world: World,
  app: string,
  endpointOrRelationId: string,
): { relation: RelationRecord; id: string } {
  if (endpointOrRelationId.includes(':')) {
    const relation = world.relation(endpointOrRelationId);
    if (relation === undefined || relation.sideOf(app) === undefined) {
      throw new Error(`${app} is not in a relation with id ${endpointOrRelationId}`);
    }
    return { relation, id: relation.idFor(app) };
  }
  const matches = world
    .relationsOf(app)
    .filter((r) => r.sideOf(app)?.endpoint === endpointOrRelationId);
  const [first] = matches;
  if (first === undefined) {
    const endpoints = world.app(app).metadata.endpoints.map((e) => e.name);
    throw new Error(
      `${app} has no relation on endpoint "${endpointOrRelationId}" ` +
        `(its endpoints: ${endpoints.join(', ') || 'none'}; relate non-peer endpoints with model.relate())`,
    );
  }
  if (matches.length > 1) {
    const ids = matches.map((r) => r.idFor(app)).sort(compareRelationIds);
    throw new Error(
      `${app} has several relations on endpoint "${endpointOrRelationId}" (${ids.join(', ')}): pass a relation id`,
    );
  }
  return { relation: first, id: first.idFor(app) };
}

/** One unit, as a test sees it. Obtain with `model.unit('app/0')`. */
export class UnitView {
  /** @internal Views come from `model.unit(name)`. */
  constructor(
    private readonly world: World,
    private readonly record: UnitRecord,
  ) {}

  /** The unit name, like `app/0`. */
  get name(): string {
    return this.record.name;
  }

  /** The name of the unit's application, like `app`. */
  get application(): string {
    return this.record.app.name;
  }

  /** `alive`, `dying` (removal under way) or `removed` (its remove hook ran). */
  get life(): UnitLife {
    return this.record.life;
  }

  /** The unit's flags as its last successful hook committed them, sorted. */
  get flags(): readonly string[] {
    return this.record.store.flags;
  }

  /** True when `flag` is among the unit's committed {@link UnitView.flags}. */
  hasFlag(flag: string): boolean {
    return this.record.store.flags.includes(flag);
  }

  /** The unit's committed key/value state (unit-state data, not flags). */
  get data(): Readonly<Record<string, JsonValue>> {
    return this.record.store.load().data;
  }

  /**
   * The data this unit published on a relation (committed only), by endpoint name (when the
   * endpoint has one relation) or relation id, **decoded** as the receiving units' views read
   * it (`relation.received`): each value parsed as JSON when it is JSON, the raw string
   * otherwise. So a value published through a JSON view reads back as it was given.
   * {@link UnitView.publishedRaw} gives the strings `relation-get` returns.
   * @example
   * // the interface published cluster-address "\"10.0.0.11\"" and unit-clustered "true":
   * expect(model.unit('app/1').published('cluster')).toMatchObject({ 'cluster-address': '10.0.0.11', 'unit-clustered': true });
   */
  published(endpointOrRelationId: string): Record<string, JsonValue> {
    const raw = this.publishedRaw(endpointOrRelationId);
    return Object.fromEntries(
      Object.entries(raw).map(([key, value]) => [key, decodeValue(value) as JsonValue]),
    );
  }

  /**
   * The data this unit published on a relation, as the wire strings Juju stores and
   * `relation-get` returns (a JSON-encoded string keeps its quotes: `"\"10.0.0.11\""`).
   * @example expect(model.unit('app/1').publishedRaw('cluster')['unit-clustered']).toBe('true');
   */
  publishedRaw(endpointOrRelationId: string): RelationData {
    const { relation } = resolveRelation(this.world, this.record.app.name, endpointOrRelationId);
    return { ...(relation.unitBags.get(this.record.name) ?? {}) };
  }

  /** The workload status the charm last set (status-set applies at once, even in a failed hook). */
  get status(): WorkloadStatus {
    return { ...this.record.status };
  }

  /** True when the unit is its application's leader now (`is-leader`). */
  get isLeader(): boolean {
    return this.record.app.leader === this.record.name;
  }

  /** True while a hook of the unit has failed and not yet succeeded (or been skipped). */
  get inError(): boolean {
    return this.record.error !== undefined;
  }

  /** The failing hook, its (redacted) error and how many attempts failed. */
  get error():
    | {
        /** The hook that failed, like `config-changed`. */
        readonly hook: string;
        /** The first line of its (redacted) error. */
        readonly message: string;
        /** How many attempts of that hook have failed. */
        readonly attempts: number;
      }
    | undefined {
    return this.record.error === undefined ? undefined : { ...this.record.error };
  }

  /** Hooks owed to the unit, in the order the resolver would run them (the failed one first), labelled like `cluster-relation-joined app/1`. */
  get pendingHooks(): readonly string[] {
    return pendingInOrder(this.world, this.record).map((q) =>
      hookLabel(q.hook, q.remoteUnit, q.remoteApp),
    );
  }

  /** The unit's default address (unit-get, and network-get for endpoints without a binding). */
  get address(): string {
    return this.record.address;
  }

  /** Ports the unit opened, like `8080/tcp`, sorted. */
  get ports(): readonly string[] {
    return [...this.record.ports].sort();
  }
}
