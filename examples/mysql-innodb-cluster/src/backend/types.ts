// The ClusterBackend contract: everything the charm asks of MySQL. Three implementations:
// SQL users through mysql2 (sql-users.ts), cluster operations through MySQL Shell
// (mysqlsh.ts), and an in-memory InnoDB cluster shared by simulated units (simulated.ts).
import type { JsonValue } from 'juju-reactive';
import { isClusterAddress } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import type { OptionsDocument } from '../../../shared/adminapi-tags/index.js';

/** An account the cluster uses to reach an instance: `user`@`host`. */
export interface ClusterAccount {
  readonly user: string;
  /** The address the peer connects from (an IP address or hostname). */
  readonly host: string;
}

/**
 * Local SQL accounts on this unit's instance. The backend only ever alters or drops accounts
 * it created itself: it marks an account as created by the charm on the instance, durably,
 * before creating it (so a hook that fails afterwards still leaves it marked), and refuses to
 * touch an account that existed without that mark (ForeignAccountError).
 */
export interface UserBackend {
  /** The account the backend itself connects as: never usable as the cluster user. */
  readonly adminUser?: string;
  /**
   * Create `user`@`host` if absent, with cluster-admin grants, and give it this password (also
   * when it exists: a hook that failed may have left it with another). Idempotent. Throws
   * ForeignAccountError when the account exists but the charm did not create it.
   */
  createClusterUser(account: ClusterAccount, password: string): Promise<void>;
  /** Remove `user`@`host` if present and created by the charm; otherwise nothing. Idempotent. */
  dropClusterUser(account: ClusterAccount): Promise<void>;
  /** Hosts of the accounts of `user` the charm created on this instance. */
  listClusterUsers(user: string): Promise<string[]>;
  /**
   * Mark an existing `user`@`host` as the charm's without touching it (nothing when it does not
   * exist). For accounts the Python charm created on this instance before the unit was
   * upgraded: it left no mark. The charm decides when that applies (src/migration.ts).
   */
  adoptClusterUser?(account: ClusterAccount): Promise<void>;
}

/** The account exists on the instance, and the charm did not create it: it is not the charm's. */
export class ForeignAccountError extends Error {
  constructor(readonly account: ClusterAccount) {
    super(
      `the account '${account.user}'@'${account.host}' exists and was not created by this charm: ` +
        'the charm never alters or drops it; choose another cluster-user',
    );
    this.name = 'ForeignAccountError';
  }
}

/** Where a cluster operation connects: an instance address plus the cluster credentials. */
export interface ClusterCredentials {
  readonly user: string;
  readonly password: string;
}

/**
 * An instance's state as MySQL Shell's `cluster.status()` reports it (the `status` of each
 * `defaultReplicaSet.topology` entry; MySQL Shell manual, "Monitoring InnoDB Cluster",
 * https://dev.mysql.com/doc/mysql-shell/en/monitoring-innodb-cluster.html): `ONLINE` serves,
 * `RECOVERING` is catching up before it becomes ONLINE, `OFFLINE` has left the group, `ERROR`
 * failed recovery or applying a transaction, `UNREACHABLE` lost contact with the group, and
 * `MISSING` (printed `(MISSING)`) is in the metadata but not in the live group. `UNKNOWN` is
 * anything else the Shell printed (never routed to).
 */
export type MemberState =
  | 'ONLINE'
  | 'RECOVERING'
  | 'OFFLINE'
  | 'ERROR'
  | 'UNREACHABLE'
  | 'MISSING'
  | 'UNKNOWN';

const MEMBER_STATES: ReadonlySet<string> = new Set<MemberState>([
  'ONLINE',
  'RECOVERING',
  'OFFLINE',
  'ERROR',
  'UNREACHABLE',
  'MISSING',
  'UNKNOWN',
]);

/** Whether `value` is one of the MemberState names (for states read back from a snapshot). */
export function isMemberState(value: unknown): value is MemberState {
  return typeof value === 'string' && MEMBER_STATES.has(value);
}

export interface ClusterMemberStatus {
  readonly address: string;
  readonly role: 'primary' | 'secondary';
  /** The instance's state: only an ONLINE member serves clients. */
  readonly state: MemberState;
  /**
   * Present, and true, only when the instance's `_hidden` tag is true: MySQL Shell's
   * Status::feed_metadata_info (modules/adminapi/cluster/status.cc) sets the key only then.
   */
  readonly hiddenFromRouter?: true;
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
  /** Cluster and instance tags, kept where AdminAPI keeps them. Optional: a backend without them has no tag actions. */
  readonly tags?: ClusterTagOperations;
  /** undefined when no cluster exists yet. */
  status(
    name: string,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<ClusterStatus | undefined>;
}

/**
 * AdminAPI tags (MySQL Shell `cluster.setOption`, `cluster.setInstanceOption`,
 * `cluster.options()`), stored in the cluster's metadata: the cluster row and one row per
 * instance, which `removeInstance` deletes with the instance's tags. Every write checks MySQL
 * Shell's rules first and throws the TagError MySQL Shell's message is, before anything runs.
 * Writes take effect at once, like any write to the database: not rolled back with a failed hook.
 */
export interface ClusterTagOperations {
  /** `<address>:<port>`, the label the metadata (and options()) uses for an instance. */
  label(address: string): string;
  /** A cluster tag; `null` removes it. */
  setOption(
    name: string,
    option: string,
    value: JsonValue,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void>;
  /** A tag of the instance at `address`; `null` removes it. */
  setInstanceOption(
    name: string,
    address: string,
    option: string,
    value: JsonValue,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void>;
  /** The cluster's tags as `cluster.options()` shows them. */
  options(name: string, via: string, credentials: ClusterCredentials): Promise<OptionsDocument>;
}

/** What one unit's handlers use. */
export interface ClusterBackend {
  readonly users: UserBackend;
  readonly cluster: ClusterOperations;
}

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

/** The interface's one rule for a peer address (isClusterAddress), applied again here. */
export function assertSafeAddress(address: string): void {
  if (!isClusterAddress(address))
    throw new Error(
      `refusing address ${JSON.stringify(address.slice(0, 80))}: expected an IP address or a DNS hostname (see isClusterAddress)`,
    );
}
