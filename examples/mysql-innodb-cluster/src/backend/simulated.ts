// A simulated InnoDB cluster, in memory, shared by every unit of a simulated model: users
// per instance, which instances are configured, cluster membership and the primary. It
// enforces what the real thing would: an instance must hold the cluster user for the
// address a peer connects from, and must be configured, before it can join.
import {
  instanceLabel,
  MetadataTags,
  type MetadataTagsSnapshot,
  type TagMap,
} from '../../../shared/adminapi-tags/index.js';
import { SIMULATED_PORT, SimulatedTags } from './simulated-tags.js';
import type {
  ClusterAccount,
  ClusterBackend,
  ClusterCredentials,
  ClusterOperations,
  ClusterStatus,
  ClusterTagOperations,
  UserBackend,
} from './types.js';
import {
  assertSafeAccount,
  assertSafeAddress,
  ForeignAccountError,
  isMemberState,
  type MemberState,
} from './types.js';

interface Instance {
  /** `user@host` -> password */
  readonly users: Map<string, string>;
  /** `user@host` of the accounts the charm created (its durable mark on the instance). */
  readonly created: Set<string>;
  configured: boolean;
}

/** An instance as a snapshot records it. */
type SavedInstance = SimulatedClusterSnapshot['instances'][string];

const isLive = (instance: Instance | SavedInstance): instance is Instance =>
  instance.users instanceof Map;

/** The accounts the charm created on a recorded instance (older snapshots: all of them). */
const createdOf = (saved: SavedInstance): Set<string> =>
  new Set(saved.created ?? Object.keys(saved.users));

/**
 * How many of the latest operations a snapshot keeps. The packed simulated entry loads and saves
 * the snapshot in every hook, and the whole log grows with the square of the units (an account
 * per pair): 53 of 146 KB at 33 units.
 */
export const SNAPSHOT_LOG_ENTRIES = 200;

/** A simulated cluster as plain JSON: what `snapshot()` gives and `fromSnapshot()` takes. */
export interface SimulatedClusterSnapshot {
  /** Per instance address: its accounts (`user@host` -> password) and whether it is configured. */
  readonly instances: Readonly<
    Record<
      string,
      {
        readonly users: Readonly<Record<string, string>>;
        readonly configured: boolean;
        /** The accounts the charm created (absent in older snapshots: all of them). */
        readonly created?: readonly string[];
      }
    >
  >;
  /** The cluster, once created, with its metadata tags (absent in older snapshots: none). */
  readonly cluster?: {
    readonly name: string;
    readonly members: readonly string[];
    readonly tags?: MetadataTagsSnapshot;
  };
  /** Instances whose state is not ONLINE (absent in older snapshots: every one ONLINE). */
  readonly states?: Readonly<Record<string, string>>;
  /** The latest operations, in order (at most SNAPSHOT_LOG_ENTRIES). */
  readonly log: readonly string[];
}

/** A simulated cluster: its name, members (the first is the primary) and metadata tags. */
export interface ClusterRecord {
  name: string;
  members: string[];
  /** The tags of its metadata: the cluster row and one row per member, as AdminAPI keeps them. */
  tags: MetadataTags;
}

export class SimulatedInnoDBCluster {
  /**
   * Per address, the instance, or the snapshot's record of it until first used: the packed
   * simulated entry loads the shared file in every hook, and a hook touches one or two of N
   * instances (rebuilding all took 2.7 ms at 33 units).
   */
  private readonly instances = new Map<string, Instance | SavedInstance>();
  /**
   * Whether the machine of an instance is gone for good (its unit was removed): set by
   * deploySimulated from the model. Used to tell a cluster whose every member is gone (a new
   * one may be created) from one that still has a member (creating another would split it).
   */
  instanceGone: (address: string) => boolean = () => false;
  private cluster: ClusterRecord | undefined;
  /** Instances whose state is not ONLINE (setInstanceState), by address. */
  private readonly states = new Map<string, MemberState>();
  /** Every operation, in order, for assertions and the demo's output. */
  readonly log: string[] = [];
  /**
   * Moves with every change made through this object (each change is recorded in `log`, or is
   * a new instance): a process sharing the cluster through a file saves it only when this moved.
   */
  changes = 0;

