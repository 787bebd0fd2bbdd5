// The charm's config as it can be applied: `cluster-user` and `cluster-name` as the operator
// set them, checked, and the values the cluster already uses (kept in leader settings once
// they take effect). A value the charm cannot apply gives a blocked status saying why,
// never a failed hook.
import { type HookRuntime, leaderGet } from 'juju-reactive';
import { clusterUserSchema } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { configOption } from '../../shared/kept-config/index.js';

/** Leader setting: the cluster user every unit uses, fixed once the password is shared. */
export const CLUSTER_USER_KEY = 'cluster-user';
/** Leader setting: the name the cluster was created with. */
export const CLUSTER_NAME_KEY = 'cluster-name';
/** Unit state: an account this unit found on its instance that the charm did not create. */
export const FOREIGN_ACCOUNT_KEY = 'cluster.foreign-account';

/**
 * Account names the charm refuses as `cluster-user`: the server's own (MySQL's `mysql.*`,
 * MariaDB's `mariadb.sys`), the administrators (`root`), the accounts MySQL Shell and MySQL
 * Router create for themselves (`mysql_innodb_cluster_<id>`, `mysql_router<id>_...`), and
 * MariaDB's `PUBLIC` role. The account the backend connects as is refused too (adminUser).
 */
const RESERVED = [
  /^root$/i,
  /^mysql\./i,
  /^mariadb\./i,
  /^mysql_innodb_cluster_/i,
  /^mysql_router/i,
  /^public$/i,
];

/** What the configured `cluster-user` cannot be, or undefined when it can be used. */
export function clusterUserProblem(
  user: string,
  adminUser: string | undefined,
): string | undefined {
  if (!clusterUserSchema.safeParse(user).success)
    return `cluster-user ${JSON.stringify(user.slice(0, 40))} is not a valid MySQL account name (1-32 of letters, digits, "_", "." or "-")`;
  if (RESERVED.some((r) => r.test(user)) || user === adminUser)
    return `cluster-user "${user}" is reserved (an administrator or server account the charm must never alter or drop): set another name`;
  return undefined;
}

/**
 * The config as the operator set it: config-get, or in a relation hook or update-status the
 * values the last hook that read them kept (Juju runs config-changed first when they change).
 */
export function configured(rt: HookRuntime): { clusterName: string; user: string } {
  return {
    clusterName: String(configOption(rt, 'cluster-name') ?? 'jujuCluster'),
    user: String(configOption(rt, 'cluster-user') ?? 'clusteruser'),
  };
}

/** The config in effect: what the cluster already uses wins over a later change. */
export function effective(rt: HookRuntime): { clusterName: string; user: string } {
  const clusterName = leaderGet(rt, CLUSTER_NAME_KEY);
  const user = leaderGet(rt, CLUSTER_USER_KEY);
  if (clusterName !== undefined && user !== undefined) return { clusterName, user };
  const wanted = configured(rt);
  return { clusterName: clusterName ?? wanted.clusterName, user: user ?? wanted.user };
}

/** Why the charm is blocked by its config (or what it found), or undefined. */
export function blockedBy(rt: HookRuntime, adminUser: string | undefined): string | undefined {
  const wanted = configured(rt);
  const inUse = effective(rt);
  if (inUse.user !== wanted.user)
    return `cluster-user cannot change once the cluster password is shared (the cluster uses "${inUse.user}"): set it back`;
  const userProblem = clusterUserProblem(wanted.user, adminUser);
  if (userProblem !== undefined) return userProblem;
  if (inUse.clusterName !== wanted.clusterName)
    return `cluster-name cannot change after the cluster was created (it is "${inUse.clusterName}"): set it back`;
  const foreign = rt.state.get<string>(FOREIGN_ACCOUNT_KEY);
  if (foreign !== undefined)
    return `the account ${foreign} exists and was not created by this charm: choose another cluster-user`;
  return undefined;
}
