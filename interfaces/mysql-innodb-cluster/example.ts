// Example: the clustering handlers of a MySQL InnoDB Cluster charm built on this interface.
// README.md shows this file as it is; test/interfaces/mysql-innodb-cluster/example.test.ts
// runs it on three units. The workload (MySQL itself) is behind the MySQLWorkload interface.
import { Charm, type HookRuntime, leaderGet, leaderSet, leadership } from 'juju-reactive';
import { MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';

/** What the charm asks of MySQL on this unit (mysqlsh calls in a real charm). */
export interface MySQLWorkload {
  /** The password of this unit's cluster user (generated once, kept by the workload). */
  clusterPassword(): string;
  /** Create, if missing, the account a peer connects as. Pass the values as bound parameters. */
  createClusterUser(address: string, user: string, password: string): void;
  /** Leader only: create the InnoDB cluster with this unit's instance as its first member. */
  createCluster(): void;
  /** Leader only: add the instance at `address` to the cluster. */
  addInstance(address: string): void;
  /** Whether this unit's instance is a member of the cluster. */
  isClustered(): boolean;
}

export const CLUSTER_USER = 'clusteruser';

/** `workloadFor` gives the MySQL of the unit a hook runs on. */
export function mysqlInnoDBClusterCharm(workloadFor: (rt: HookRuntime) => MySQLWorkload): Charm {
  const charm = new Charm()
    .use(leadership)
    .endpoint(MySQLInnoDBClusterPeers, { minimumClusterSize: 3 });
  const cluster = (rt: HookRuntime) => rt.endpoint(MySQLInnoDBClusterPeers);

  // 1. Tell the peers how to reach this unit's cluster user. The address is the one of the
  //    endpoint's binding; the password travels as a Juju secret, not as relation data.
  charm
    .when('cluster.connected')
    .whenNot('mysql.cluster-info.sent')
    .run(function sendClusterConnectionInfo(rt) {
      const password = workloadFor(rt).clusterPassword();
      const sent = cluster(rt).setClusterConnectionInfo(undefined, CLUSTER_USER, password, {
        passwordSecret: true,
      });
      if (sent !== undefined) rt.flags.set('mysql.cluster-info.sent');
    });

  // 2. Once enough peers published how to reach them (and whenever that changes), create the
  //    account each peer connects as, then tell the peers this unit is ready to be configured.
  charm
    .when('cluster.available')
    .whenAny(
      'endpoint.cluster.changed.cluster-address',
      'endpoint.cluster.changed.cluster-user',
      'endpoint.cluster.changed.cluster-password',
      'endpoint.cluster.changed.cluster-password-secret',
    )
    .run(function createRemoteClusterUsers(rt) {
      const peers = cluster(rt);
      for (const peer of peers.readyPeers) {
        const { address, user, password } = peer.connectionInfo;
        workloadFor(rt).createClusterUser(address, user, password);
      }
      peers.setUnitConfigureReady();
      rt.flags.set('mysql.cluster-users.created');
    });

  // 3. The leader creates the cluster once its own accounts exist.
  charm
    .when('leadership.is_leader', 'mysql.cluster-users.created')
    .whenNot('leadership.set.cluster-created')
    .run(function createCluster(rt) {
      workloadFor(rt).createCluster();
      leaderSet(rt, { 'cluster-created': 'true' });
    });

  // 4. The leader adds every peer that is ready to be configured, once each.
  charm
    .when('leadership.is_leader', 'leadership.set.cluster-created', 'cluster.available')
    .whenAny('endpoint.cluster.changed', 'leadership.changed.cluster-created')
    .run(function addInstancesToCluster(rt) {
      for (const peer of cluster(rt).readyPeers) {
        const added = `cluster-instance-added-${peer.unitName.replace('/', '-')}`;
        if (!peer.configureReady || leaderGet(rt, added) !== undefined) continue;
        workloadFor(rt).addInstance(peer.connectionInfo.address);
        leaderSet(rt, { [added]: 'true' });
      }
    });

  // 5. Every unit: once its instance is a member, tell the peers.
  charm
    .when('leadership.set.cluster-created')
    .whenNot('mysql.clustered.signalled')
    .run(function signalClustered(rt) {
      if (workloadFor(rt).isClustered() && cluster(rt).setUnitClustered()) {
        rt.flags.set('mysql.clustered.signalled');
      }
    });

  // 6. Every peer is clustered, and so is this unit.
  charm.when('cluster.clustered', 'mysql.clustered.signalled').run(function reportClustered(rt) {
    rt.status('active', 'Unit is ready and clustered');
  });

  // 7. Registered last: every handler above has seen this hook's peer changes.
  charm.when('endpoint.cluster.changed').run(function forgetPeerChanges(rt) {
    cluster(rt).clearChangedFlags();
  });

  return charm;
}