  /** A cluster in the state a snapshot recorded. */
  static fromSnapshot(snapshot: SimulatedClusterSnapshot): SimulatedInnoDBCluster {
    const restored = new SimulatedInnoDBCluster();
    for (const [address, saved] of Object.entries(snapshot.instances)) {
      restored.instances.set(address, saved);
    }
    if (snapshot.cluster !== undefined) {
      const { name, members } = snapshot.cluster;
      const problems: string[] = [];
      const tags = snapshot.cluster.tags
        ? MetadataTags.fromSnapshot(snapshot.cluster.tags, problems)
        : metadataFor(members);
      for (const problem of problems) restored.record(`metadata tags: ${problem}`);
      restored.cluster = { name, members: [...members], tags };
    }
    for (const [address, state] of Object.entries(snapshot.states ?? {})) {
      if (isMemberState(state) && state !== 'ONLINE') restored.states.set(address, state);
      else
        restored.record(
          `instance state: ignored ${JSON.stringify(address.slice(0, 80))}: not a state`,
        );
    }
    restored.log.push(...snapshot.log);
    return restored;
  }

  /** Everything this cluster holds, as plain JSON. */
  snapshot(): SimulatedClusterSnapshot {
    const instances: Record<
      string,
      { users: Record<string, string>; configured: boolean; created: string[] }
    > = {};
    for (const [address, instance] of this.instances) {
      instances[address] = isLive(instance)
        ? {
            users: Object.fromEntries(instance.users),
            configured: instance.configured,
            created: [...instance.created].sort(),
          }
        : {
            users: { ...instance.users },
            configured: instance.configured,
            created: [...createdOf(instance)].sort(),
          };
    }
    return {
      instances,
      ...(this.cluster === undefined
        ? {}
        : {
            cluster: {
              name: this.cluster.name,
              members: [...this.cluster.members],
              tags: this.cluster.tags.snapshot(),
            },
          }),
      ...(this.states.size === 0 ? {} : { states: Object.fromEntries(this.states) }),
      log: this.log.slice(-SNAPSHOT_LOG_ENTRIES),
    };
  }

  /** The backend one unit uses; `address` is the unit's own instance. */
  backendFor(address: string): ClusterBackend {
    return {
      users: new SimulatedUsers(this, address),
      cluster: new SimulatedOperations(this, address),
    };
  }

  instance(address: string): Instance {
    const i = this.instances.get(address);
    if (i !== undefined && isLive(i)) return i;
    if (i !== undefined) {
      const live: Instance = {
        users: new Map(Object.entries(i.users)),
        created: createdOf(i),
        configured: i.configured,
      };
      this.instances.set(address, live);
      return live;
    }
    const fresh: Instance = { users: new Map(), created: new Set(), configured: false };
    this.instances.set(address, fresh);
    this.changes++;
    return fresh;
  }

  /** An account that exists on an instance before the charm runs (root, an application's). */
  seedAccount(address: string, account: string, password: string): void {
    this.instance(address).users.set(account, password);
    this.changes++;
  }

  /** Every distinct password the cluster accounts were created with (for leak checks in tests). */
  passwordsSeen(): string[] {
    const all = new Set<string>();
    for (const instance of this.instances.values())
      for (const password of isLive(instance)
        ? instance.users.values()
        : Object.values(instance.users))
        all.add(password);
    return [...all];
  }

  /** Accounts on an instance, sorted: `user@host`. */
  usersOn(address: string): string[] {
    return [...this.instance(address).users.keys()].sort();
  }

  /**
   * Put the instance at `address` in `state`, as if its mysqld stopped (`OFFLINE`), failed
   * (`ERROR`), lost the network (`UNREACHABLE`) or is catching up (`RECOVERING`); `ONLINE`
   * brings it back. cluster.status() reports it; a primary that is not ONLINE has left the
   * group, so the first ONLINE member is reported as the primary (Group Replication elects one).
   */
  setInstanceState(address: string, state: MemberState): void {
    if (state === 'ONLINE') this.states.delete(address);
    else this.states.set(address, state);
    // A primary that leaves the group is primary no more, also once it is back: the members
    // list keeps the primary first, so it moves behind the others.
    const members = this.cluster?.members;
    if (state !== 'ONLINE' && members?.[0] === address) members.push(...members.splice(0, 1));
    this.record(`instance ${address} is ${state}`);
  }

