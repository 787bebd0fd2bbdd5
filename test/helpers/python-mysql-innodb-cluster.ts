// A "Python-format unit" for the simulator: a small charm that drives the peer relation and the
// leader settings the way the Python stack does (charm-mysql-innodb-cluster
// src/reactive/mysql_innodb_cluster_handlers.py with charms.openstack
// src/lib/charm/openstack/mysql_innodb_cluster.py, and charm-interface-mysql-innodb-cluster
// peers.py), and publishes exactly the format of test/fixtures/python-mysql-innodb-cluster-
// wire.json. It is a model of that stack's wire behaviour, not a port: only the handlers that
// touch the cluster relation, the leader settings and the cluster membership are modelled.
//
// What it does, as the Python code does it:
// - the leader generates `cluster-password` and `mysql.passwd` into leader settings once
//   (`_get_password`: leader_get, else leader_set a new one);
// - every unit creates `clusteruser@<its bind address>` (accounts it does not mark: the
//   TypeScript backend sees them as not its own), then publishes cluster-address, cluster-user
//   and cluster-password as JSON while `cluster.available` is not set
//   (send_cluster_connection_info), plus the raw ingress-address/private-address
//   (set_ingress_address: get_relation_ip, the bind address);
// - `cluster.available` is Python's rule: at least minimum_cluster_size - 1 joined units, and
//   every joined unit published truthy cluster-address, cluster-user and cluster-password;
//   `cluster.clustered`: as many units, every one with truthy unit-clustered (peers.py);
// - on `cluster.available` it creates the accounts of every joined unit, then publishes
//   unit-configure-ready (create_remote_cluster_user);
// - the leader creates the cluster and records `cluster-created` (a UUID) and
//   `cluster-instance-{configured,clustered}-<address with dots as dashes>` as Python's `True`,
//   then configures and adds every configure-ready unit, then records
//   `cluster-instances-configured`/`-clustered` once every joined unit is done;
// - a non-leader whose instance the leader settings mark clustered publishes unit-clustered
//   (signal_clustered is `@when_not('leadership.is_leader')`: a Python leader never does).
// Its own flags live under `python.` so they never pass for the TypeScript charm's.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  Charm,
  Endpoint,
  type EndpointRole,
  type HookRuntime,
  leaderGet,
  leaderSet,
  leadership,
} from 'juju-reactive';
import type { SimulatedInnoDBCluster } from '../../examples/mysql-innodb-cluster/src/backend/simulated.js';

/** The Python charm's fixed cluster user (charms.openstack `cluster_user`). */
export const PYTHON_CLUSTER_USER = 'clusteruser';
/** The Python charm's default cluster name (config.yaml `cluster-name`). */
export const PYTHON_CLUSTER_NAME = 'jujuCluster';

const F = {
  userCreated: 'python.local.cluster.user-created',
  allUsersCreated: 'python.local.cluster.all-users-created',
} as const;

/** Python's key: only dots become dashes (mysql_innodb_cluster.py make_cluster_instance_*_key). */
export function pythonInstanceKey(what: 'configured' | 'clustered', address: string): string {
  return `cluster-instance-${what}-${address.replace(/\./g, '-')}`;
}

/** charms.openstack `_contains_in_leader_settings`: `str(value).lower() == str(True).lower()`. */
function leaderTrue(rt: HookRuntime, key: string): boolean {
  return (leaderGet(rt, key) ?? 'False').toLowerCase() === 'true';
}

/** The bind address (charmhelpers get_relation_ip → network-get --primary-address). */
export function pythonClusterAddress(rt: HookRuntime): string {
  const info = rt.juju.networkGet('cluster');
  if (info.isErr()) throw info.error;
  const address = info.value.bindAddresses[0]?.addresses[0]?.value;
  if (!address) throw new Error('no bind address for cluster');
  return address;
}

/** A value as Python's `received` sees it: JSON-decoded; truthy as Python tests it. */
function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0) return false;
  if (typeof value === 'string') return value.length > 0;
  return true;
}

/** peers.py MySQLInnoDBClusterPeer, as far as the wire and its flags go. */
export class PythonClusterPeers extends Endpoint {
  static override readonly interfaceName = 'mysql-innodb-cluster';
  static override readonly roles: readonly EndpointRole[] = ['peers'];
  readonly minimumClusterSize = 3;

  /** Each joined unit's data, JSON-decoded as charms.reactive's `received` decodes it. */
  received(): { unitName: string; data: Readonly<Record<string, unknown>> }[] {
    return this.allJoinedUnits.map((unit) => ({ unitName: unit.unitName, data: unit.received }));
  }

  available(): boolean {
    const units = this.received();
    if (units.length < this.minimumClusterSize - 1) return false;
    return units.every(
      ({ data }) =>
        truthy(data['cluster-address']) &&
        truthy(data['cluster-user']) &&
        truthy(data['cluster-password']),
    );
  }

  clustered(): boolean {
    const units = this.received();
    if (units.length < this.minimumClusterSize - 1) return false;
    return units.every(({ data }) => truthy(data['unit-clustered']));
  }

  // The `changed` handler runs in every hook once endpoint.cluster.changed is set (peers.py
  // never clears that flag itself), so the flags are recomputed in every hook.
  protected override startup(): void {
    this.toggleFlag('{endpoint_name}.connected', this.isJoined);
    this.toggleFlag('{endpoint_name}.available', this.isJoined && this.available());
    this.toggleFlag('{endpoint_name}.clustered', this.isJoined && this.clustered());
    const relation = this.relations[0];
    if (relation !== undefined && this.isJoined) {
      // set_ingress_address: the bind address, raw.
      const address = pythonClusterAddress(this.runtime);
      relation.toPublishRaw['ingress-address'] = address;
      relation.toPublishRaw['private-address'] = address;
    }
  }
}

