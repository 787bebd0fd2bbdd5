// Living next to units of the Python charm (charm-mysql-innodb-cluster with
// charm-interface-mysql-innodb-cluster) during a unit-by-unit upgrade or a rollback: the
// `password-transport` config option, Python's leader settings, and Python's idea of "true".
// docs/migrating-from-python-charm.md is the operator's side of this.
import { type HookRuntime, leaderGet } from 'juju-reactive';
import {
  MySQLInnoDBClusterPeers,
  PASSWORD_TRANSPORTS,
  type PasswordTransport,
} from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { configOption } from '../../shared/kept-config/index.js';

/** Config option: where the cluster password travels (`plaintext`, `secret` or `both`). */
export const PASSWORD_TRANSPORT_OPTION = 'password-transport';

/**
 * Leader setting the Python charm keeps the cluster password in (charms.openstack
 * mysql_innodb_cluster.py `_get_password("cluster-password")`: leader_get, else the leader
 * generates one and leader_set's it). Python units read it from there, and a Python leader
 * that finds it missing generates a new password: so it is written while Python units may run
 * (`plaintext`, `both`) and never removed.
 */
export const PYTHON_PASSWORD_KEY = 'cluster-password';

/** What a unit does when the option holds something else (and says so in its status). */
const FALLBACK: PasswordTransport = 'both';

/** The option as set, when it is one of the three values. */
function configuredTransport(rt: HookRuntime): PasswordTransport | undefined {
  const value = configOption(rt, PASSWORD_TRANSPORT_OPTION);
  return PASSWORD_TRANSPORTS.find((t) => t === value);
}

/**
 * The password transport in effect: the option, or `both` (every unit, of either charm, can
 * read that) while the option holds a value the charm does not know.
 */
export function passwordTransport(rt: HookRuntime): PasswordTransport {
  return configuredTransport(rt) ?? FALLBACK;
}

/** Why `password-transport` cannot be applied, for a blocked status; undefined when it can. */
export function transportProblem(rt: HookRuntime): string | undefined {
  if (configuredTransport(rt) !== undefined) return undefined;
  const value = configOption(rt, PASSWORD_TRANSPORT_OPTION);
  return (
    `${PASSWORD_TRANSPORT_OPTION} ${JSON.stringify(String(value).slice(0, 40))} is not one of ` +
    `${PASSWORD_TRANSPORTS.join(', ')} (publishing as ${FALLBACK} meanwhile)`
  );
}

/**
 * A leader-settings flag as both charms read it: the Python charm writes Python's `True`
 * (leader_set of a bool) and compares with `str(value).lower() == 'true'` (charms.openstack
 * mysql_innodb_cluster.py `_contains_in_leader_settings`); this charm writes `true`.
 */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && value.toLowerCase() === 'true';
}

/** The cluster password the Python charm left in leader settings, if any. */
export function pythonPassword(rt: HookRuntime): string | undefined {
  const value = leaderGet(rt, PYTHON_PASSWORD_KEY);
  if (value === undefined || value === '') return undefined;
  rt.redactor.add(value);
  return value;
}

/**
 * Leader setting only the Python charm writes (its MySQL root password, set at the leader's
 * install: charms.openstack mysql_innodb_cluster.py `mysql_password` → `_get_password`).
 * Its presence says this application was deployed by the Python charm.
 */
export const PYTHON_ROOT_PASSWORD_KEY = 'mysql.passwd';

/**
 * Whether a `cluster-user` account that exists without this charm's mark may be taken over:
 * only in an application the Python charm deployed (which created such accounts itself, with
 * the cluster password, and marked none), and only for the cluster user in use.
 */
export function adoptsPythonAccounts(rt: HookRuntime, user: string, clusterUser: string): boolean {
  return user === clusterUser && leaderGet(rt, PYTHON_ROOT_PASSWORD_KEY) !== undefined;
}

/**
 * With `secret` in effect, the peers that publish only a plaintext password: units of the
 * Python charm (or rolled back to it), which cannot read what this unit publishes. A status
 * says so: nothing on the Python side would (its units just never become available).
 */
export function plaintextOnlyPeers(rt: HookRuntime, transport: PasswordTransport): string[] {
  if (transport !== 'secret') return [];
  const peers = rt.endpoint(MySQLInnoDBClusterPeers);
  // Status only: summaries. Their counts say whether any is plaintext, decoding none.
  if (peers.peerCounts.plaintextPasswords === 0) return [];
  return peers.peerSummaries
    .filter((unit) => unit.passwordFrom === 'relation')
    .map((unit) => unit.unitName);
}
