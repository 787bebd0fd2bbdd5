// ClusterViewRequires: a client application's side of the cluster-view relation. It reads the
// view the database application's leader published, validates it (a bad bag is a logged
// rejection, never a crash), and keeps two flags: {endpoint_name}.available and
// {endpoint_name}.primary.changed. Outside its own relation hooks it makes no hook-tool call.
import { Endpoint, type EndpointRole, type Relation } from 'juju-reactive';
import { type ClusterMember, type ClusterView, primaryOf } from '../../src/discovery/view.js';
import { type ParsedView, parseViewBag } from './schema.js';

/** A view together with the relation it came from. */
export interface RelationView {
  /** The relation id, e.g. `view:3`. */
  readonly relationId: string;
  /** The database application, when known. */
  readonly application: string | undefined;
  /** The validated view; undefined when none was published yet or it was rejected. */
  readonly view: ClusterView | undefined;
}

/**
 * The `cluster-view` requires endpoint.
 *
 * Flags (with `{endpoint_name}` expanded, e.g. `db-view.available`):
 * - `{endpoint_name}.available`: a valid view was received on at least one relation.
 * - `{endpoint_name}.primary.changed`: the serving primary (name, address and port) differs
 *   from the one this unit saw when the flag was last set, including a primary appearing for
 *   the first time and the primary going away. The endpoint never clears it: a handler that
 *   has reconfigured for the new primary clears it with {@link ClusterViewRequires.clearPrimaryChanged}
 *   (as charms clear `endpoint.x.changed`). It is set again at the next change.
 *
 * @example
 * charm.when('db-view.primary.changed').run(function repoint(rt) {
 *   const view = rt.endpoint(ClusterViewRequires);
 *   writeConfig(view.primary);
 *   view.clearPrimaryChanged();
 * });
 */
export class ClusterViewRequires extends Endpoint {
  static override readonly interfaceName = 'cluster-view';
  static override readonly roles: readonly EndpointRole[] = ['requires'];

  // An endpoint instance lives for one hook: read and warn once per relation per hook.
  private readonly parsed = new Map<string, ParsedView>();

  /** Every relation of this endpoint with its validated view, in relation-id order. */
  get views(): readonly RelationView[] {
    return this.relations.map((r) => ({
      relationId: r.relationId,
      application: r.application,
      view: this.read(r).view,
    }));
  }

  /** The view of the first relation (by id) that holds a valid one. */
  get view(): ClusterView | undefined {
    for (const relation of this.relations) {
      const { view } = this.read(relation);
      if (view !== undefined) return view;
    }
    return undefined;
  }

  /** The serving primary of {@link ClusterViewRequires.view}: not hidden, not disconnecting. */
  get primary(): ClusterMember | undefined {
    const view = this.view;
    return view === undefined ? undefined : primaryOf(view);
  }

  /** The rule of `{endpoint_name}.available`, evaluated now. */
  available(): boolean {
    return this.view !== undefined;
  }

  /** Clear `{endpoint_name}.primary.changed` once the charm has acted on the new primary. */
  clearPrimaryChanged(): void {
    this.runtime.flags.clear(this.expandName('{endpoint_name}.primary.changed'));
  }

  protected override startup(): void {
    if (!this.mayHaveChanged()) return;
    this.toggleFlag('{endpoint_name}.available', this.available());
    const primary = this.primary;
    const seen = primary === undefined ? '' : `${primary.name}@${primary.address}:${primary.port}`;
    const key = this.stateKey('primary');
    const last = this.runtime.state.get<string>(key);
    if (last === seen) return;
    if (last !== undefined || seen !== '') this.setFlag('{endpoint_name}.primary.changed');
    this.runtime.state.set(key, seen);
  }

  /** The provider's bag changes only in this endpoint's relation hooks (and on upgrades). */
  private mayHaveChanged(): boolean {
    const ctx = this.runtime.context;
    if (ctx.relation?.name === this.endpointName) return true;
    if (ctx.hookName === 'upgrade-charm') return true;
    return (
      this.runtime.state.get(this.stateKey('primary')) === undefined && this.isFlagSet('joined')
    );
  }

  private read(relation: Relation): ParsedView {
    const cached = this.parsed.get(relation.relationId);
    if (cached !== undefined) return cached;
    const result = parseViewBag(relation.receivedAppRaw);
    this.parsed.set(relation.relationId, result);
    if (result.problem !== undefined) {
      this.runtime.log.warning(
        `${this.endpointName}: ignoring the cluster view from ${relation.application ?? 'the remote application'} ` +
          `on ${relation.relationId}: ${result.problem.field} ${result.problem.problem}`,
      );
    }
    return result;
  }
}