  /** The state of the instance at `address`: MISSING once its machine is gone. */
  stateOf(address: string): MemberState {
    if (this.instanceGone(address)) return 'MISSING';
    return this.states.get(address) ?? 'ONLINE';
  }

  get members(): readonly string[] {
    return this.cluster?.members ?? [];
  }

  /** Authenticate `credentials` from `from` against the instance at `to`. */
  checkLogin(to: string, from: string, credentials: ClusterCredentials): void {
    const stored = this.instance(to).users.get(`${credentials.user}@${from}`);
    if (stored === undefined || stored !== credentials.password) {
      throw new Error(`Access denied for user '${credentials.user}'@'${from}' on ${to}`);
    }
  }

  record(entry: string): void {
    this.log.push(entry);
    this.changes++;
  }

  getCluster(): ClusterRecord | undefined {
    return this.cluster;
  }

  /** A new cluster: its metadata holds a row (no tags) for each member. */
  setCluster(cluster: { name: string; members: string[] } | undefined): void {
    this.cluster =
      cluster === undefined ? undefined : { ...cluster, tags: metadataFor(cluster.members) };
  }

  /** The tags of the instance at `address` (empty when it has none or is not a member). */
  instanceTags(address: string): TagMap | undefined {
    return this.cluster?.tags.instanceTags(instanceLabel(address, SIMULATED_PORT));
  }
}

function metadataFor(members: readonly string[]): MetadataTags {
  const tags = new MetadataTags();
  for (const m of members) tags.addInstance(instanceLabel(m, SIMULATED_PORT));
  return tags;
}

/**
 * Each instance's listings of its charm-made accounts by user, sorted: a unit lists them after
 * most hooks, and they change far less often. Dropped whenever `created` changes (only here).
 */
const listings = new WeakMap<Instance, Map<string, readonly string[]>>();

class SimulatedUsers implements UserBackend {
  constructor(
    private readonly model: SimulatedInnoDBCluster,
    private readonly address: string,
  ) {}

  async createClusterUser(account: ClusterAccount, password: string): Promise<void> {
    assertSafeAccount(account);
    const instance = this.model.instance(this.address);
    const key = `${account.user}@${account.host}`;
    const before = instance.users.get(key);
    if (before !== undefined && !instance.created.has(key)) throw new ForeignAccountError(account);
    instance.created.add(key); // marked first, as the SQL backend does
    listings.delete(instance);
    instance.users.set(key, password);
    if (before === undefined) this.model.record(`${this.address}: CREATE USER ${key}`);
    else if (before !== password) this.model.record(`${this.address}: ALTER USER ${key}`);
  }

  async dropClusterUser(account: ClusterAccount): Promise<void> {
    assertSafeAccount(account);
    const instance = this.model.instance(this.address);
    const key = `${account.user}@${account.host}`;
    if (!instance.created.has(key)) return;
    if (instance.users.delete(key)) this.model.record(`${this.address}: DROP USER ${key}`);
    else this.model.changes++;
    instance.created.delete(key);
    listings.delete(instance);
  }

  async adoptClusterUser(account: ClusterAccount): Promise<void> {
    assertSafeAccount(account);
    const instance = this.model.instance(this.address);
    const key = `${account.user}@${account.host}`;
    if (instance.users.has(key) && !instance.created.has(key)) {
      instance.created.add(key);
      listings.delete(instance);
      this.model.record(`${this.address}: ADOPT USER ${key}`);
    }
  }

  async listClusterUsers(user: string): Promise<string[]> {
    const instance = this.model.instance(this.address);
    let byUser = listings.get(instance);
    if (byUser === undefined) {
      byUser = new Map();
      listings.set(instance, byUser);
    }
    let hosts = byUser.get(user);
    if (hosts === undefined) {
      hosts = [...instance.created]
        .filter((k) => k.startsWith(`${user}@`))
        .map((k) => k.slice(user.length + 1))
        .sort();
      byUser.set(user, hosts);
    }
    return [...hosts];
  }
}

class SimulatedOperations implements ClusterOperations {
  readonly tags: ClusterTagOperations;

  constructor(
    private readonly model: SimulatedInnoDBCluster,
    /** The instance this unit runs, where its Shell session starts. */
    private readonly self: string,
  ) {
    this.tags = new SimulatedTags(model, self);
  }

