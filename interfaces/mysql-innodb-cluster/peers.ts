// MySQLInnoDBClusterPeers: the peer endpoint of a MySQL InnoDB Cluster charm. It publishes this
// unit's cluster connection info and readiness, and turns what the peers published into the
// flags {endpoint_name}.connected / .available / .clustered. Peer data is untrusted: it is
// validated, and a password never reaches a log line, an error or the unit state.
// Outside its own relation hooks it makes no hook-tool call unless something may have changed.
import {
  Endpoint,
  type EndpointBinding,
  type EndpointRole,
  type RelatedUnit,
  type Relation,
} from 'juju-reactive';
import { PeerBook } from './peer-book.js';
import {
  type ClusterPeerChanges,
  type ClusterPeerCounts,
  type ClusterPeerSummary,
  ClusterPeerUnit,
  type ReadyClusterPeerUnit,
} from './peer-units.js';
import { type ClusterConnectionInfoOptions, publishConnectionInfo } from './publishing.js';
import { KEYS } from './schema.js';

/** MySQL InnoDB Cluster needs three members to tolerate the loss of one. */
export const DEFAULT_MINIMUM_CLUSTER_SIZE = 3;

/** Options given with `charm.endpoint(MySQLInnoDBClusterPeers, options)`. */
export interface MySQLInnoDBClusterPeersOptions {
  /**
   * Units a cluster needs, this one included (default 3). `available` and `clustered` need
   * `minimumClusterSize - 1` peers. 1 means a single unit is a cluster of its own.
   */
  readonly minimumClusterSize?: number;
}

/**
 * The `mysql-innodb-cluster` peer endpoint.
 *
 * Flags (with `{endpoint_name}` expanded, e.g. `cluster.available`):
 * - `{endpoint_name}.connected`: at least one peer has joined.
 * - `{endpoint_name}.available`: at least `minimumClusterSize - 1` peers published a valid
 *   address, user and password.
 * - `{endpoint_name}.clustered`: at least `minimumClusterSize - 1` peers, and every joined
 *   peer, published `unit-clustered: true`.
 *
 * @example
 * const charm = new Charm().endpoint(MySQLInnoDBClusterPeers, { minimumClusterSize: 3 });
 * charm.when('cluster.connected').run(function publish(rt) {
 *   rt.endpoint(MySQLInnoDBClusterPeers).setClusterConnectionInfo(undefined, 'clusteruser', pw);
 * });
 */
export class MySQLInnoDBClusterPeers extends Endpoint {
  static override readonly interfaceName = 'mysql-innodb-cluster';
  static override readonly roles: readonly EndpointRole[] = ['peers'];

  /** Units a cluster needs, this one included. */
  readonly minimumClusterSize: number;

  // Per-hook: an endpoint instance lives for one hook.
  private peerBook: PeerBook | undefined;

