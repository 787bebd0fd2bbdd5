// MySQLInnoDBClusterPeers: the peer endpoint of a MySQL InnoDB Cluster charm. It publishes this
// unit's cluster connection info and readiness, and turns what the peers published into the
// flags {endpoint_name}.connected / .available / .clustered. Peer data is untrusted: it is
// validated, and a password never reaches a log line, an error or the unit state.
// Outside its own relation hooks it makes no hook-tool call unless something may have changed.
import {
  type DataSchema,
  decodeValue,
  Endpoint,
  type EndpointBinding,
  type EndpointRole,
  hashValue,
  RelatedUnit,
  type Relation,
} from 'juju-reactive';
import {
  clusterAddressSchema,
  clusterPasswordSchema,
  clusterUserSchema,
  KEYS,
  type PeerDataProblem,
  parseClusterPeerData,
  passwordSecretSchema,
  SECRET_PASSWORD_FIELD,
  secretIdSchema,
  unbracket,
} from './schema.js';

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

/** Options of {@link MySQLInnoDBClusterPeers.setClusterConnectionInfo}. */
export interface ClusterConnectionInfoOptions {
  /**
   * The address to present instead of the one detected from the endpoint's binding
   * (published as `ingress-address`/`private-address`, and the default `cluster-address`).
   */
  readonly clusterHost?: string;
  /**
   * Publish the password as a Juju secret instead of in relation data: a unit-owned secret,
   * granted to the peer relation, whose id goes under `cluster-password-secret`.
   */
  readonly passwordSecret?: boolean;
  /**
   * Publish a reference to an existing secret that holds the password under `password`,
   * for example an application-owned secret the leader created: every unit of the
   * application can read such a secret without a grant. Takes precedence over
   * `passwordSecret`; the password itself is then published nowhere.
   */
  readonly passwordSecretId?: string;
}

/** How to reach one peer's cluster user: all three fields present and valid. */
export interface ClusterConnectionInfo {
  /** `cluster-address`: where the peer's instance listens. */
  readonly address: string;
  /** `cluster-user`: the MySQL account to connect as. */
  readonly user: string;
  /** The account's password (from relation data or the peer's password secret). */
  readonly password: string;
}

/** What one peer published, validated. A field that is missing or invalid is undefined. */
export interface PeerClusterData {
  /** `cluster-address`: an IPv4/IPv6 address (no brackets) or a DNS hostname. */
  readonly address?: string;
  /** `cluster-user`: a MySQL account name. */
  readonly user?: string;
  /** From `cluster-password`, or resolved from the secret in `cluster-password-secret`. */
  readonly password?: string;
  /** Where the password came from. */
  readonly passwordFrom?: 'relation' | 'secret';
  /** `unit-configure-ready` is `true`. */
  readonly configureReady: boolean;
  /** `unit-clustered` is `true`. */
  readonly clustered: boolean;
  /** Keys that were published but rejected, with why (never the value). */
  readonly problems: readonly PeerDataProblem[];
}

/** A peer of this unit with its cluster data, typed and validated. */
export class ClusterPeerUnit extends RelatedUnit {
  constructor(
    unit: RelatedUnit,
    private readonly read: (unit: RelatedUnit) => PeerClusterData,
  ) {
    super(unit.relation, unit.unitName);
  }

  /** Everything the peer published for the cluster (read once per hook). */
  get clusterData(): PeerClusterData {
    return this.read(this);
  }

  /** Address, user and password, when the peer published all three and they are valid. */
  get connectionInfo(): ClusterConnectionInfo | undefined {
    const { address, user, password } = this.clusterData;
    return address !== undefined && user !== undefined && password !== undefined
      ? { address, user, password }
      : undefined;
  }

  /** The peer said it is ready to be configured into the cluster. */
  get configureReady(): boolean {
    return this.clusterData.configureReady;
  }

  /** The peer said it is a member of the cluster. */
  get clustered(): boolean {
    return this.clusterData.clustered;
  }

  /** True when the peer published a valid address, user and password. */
  isReady(): this is ReadyClusterPeerUnit {
    return this.connectionInfo !== undefined;
  }
}

/** A peer whose connection info is complete and valid. */
export type ReadyClusterPeerUnit = ClusterPeerUnit & {
  /** Always present on a ready peer. */
  readonly connectionInfo: ClusterConnectionInfo;
};

