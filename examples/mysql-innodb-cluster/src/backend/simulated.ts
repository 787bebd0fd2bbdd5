// A simulated InnoDB cluster, in memory, shared by every unit of a simulated model: users
// per instance, which instances are configured, cluster membership and the primary. It
// enforces what the real thing would: an instance must hold the cluster user for the
// address a peer connects from, and must be configured, before it can join.
import type {
  ClusterAccount,
  ClusterBackend,
  ClusterCredentials,
  ClusterOperations,
  ClusterStatus,
  UserBackend,
} from './types.js';
import { assertSafeAccount, assertSafeAddress } from './types.js';

interface Instance {
  /** `user@host` -> password */
  readonly users: Map<string, string>;
  configured: boolean;
}

/** A simulated cluster as plain JSON: what `snapshot()` gives and `fromSnapshot()` takes. */
export interface SimulatedClusterSnapshot {
  /** Per instance address: its accounts (`user@host` -> password) and whether it is configured. */
  readonly instances: Readonly<
    Record<
      string,
      { readonly users: Readonly<Record<string, string>>; readonly configured: boolean }
    >
  >;
  /** The cluster, once created. */
  readonly cluster?: { readonly name: string; readonly members: readonly string[] };
  /** Every operation, in order. */
  readonly log: readonly string[];
}

export class SimulatedInnoDBCluster {
  private readonly instances = new Map<string, Instance>();
  private cluster: { name: string; members: string[] } | undefined;
  /** Every operation, in order, for assertions and the demo's output. */
  readonly log: string[] = [];

  /** A cluster in the state a snapshot recorded. */
  static fromSnapshot(snapshot: SimulatedClusterSnapshot): SimulatedInnoDBCluster {
    const restored = new SimulatedInnoDBCluster();
    for (const [address, saved] of Object.entries(snapshot.instances)) {
      restored.instances.set(address, {
        users: new Map(Object.entries(saved.users)),
        configured: saved.configured,
      });
    }
    if (snapshot.cluster !== undefined) {
      restored.cluster = { name: snapshot.cluster.name, members: [...snapshot.cluster.members] };
    }
    restored.log.push(...snapshot.log);
    return restored;
  }

  /** Everything this cluster holds, as plain JSON. */
  snapshot(): SimulatedClusterSnapshot {
    const instances: Record<string, { users: Record<string, string>; configured: boolean }> = {};
    for (const [address, instance] of this.instances) {
      instances[address] = {
        users: Object.fromEntries(instance.users),
        configured: instance.configured,
      };
    }
    return {
      instances,
      ...(this.cluster === undefined
        ? {}
        : { cluster: { name: this.cluster.name, members: [...this.cluster.members] } }),
      log: [...this.log],
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
    let i = this.instances.get(address);
    if (!i) {
      i = { users: new Map(), configured: false };
      this.instances.set(address, i);
    }
    return i;
  }

  /** Every distinct password the cluster accounts were created with (for leak checks in tests). */
  passwordsSeen(): string[] {
    const all = new Set<string>();
    for (const instance of this.instances.values())
      for (const password of instance.users.values()) all.add(password);
    return [...all];
  }

  /** Accounts on an instance, sorted: `user@host`. */
  usersOn(address: string): string[] {
    return [...this.instance(address).users.keys()].sort();
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
  }

  getCluster(): { name: string; members: string[] } | undefined {
    return this.cluster;
  }

  setCluster(cluster: { name: string; members: string[] } | undefined): void {
    this.cluster = cluster;
  }
}

class SimulatedUsers implements UserBackend {
  constructor(
    private readonly model: SimulatedInnoDBCluster,
    private readonly address: string,
  ) {}

  async createClusterUser(account: ClusterAccount, password: string): Promise<void> {
    assertSafeAccount(account);
    const users = this.model.instance(this.address).users;
    const key = `${account.user}@${account.host}`;
    const before = users.get(key);
    users.set(key, password);
    if (before === undefined) this.model.record(`${this.address}: CREATE USER ${key}`);
    else if (before !== password) this.model.record(`${this.address}: ALTER USER ${key}`);
  }

  async dropClusterUser(account: ClusterAccount): Promise<void> {
    assertSafeAccount(account);
    if (this.model.instance(this.address).users.delete(`${account.user}@${account.host}`)) {
      this.model.record(`${this.address}: DROP USER ${account.user}@${account.host}`);
    }
  }

  async listClusterUsers(user: string): Promise<string[]> {
    return [...this.model.instance(this.address).users.keys()]
      .filter((k) => k.startsWith(`${user}@`))
      .map((k) => k.slice(user.length + 1))
      .sort();
  }
}

class SimulatedOperations implements ClusterOperations {
  constructor(
    private readonly model: SimulatedInnoDBCluster,
    /** The instance this unit runs, where its Shell session starts. */
    private readonly self: string,
  ) {}

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
    if (this.model.getCluster()) return;
    if (!this.model.instance(seedAddress).configured)
      throw new Error(`instance ${seedAddress} is not configured for InnoDB Cluster`);
    this.model.setCluster({ name, members: [seedAddress] });
    this.model.record(`create cluster ${name} on ${seedAddress}`);
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
      this.model.record(`remove instance ${address}`);
    }
  }

  async rejoinInstance(
    name: string,
    address: string,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void> {
    // The simulated cluster has no offline members: rejoining one that left adds it back.
    await this.addInstance(name, address, via, credentials);
  }

  async status(name: string): Promise<ClusterStatus | undefined> {
    const cluster = this.model.getCluster();
    if (!cluster || cluster.name !== name) return undefined;
    return {
      name,
      members: cluster.members.map((address, i) => ({
        address,
        role: i === 0 ? 'primary' : 'secondary',
      })),
    };
  }

  private requireCluster(name: string): { name: string; members: string[] } {
    const cluster = this.model.getCluster();
    if (!cluster || cluster.name !== name) throw new Error(`cluster ${name} does not exist`);
    return cluster;
  }
}