  constructor(binding: EndpointBinding, options: MySQLInnoDBClusterPeersOptions = {}) {
    super(binding);
    const size = options.minimumClusterSize ?? DEFAULT_MINIMUM_CLUSTER_SIZE;
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(
        `${MySQLInnoDBClusterPeers.name} on endpoint ${binding.name}: minimumClusterSize must be ` +
          `a whole number of at least 1 (got ${String(size)}); fix the options given to charm.endpoint()`,
      );
    }
    this.minimumClusterSize = size;
  }

  // ---- reading ----

  /** Ids of this endpoint's relations (a peer endpoint has one once the unit is deployed). */
  get relationIds(): readonly string[] {
    return this.relations.map((r) => r.relationId);
  }

  /** The peer relation, or undefined when there is none (before it is created). */
  get peerRelation(): Relation | undefined {
    return this.relations[0];
  }

  /**
   * Every joined peer, with its current cluster data typed: each peer's data is read from
   * the relation (relation-get, and secret-get for its password secret) the first time it is
   * asked for in a hook. Departing units are left out.
   */
  override get allJoinedUnits(): readonly ClusterPeerUnit[] {
    return super.allJoinedUnits.map((unit) => new ClusterPeerUnit(unit, this.book.readPeer));
  }

  /** Peers that published a valid address, user and password, in unit order (read now). */
  get readyPeers(): readonly ReadyClusterPeerUnit[] {
    return this.allJoinedUnits.filter((unit) => unit.isReady());
  }

  /** Peers that published `unit-clustered: true`, in unit order (read now). */
  get clusteredPeers(): readonly ClusterPeerUnit[] {
    return this.allJoinedUnits.filter((unit) => unit.clustered);
  }

  /**
   * Every joined peer as this unit last read it, in unit order, at no hook-tool call beyond
   * relation-list: the summaries the flags come from (see {@link ClusterPeerSummary} for how
   * fresh they are). A peer with no summary yet is read now.
   */
  get peerSummaries(): readonly ClusterPeerSummary[] {
    return this.book.summaries();
  }

  /**
   * Counts over the same summaries as {@link peerSummaries} (as fresh as they are), kept
   * between hooks and moved by the summaries that change: no summary is decoded to answer.
   * `digest` changes whenever any summary does, so a handler can skip work it did for the
   * same summaries.
   */
  get peerCounts(): ClusterPeerCounts {
    return this.book.counts();
  }

  /**
   * Whether a joined peer's summary holds this valid `cluster-address` (as fresh as
   * {@link peerSummaries}), answered from an index kept with the counts: no summary is decoded.
   * For checking what this unit holds per peer address (accounts, grants) against the peers.
   */
  hasPeerAddress(address: string): boolean {
    return this.book.holdsAddress(address);
  }

  /**
   * How the summaries moved in this hook so far: the counts' digest as the hook found it, and
   * the summaries read since. For a handler that looked at every summary once and wants only
   * what changed since (see {@link ClusterPeerChanges}).
   */
  get peerChanges(): ClusterPeerChanges {
    return this.book.changes();
  }

  /**
   * The joined peer `unitName` with its current data (read when first asked for), or
   * undefined when it is not a joined peer. For re-reading the one peer a handler is about
   * to act on.
   */
  peer(unitName: string): ClusterPeerUnit | undefined {
    const unit = this.book.joinedUnit(unitName);
    return unit === undefined ? undefined : new ClusterPeerUnit(unit, this.book.readPeer);
  }

  /** The rule of `{endpoint_name}.available`, evaluated now. */
  available(): boolean {
    if (this.peerRelation === undefined) return false;
    return this.readyPeers.length >= this.minimumClusterSize - 1;
  }

  /** The rule of `{endpoint_name}.clustered`, evaluated now. */
  clustered(): boolean {
    if (this.peerRelation === undefined) return false;
    const peers = this.allJoinedUnits;
    return peers.length >= this.minimumClusterSize - 1 && peers.every((unit) => unit.clustered);
  }

  // ---- publishing ----

  /**
   * Publish how peers reach this unit's cluster user: `cluster-address`, `cluster-user` and
   * `cluster-password` (or `cluster-password-secret`), JSON-encoded, plus `ingress-address`
   * and `private-address` raw. `address` defaults to the binding address: the ingress address
   * of this endpoint's binding (`network-get`), `unit-get private-address` where network-get
   * is unavailable, or `options.clusterHost` when given.
   *
   * Returns the published cluster address, or undefined when there is no peer relation
   * (then it logs a warning and publishes nothing). Throws when an argument is invalid:
   * peers would reject it.
   * @example
   * cluster.setClusterConnectionInfo(undefined, 'clusteruser', password, { passwordSecret: true });
   */
  setClusterConnectionInfo(
    address: string | undefined,
    user: string,
    password: string,
    options: ClusterConnectionInfoOptions = {},
  ): string | undefined {
    this.runtime.redactor.add(password);
    const relation = this.publishTarget('setClusterConnectionInfo');
    if (relation === undefined) return undefined;
    return publishConnectionInfo(this, relation, address, user, password, options);
  }

  /** Tell peers this unit is ready to be configured into the cluster (`unit-configure-ready`). */
  setUnitConfigureReady(): boolean {
    return this.publishFlag('setUnitConfigureReady', KEYS.unitConfigureReady);
  }

  /** Tell peers this unit is a member of the cluster (`unit-clustered`). */
  setUnitClustered(): boolean {
    return this.publishFlag('setUnitClustered', KEYS.unitClustered);
  }

  // ---- flags ----

  protected override startup(): void {
    this.forgetDepartedPasswords();
    if (this.mayHaveChanged()) this.updateFlags();
  }

  /**
   * The core keeps a departed peer's last data in the unit state (for `allDepartedUnits`):
   * drop its plaintext password from there, so no password is ever stored by this unit.
   */
  private forgetDepartedPasswords(): void {
    if (this.runtime.context.relation?.name !== this.endpointName) return;
    const departed = this.storedDeparted();
    if (!departed.some((d) => d.data[KEYS.clusterPassword] !== undefined)) return;
    this.runtime.state.set(
      this.stateKey('departed_units'),
      departed.map((d) => {
        const { [KEYS.clusterPassword]: _password, ...data } = d.data;
        return { ...d, data };
      }),
    );
  }

  /**
   * Whether the flags may be stale. Peer data changes only in this endpoint's relation hooks;
   * the other reasons are rare. Elsewhere this answers without a hook-tool call.
   */
  private mayHaveChanged(): boolean {
    const ctx = this.runtime.context;
    if (ctx.relation?.name === this.endpointName) return true;
    if (ctx.hookName === 'upgrade-charm') return true;
    if (this.sizeChanged()) return true;
    if (ctx.hookName === 'secret-changed' && ctx.secretId !== undefined) {
      const watched = this.runtime.state.get<string[]>(this.stateKey('peer-secrets')) ?? [];
      if (watched.includes(ctx.secretId)) return true;
    }
    // Not joined: the automatic flags listed the relations this hook, so this costs no call.
    return !this.isFlagSet('joined');
  }

  private sizeChanged(): boolean {
    return (
      this.runtime.state.get(this.stateKey('minimum-cluster-size')) !== this.minimumClusterSize
    );
  }

  /**
   * The flags, from the counts over the peers' summaries (aggregate.ts). Read from the
   * relation here: the remote unit of this endpoint's -joined/-changed hook (what changed:
   * Juju queues a -changed hook for every change of a peer's settings, one for the latest
   * version when several are pending: juju/juju worker/uniter/relation/resolver.go
   * nextHookForRelation, and runs it right after the peer's -joined: ChangedPending there), a
   * peer with no summary, every peer in upgrade-charm or after `minimumClusterSize` changed,
   * and in secret-changed the peers whose password secret it is. Every other peer counts as its
   * summary says, and is neither read nor decoded: the counts change by the summaries that
   * changed. A -departed hook's unit leaves the counts (Juju lists it no more from that hook:
   * worker/uniter/runner/context/contextfactory.go RemoveMember).
   */
  private updateFlags(): void {
    const ctx = this.runtime.context;
    const rebuild = ctx.hookName === 'upgrade-charm' || this.sizeChanged();
    // Every joined peer as a unit view only where each one is looked at (a rebuild, a secret's
    // peers, a warning); elsewhere the names Juju listed are enough.
    let listed: readonly RelatedUnit[] | undefined;
    const units = () => {
      listed ??= super.allJoinedUnits;
      return listed;
    };
    const own = ctx.relation?.name === this.endpointName ? ctx.relation : undefined;
    if (!rebuild) {
      if (own !== undefined && ctx.remoteUnit !== undefined) {
        const remote = this.remoteJoinedUnit(own.id, ctx.remoteUnit);
        if (remote !== undefined) this.book.refresh(remote, this.book.kept(remote));
        else if (ctx.hookName.endsWith('-relation-departed'))
          this.book.forget(own.id, ctx.remoteUnit);
      }
      if (ctx.hookName === 'secret-changed' && ctx.secretId !== undefined) {
        const watched = this.runtime.state.get<string[]>(this.stateKey('peer-secrets')) ?? [];
        if (watched.includes(ctx.secretId)) {
          for (const unit of units()) {
            const kept = this.book.kept(unit);
            if (kept?.secret !== undefined && this.secretMayHaveChanged(kept.secret))
              this.book.refresh(unit, kept);
          }
        }
      }
    }
    // A relation appears or goes (its id) only around -created and -broken: there every
    // listed peer must have a summary; in other hooks the number of peers is enough (see
    // KeptSummaries.countsOf for the Juju rule).
    const verifyMembers = /-relation-(created|broken)$/.test(ctx.hookName);
    const counts =
      (rebuild ? undefined : this.book.countsOf(verifyMembers)) ??
      this.book.rebuild(units(), rebuild);
    if (counts.problems > 0) this.book.warnProblems(units());
    const joined = counts.n;

    const related = this.peerRelation !== undefined;
    const needed = this.minimumClusterSize - 1;
    this.toggleFlag('{endpoint_name}.connected', joined > 0);
    this.toggleFlag('{endpoint_name}.available', related && counts.ready >= needed);
    this.toggleFlag(
      '{endpoint_name}.clustered',
      related && joined >= needed && counts.clustered === joined,
    );
    const state = this.runtime.state;
    if (this.sizeChanged())
      state.set(this.stateKey('minimum-cluster-size'), this.minimumClusterSize);
    const secrets = [...counts.secrets.keys()].sort();
    const watched = state.get<string[]>(this.stateKey('peer-secrets'));
    if (secrets.length === 0) {
      if (watched !== undefined) state.unset(this.stateKey('peer-secrets'));
    } else if (JSON.stringify(watched) !== JSON.stringify(secrets)) {
      state.set(this.stateKey('peer-secrets'), secrets);
    }
  }

  /**
   * The remote unit of this endpoint's relation hook as a joined peer, or undefined when Juju
   * does not list it (a -departed hook's unit is left out: see Relation.joinedUnitNames).
   */
  private remoteJoinedUnit(relationId: string, unitName: string): RelatedUnit | undefined {
    const relation = this.relations.find((r) => r.relationId === relationId);
    if (relation === undefined || !relation.joinedUnitNames.includes(unitName)) return undefined;
    return relation.unit(unitName);
  }

  /** A new revision of this secret may be out: this hook is its secret-changed (or an upgrade). */
  private secretMayHaveChanged(secretId: string): boolean {
    const ctx = this.runtime.context;
    if (ctx.hookName === 'upgrade-charm') return true;
    return ctx.hookName === 'secret-changed' && ctx.secretId === secretId;
  }

  // ---- peer data ----

  private get book(): PeerBook {
    this.peerBook ??= new PeerBook({
      runtime: this.runtime,
      endpointName: this.endpointName,
      stateKey: (name) => this.stateKey(name),
      joinedUnits: () => super.allJoinedUnits,
      relations: () => this.relations,
      secretMayHaveChanged: (id) => this.secretMayHaveChanged(id),
    });
    return this.peerBook;
  }

  // ---- publishing helpers ----

  private publishTarget(what: string): Relation | undefined {
    const relation = this.peerRelation;
    if (relation === undefined) {
      this.runtime.log.warning(
        `${what}(): no ${this.interfaceName} peer relation on endpoint ${this.endpointName} ` +
          '(possibly departing); nothing published',
      );
    }
    return relation;
  }

  private publishFlag(what: string, key: string): boolean {
    const relation = this.publishTarget(what);
    if (relation === undefined) return false;
    relation.toPublish[key] = true;
    return true;
  }
}