/** What the unit state keeps about this unit's password secret (a hash, never the password). */
type StoredPasswordSecret = {
  id: string;
  hash: string;
  granted: string[];
};

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

  // Per-hook caches: an endpoint instance lives for one hook.
  private readonly peerData = new Map<string, PeerClusterData>();
  private readonly secretReads = new Map<string, { password?: string; problem?: string }>();

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

  /** Every joined peer, with its cluster data typed. Departing units are left out. */
  override get allJoinedUnits(): readonly ClusterPeerUnit[] {
    return super.allJoinedUnits.map((unit) => new ClusterPeerUnit(unit, this.readPeer));
  }

  /** Peers that published a valid address, user and password, in unit order. */
  get readyPeers(): readonly ReadyClusterPeerUnit[] {
    return this.allJoinedUnits.filter((unit) => unit.isReady());
  }

  /** Peers that published `unit-clustered: true`, in unit order. */
  get clusteredPeers(): readonly ClusterPeerUnit[] {
    return this.allJoinedUnits.filter((unit) => unit.clustered);
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
    const binding = this.bindingAddress(relation.relationId, options.clusterHost);
    const clusterAddress = unbracket(address ?? binding);
    this.check('address', clusterAddressSchema, clusterAddress, true);
    this.check('user', clusterUserSchema, user, true);
    this.check('password', clusterPasswordSchema, password, false);

    const data = relation.toPublish;
    data[KEYS.clusterAddress] = clusterAddress;
    data[KEYS.clusterUser] = user;
    if (options.passwordSecretId !== undefined) {
      this.check('passwordSecretId', secretIdSchema, options.passwordSecretId, true);
      data[KEYS.clusterPasswordSecret] = options.passwordSecretId;
      data[KEYS.clusterPassword] = undefined;
    } else if (options.passwordSecret) {
      data[KEYS.clusterPasswordSecret] = this.passwordSecret(relation.relationId, password);
      data[KEYS.clusterPassword] = undefined;
    } else {
      data[KEYS.clusterPassword] = password;
      data[KEYS.clusterPasswordSecret] = undefined;
    }
    const raw = relation.toPublishRaw;
    raw[KEYS.ingressAddress] = binding;
    raw[KEYS.privateAddress] = binding;
    return clusterAddress;
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
    const state = this.runtime.state;
    if (ctx.relation?.name === this.endpointName) return true;
    if (ctx.hookName === 'upgrade-charm') return true;
    if (state.get(this.stateKey('minimum-cluster-size')) !== this.minimumClusterSize) return true;
    if (ctx.hookName === 'secret-changed' && ctx.secretId !== undefined) {
      const watched = state.get<string[]>(this.stateKey('peer-secrets')) ?? [];
      if (watched.includes(ctx.secretId)) return true;
    }
    // Not joined: the automatic flags listed the relations this hook, so this costs no call.
    return !this.isFlagSet('joined');
  }

  private updateFlags(): void {
    this.toggleFlag('{endpoint_name}.connected', this.isJoined);
    this.toggleFlag('{endpoint_name}.available', this.available());
    this.toggleFlag('{endpoint_name}.clustered', this.clustered());
    const state = this.runtime.state;
    state.set(this.stateKey('minimum-cluster-size'), this.minimumClusterSize);
    const secrets = [...this.secretReads.keys()].sort();
    if (secrets.length > 0) state.set(this.stateKey('peer-secrets'), secrets);
    else state.unset(this.stateKey('peer-secrets'));
  }

  // ---- peer data ----

  /** Read and validate one peer's data, once per hook; warn once about what was rejected. */
  private readonly readPeer = (unit: RelatedUnit): PeerClusterData => {
    const cacheKey = `${unit.relationId}\u0000${unit.unitName}`;
    const cached = this.peerData.get(cacheKey);
    if (cached !== undefined) return cached;

    const raw = unit.rawData();
    const decoded: Record<string, unknown> = {};
    for (const key of Object.values(KEYS)) {
      const value = raw[key];
      if (value !== undefined) decoded[key] = decodeValue(value);
    }
    // Register the password before anything could log it, even one about to be rejected.
    const plain = decoded[KEYS.clusterPassword];
    if (typeof plain === 'string' && plain.length <= 4096) this.runtime.redactor.add(plain);

    const { data, problems: fieldProblems } = parseClusterPeerData(decoded);
    const problems = [...fieldProblems];
    let password = data[KEYS.clusterPassword];
    let passwordFrom: PeerClusterData['passwordFrom'] =
      password === undefined ? undefined : 'relation';
    const secretRef = decoded[KEYS.clusterPasswordSecret];
    if (secretRef !== undefined && secretRef !== null && secretRef !== '') {
      // A published secret reference is authoritative, even a broken one: a plaintext
      // password next to it may be stale.
      password = undefined;
      passwordFrom = undefined;
      const secretId = data[KEYS.clusterPasswordSecret];
      const resolved = secretId === undefined ? {} : this.resolvePasswordSecret(secretId);
      if (resolved.password !== undefined) {
        password = resolved.password;
        passwordFrom = 'secret';
      }
      if (resolved.problem !== undefined)
        problems.push({ field: KEYS.clusterPasswordSecret, problem: resolved.problem });
    }

    const result: PeerClusterData = {
      ...(data[KEYS.clusterAddress] === undefined ? {} : { address: data[KEYS.clusterAddress] }),
      ...(data[KEYS.clusterUser] === undefined ? {} : { user: data[KEYS.clusterUser] }),
      ...(password === undefined ? {} : { password, passwordFrom }),
      configureReady: data[KEYS.unitConfigureReady] === true,
      clustered: data[KEYS.unitClustered] === true,
      problems,
    };
    this.peerData.set(cacheKey, result);
    if (problems.length > 0) {
      const what = problems.map((p) => `${p.field} ${p.problem}`).join('; ');
      this.runtime.log.warning(
        `${this.endpointName}: ignoring invalid data from ${unit.unitName} on ${unit.relationId}: ${what}`,
      );
    }
    return result;
  };

  /** secret-get a peer's password secret, once per hook per id. */
  private resolvePasswordSecret(id: string): { password?: string; problem?: string } {
    const cached = this.secretReads.get(id);
    if (cached !== undefined) return cached;
    let result: { password?: string; problem?: string };
    const got = this.runtime.juju.secretGet(id, { refresh: true });
    if (got.isErr()) {
      result = { problem: `cannot be read (${got.error.kind})` };
    } else {
      const parsed = passwordSecretSchema.safeParse(got.value);
      if (parsed.success) {
        this.runtime.redactor.add(parsed.data[SECRET_PASSWORD_FIELD]);
        result = { password: parsed.data[SECRET_PASSWORD_FIELD] };
      } else {
        const issue = parsed.error.issues[0];
        result = { problem: `holds no valid ${SECRET_PASSWORD_FIELD}: ${issue?.message ?? ''}` };
      }
    }
    this.secretReads.set(id, result);
    return result;
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

  /** The address peers reach this unit at: clusterHost, the binding's ingress address, or unit-get. */
  private bindingAddress(relationId: string, clusterHost: string | undefined): string {
    if (clusterHost !== undefined) {
      const host = unbracket(clusterHost.trim());
      this.check('clusterHost', clusterAddressSchema, host, true);
      return host;
    }
    const juju = this.runtime.juju;
    const ingress = juju.ingressAddress(this.endpointName, relationId);
    if (ingress.isOk() && ingress.value.trim() !== '') return unbracket(ingress.value.trim());
    const fallback = juju.unitGet('private-address');
    if (fallback.isOk() && fallback.value.trim() !== '') return unbracket(fallback.value.trim());
    const why = (r: typeof ingress): string => (r.isErr() ? r.error.message : 'empty output');
    throw new Error(
      `cannot find the address of ${this.runtime.unitName} on ${relationId}: network-get ` +
        `${this.endpointName} failed (${why(ingress)}) and unit-get private-address failed ` +
        `(${why(fallback)}); pass options.clusterHost to setClusterConnectionInfo()`,
    );
  }

  /** Create (once) or update this unit's password secret and grant it to the relation. */
  private passwordSecret(relationId: string, password: string): string {
    const juju = this.runtime.juju;
    const key = this.stateKey('password-secret');
    const stored = this.runtime.state.get(key) as StoredPasswordSecret | undefined;
    let id: string;
    if (stored === undefined) {
      const added = juju.secretAdd(
        { [SECRET_PASSWORD_FIELD]: password },
        { owner: 'unit', description: `MySQL InnoDB Cluster password of ${this.runtime.unitName}` },
      );
      if (added.isErr()) throw added.error;
      id = added.value;
    } else {
      id = stored.id;
      if (stored.hash !== hashValue({ id, password }))
        juju.secretSet(id, { [SECRET_PASSWORD_FIELD]: password });
    }
    const granted = stored?.granted ?? [];
    if (!granted.includes(relationId)) juju.secretGrant(id, relationId);
    const record: StoredPasswordSecret = {
      id,
      hash: hashValue({ id, password }),
      granted: [...new Set([...granted, relationId])].sort(),
    };
    this.runtime.state.set(key, record);
    return id;
  }

  /** Refuse to publish what peers would reject. The password never appears in the message. */
  private check(what: string, schema: DataSchema<string>, value: string, showValue: boolean): void {
    const parsed = schema.safeParse(value);
    if (parsed.success) return;
    const shown = showValue ? ` ${JSON.stringify(value.slice(0, 80))}` : '';
    throw new TypeError(
      `setClusterConnectionInfo() on ${this.runtime.unitName}: ${what}${shown} ` +
        `${parsed.error.issues[0]?.message ?? 'is invalid'}; peers would reject it`,
    );
  }
}
