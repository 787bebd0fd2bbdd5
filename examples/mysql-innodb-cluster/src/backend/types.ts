// The ClusterBackend contract: everything the charm asks of MySQL. Three implementations:
// SQL users through mysql2 (sql-users.ts), cluster operations through MySQL Shell
// (mysqlsh.ts), and an in-memory InnoDB cluster shared by simulated units (simulated.ts).

/** An account the cluster uses to reach an instance: `user`@`host`. */
export interface ClusterAccount {
  readonly user: string;
  /** The address the peer connects from (an IP address or hostname). */
  readonly host: string;
}

/** Local SQL accounts on this unit's instance. */
export interface UserBackend {
  /**
   * Create `user`@`host` if absent, with cluster-admin grants, and give it this password (also
   * when it exists: a hook that failed may have left it with another). Idempotent.
   */
  createClusterUser(account: ClusterAccount, password: string): Promise<void>;
  /** Remove `user`@`host` if present. Idempotent. */
  dropClusterUser(account: ClusterAccount): Promise<void>;
  /** Accounts that exist for `user` (one per host). */
  listClusterUsers(user: string): Promise<string[]>;
}

/** Where a cluster operation connects: an instance address plus the cluster credentials. */
export interface ClusterCredentials {
  readonly user: string;
  readonly password: string;
}

export interface ClusterMemberStatus {
  readonly address: string;
  readonly role: 'primary' | 'secondary';
}

export interface ClusterStatus {
  readonly name: string;
  readonly members: readonly ClusterMemberStatus[];
}

/** InnoDB Cluster operations (MySQL Shell's dba / cluster API). All idempotent. */
export interface ClusterOperations {
  configureInstance(address: string, credentials: ClusterCredentials): Promise<void>;
  createCluster(name: string, seedAddress: string, credentials: ClusterCredentials): Promise<void>;
  addInstance(
    name: string,
    address: string,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void>;
  removeInstance(
    name: string,
    address: string,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void>;
  /**
   * Rejoin an instance that was a member and dropped out (MySQL Shell `cluster.rejoinInstance`).
   * A member that is online already is left as it is. Optional: a backend without it cannot rejoin.
   */
  rejoinInstance?(
    name: string,
    address: string,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void>;
  /** undefined when no cluster exists yet. */
  status(
    name: string,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<ClusterStatus | undefined>;
}

/** What one unit's handlers use. */
export interface ClusterBackend {
  readonly users: UserBackend;
  readonly cluster: ClusterOperations;
}

const HOSTNAME =
  /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}$/;
const ACCOUNT = /^[A-Za-z0-9_.-]{1,32}$/;

/**
 * Defence in depth below the interface's own validation: refuse anything that is not a
 * plain address or account name before it reaches a SQL statement or a Shell script.
 */
export function assertSafeAccount(account: ClusterAccount): void {
  if (!ACCOUNT.test(account.user))
    throw new Error(
      `refusing MySQL account name ${JSON.stringify(account.user)}: expected 1-32 of [A-Za-z0-9_.-]`,
    );
  assertSafeAddress(account.host);
}

export function assertSafeAddress(address: string): void {
  const ok =
    IPV4.test(address) || (address.includes(':') && IPV6.test(address)) || HOSTNAME.test(address);
  if (!ok)
    throw new Error(
      `refusing address ${JSON.stringify(address)}: expected an IP address or a DNS hostname`,
    );
}