  async configureInstance(address: string, credentials: ClusterCredentials): Promise<void> {
    assertSafeAddress(address);
    this.model.checkLogin(address, this.self, credentials);
    const instance = this.model.instance(address);
    if (!instance.configured) {
      instance.configured = true;
      this.model.record(`configure instance ${address}`);
    }
  }

  async createCluster(
    name: string,
    seedAddress: string,
    credentials: ClusterCredentials,
  ): Promise<void> {
    this.model.checkLogin(seedAddress, this.self, credentials);
    const existing = this.model.getCluster();
    if (existing?.members.includes(seedAddress)) return;
    // The cluster metadata lives on its members: a standalone instance knows no cluster, and
    // dba.createCluster() on it creates a new one. While a member of the old one is alive that
    // is a split brain, which the simulation refuses loudly.
    const alive = (existing?.members ?? []).filter((m) => !this.model.instanceGone(m));
    if (alive.length > 0)
      throw new Error(
        `split brain: ${seedAddress} is not a member of cluster ${existing?.name}, whose members [${alive}] are alive`,
      );
    if (!this.model.instance(seedAddress).configured)
      throw new Error(`instance ${seedAddress} is not configured for InnoDB Cluster`);
    this.model.setCluster({ name, members: [seedAddress] });
    this.model.record(
      existing === undefined
        ? `create cluster ${name} on ${seedAddress}`
        : `create cluster ${name} on ${seedAddress} (every member of the old one is gone)`,
    );
  }

  async addInstance(
    name: string,
    address: string,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void> {
    const cluster = this.requireCluster(name);
    this.model.checkLogin(via, this.self, credentials);
    // The new member and the seed must reach each other with the cluster account.
    this.model.checkLogin(address, via, credentials);
    this.model.checkLogin(via, address, credentials);
    if (!this.model.instance(address).configured)
      throw new Error(`instance ${address} is not configured for InnoDB Cluster`);
    if (!cluster.members.includes(address)) {
      cluster.members.push(address);
      cluster.tags.addInstance(instanceLabel(address, SIMULATED_PORT));
      this.model.record(`add instance ${address}`);
    }
  }

  async removeInstance(
    name: string,
    address: string,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void> {
    const cluster = this.requireCluster(name);
    this.model.checkLogin(via, this.self, credentials);
    const i = cluster.members.indexOf(address);
    if (i >= 0) {
      cluster.members.splice(i, 1);
      // The instance's metadata row goes, and its tags (attributes.tags) with it: mysql/mysql-shell
      // modules/adminapi/common/metadata_storage.cc MetadataStorage::remove_instance deletes the row.
      cluster.tags.removeInstance(instanceLabel(address, SIMULATED_PORT));
      this.model.record(`remove instance ${address}`);
    }
  }

  async rejoinInstance(
    name: string,
    address: string,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void> {
    // Rejoining an instance that left (or never joined) adds it back, ONLINE.
    await this.addInstance(name, address, via, credentials);
    if (this.model.stateOf(address) !== 'ONLINE') this.model.setInstanceState(address, 'ONLINE');
  }

  async status(name: string, via: string): Promise<ClusterStatus | undefined> {
    const cluster = this.model.getCluster();
    // Asked through an instance that is not a member, dba.getCluster() fails: a standalone
    // instance holds no cluster metadata (mysqlsh.ts turns that failure into undefined).
    if (!cluster || cluster.name !== name || !cluster.members.includes(via)) return undefined;
    const states = cluster.members.map((address) => this.model.stateOf(address));
    const primary = states.indexOf('ONLINE');
    return {
      name,
      members: cluster.members.map((address, i) => ({
        address,
        role: i === primary ? 'primary' : 'secondary',
        state: states[i] ?? 'ONLINE',
        ...(cluster.tags.instanceTags(instanceLabel(address, SIMULATED_PORT)).get('_hidden') ===
        true
          ? { hiddenFromRouter: true as const }
          : {}),
      })),
    };
  }

  private requireCluster(name: string): ClusterRecord {
    const cluster = this.model.getCluster();
    if (!cluster || cluster.name !== name) throw new Error(`cluster ${name} does not exist`);
    return cluster;
  }
}
