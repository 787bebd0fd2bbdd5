// ClusterViewProvides: the database application's side of the cluster-view relation. Its
// leader publishes who the members are and what each may serve into the application bag of
// every cluster-view relation, with a generation that changes whenever the members do.
// Only the leader writes; publishing the same members again writes nothing.
import { Endpoint, type EndpointRole, type Relation } from 'juju-reactive';
import type { ClusterMember } from '../../src/discovery/view.js';
import { encodeMembers, KEYS, viewSchema } from './schema.js';

/**
 * The `cluster-view` provides endpoint.
 *
 * It sets no flags of its own: `endpoint.{endpoint_name}.joined` (automatic) says a client
 * application is related, and is the moment to publish to a new relation.
 *
 * @example
 * charm.when('leadership.is_leader', 'endpoint.view.joined').run(function publishView(rt) {
 *   rt.endpoint(ClusterViewProvides).publish(membersFromPeers(rt));
 * });
 */
export class ClusterViewProvides extends Endpoint {
  static override readonly interfaceName = 'cluster-view';
  static override readonly roles: readonly EndpointRole[] = ['provides'];

  /**
   * Publish the members to every relation of this endpoint (leader only). Returns the
   * generation now published, or undefined when there is no relation (nothing to write).
   * When the members equal what is published, nothing is written and the generation stays;
   * otherwise the generation becomes one more than the highest one published so far, so it
   * keeps growing across leader changes (the new leader reads it back from the bag).
   * Throws when the members are invalid (clients would reject them) or this unit is not the
   * leader.
   */
  publish(members: readonly ClusterMember[]): number | undefined {
    const relations = this.relations;
    const encoded = encodeMembers(members);
    const last = relations.reduce((max, r) => Math.max(max, publishedGeneration(r)), 0);
    const checked = viewSchema.safeParse({ generation: last + 1, members: JSON.parse(encoded) });
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new TypeError(
        `${this.endpointName}: publish() on ${this.runtime.unitName}: members${formatPath(issue?.path ?? [])} ` +
          `${issue?.message ?? 'are invalid'}; clients would reject the view`,
      );
    }
    if (relations.length === 0) return undefined;
    const unchanged = relations.every((r) => r.toPublishAppRaw[KEYS.members] === encoded);
    const generation = unchanged ? last : last + 1;
    for (const relation of relations) {
      const bag = relation.toPublishAppRaw;
      if (bag[KEYS.members] !== encoded) bag[KEYS.members] = encoded;
      if (bag[KEYS.generation] !== String(generation)) bag[KEYS.generation] = String(generation);
    }
    return generation;
  }

  /** The generation this application last published (0 when none). Leader only. */
  get publishedGeneration(): number {
    return this.relations.reduce((max, r) => Math.max(max, publishedGeneration(r)), 0);
  }
}

/** The generation in this application's own bag of a relation (0 when none or unreadable). */
function publishedGeneration(relation: Relation): number {
  const raw = relation.toPublishAppRaw[KEYS.generation];
  const n = typeof raw === 'string' ? Number(raw) : Number.NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .slice(1)
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('');
}