/** The Python charm, as far as the cluster relation, leader settings and membership go. */
export function pythonFormatCharm(cluster: SimulatedInnoDBCluster): Charm {
  const charm = new Charm().use(leadership).endpoint(PythonClusterPeers);
  const peers = (rt: HookRuntime) => rt.endpoint(PythonClusterPeers);
  const password = (rt: HookRuntime): string => {
    const value = leaderGet(rt, 'cluster-password');
    if (value === undefined) throw new Error('no cluster-password in leader settings yet');
    rt.redactor.add(value);
    return value;
  };
  const credentials = (rt: HookRuntime) => ({ user: PYTHON_CLUSTER_USER, password: password(rt) });
  const ops = (rt: HookRuntime) => cluster.backendFor(pythonClusterAddress(rt)).cluster;
  // create_user: CREATE USER ... IDENTIFIED BY, GRANT; the Python charm marks nothing.
  const createUser = (rt: HookRuntime, host: string) => {
    const self = pythonClusterAddress(rt);
    const key = `${PYTHON_CLUSTER_USER}@${host}`;
    if (!cluster.usersOn(self).includes(key)) cluster.seedAccount(self, key, password(rt));
  };

  // leader_install → _get_password('mysql.passwd'), and cluster_password on first use.
  charm
    .when('leadership.is_leader')
    .whenNot('leadership.set.cluster-password')
    .run(function pythonLeaderPasswords(rt) {
      leaderSet(rt, {
        'cluster-password': randomBytes(15).toString('base64url'),
        'mysql.passwd': leaderGet(rt, 'mysql.passwd') ?? randomBytes(15).toString('base64url'),
      });
    });

  charm
    .when('leadership.set.cluster-password')
    .whenNot(F.userCreated)
    .run(function create_local_cluster_user(rt) {
      createUser(rt, pythonClusterAddress(rt));
      rt.flags.set(F.userCreated);
    });

  charm
    .when(F.userCreated, 'cluster.connected')
    .whenNot('cluster.available')
    .run(function send_cluster_connection_info(rt) {
      const relation = peers(rt).relations[0];
      if (relation === undefined) return;
      relation.toPublish['cluster-address'] = pythonClusterAddress(rt);
      relation.toPublish['cluster-user'] = PYTHON_CLUSTER_USER;
      relation.toPublish['cluster-password'] = password(rt);
    });

  charm
    .when('cluster.available')
    .whenNot(F.allUsersCreated)
    .run(function create_remote_cluster_user(rt) {
      for (const { data } of peers(rt).received()) createUser(rt, String(data['cluster-address']));
      const relation = peers(rt).relations[0];
      if (relation !== undefined) relation.toPublish['unit-configure-ready'] = true;
      rt.flags.set(F.allUsersCreated);
    });

  charm
    .when('leadership.is_leader', 'cluster.available', F.userCreated)
    .whenNot('leadership.set.cluster-created')
    .run(async function initialize_cluster(rt) {
      const self = pythonClusterAddress(rt);
      await ops(rt).configureInstance(self, credentials(rt));
      leaderSet(rt, { [pythonInstanceKey('configured', self)]: 'True' });
      await ops(rt).createCluster(PYTHON_CLUSTER_NAME, self, credentials(rt));
      leaderSet(rt, { [pythonInstanceKey('clustered', self)]: 'True' });
      leaderSet(rt, { 'cluster-created': randomUUID() });
    });

  // configure_instances_for_clustering, add_instances_to_cluster and scale_out, folded: every
  // configure-ready unit is configured and added once; the summary keys once all are.
  charm
    .when('leadership.is_leader', 'leadership.set.cluster-created', F.allUsersCreated)
    .when('cluster.available')
    .run(async function add_instances_to_cluster(rt) {
      const self = pythonClusterAddress(rt);
      if (!leaderTrue(rt, pythonInstanceKey('clustered', self))) return; // the "edge case" warning
      const units = peers(rt).received();
      for (const { data } of units) {
        const address = String(data['cluster-address']);
        if (!truthy(data['unit-configure-ready'])) continue;
        if (!leaderTrue(rt, pythonInstanceKey('configured', address))) {
          await ops(rt).configureInstance(address, credentials(rt));
          leaderSet(rt, { [pythonInstanceKey('configured', address)]: 'True' });
        }
        if (!leaderTrue(rt, pythonInstanceKey('clustered', address))) {
          await ops(rt).addInstance(PYTHON_CLUSTER_NAME, address, self, credentials(rt));
          leaderSet(rt, { [pythonInstanceKey('clustered', address)]: 'True' });
        }
      }
      const all = (what: 'configured' | 'clustered') =>
        units.every(({ data }) =>
          leaderTrue(rt, pythonInstanceKey(what, String(data['cluster-address']))),
        );
      if (all('configured') && leaderGet(rt, 'cluster-instances-configured') === undefined)
        leaderSet(rt, { 'cluster-instances-configured': 'True' });
      if (all('clustered') && leaderGet(rt, 'cluster-instances-clustered') === undefined)
        leaderSet(rt, { 'cluster-instances-clustered': 'True' });
    });

  charm
    .when('leadership.set.cluster-created', 'cluster.available')
    .whenNot('leadership.is_leader')
    .run(function signal_clustered(rt) {
      if (!leaderTrue(rt, pythonInstanceKey('clustered', pythonClusterAddress(rt)))) return;
      const relation = peers(rt).relations[0];
      if (relation !== undefined) relation.toPublish['unit-clustered'] = true;
    });

  return charm;
}
