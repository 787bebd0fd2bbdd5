// The mysql-innodb-cluster charm: handlers that take a set of MySQL units from install to
// one InnoDB Cluster, then keep it right as units come and go. Every handler is idempotent.
// Importing this module has no side effects; src/main.ts runs it under Juju.
import { randomBytes } from 'node:crypto';
import { Charm, type HookRuntime, leaderGet, leaderSet, leadership } from 'juju-reactive';
import { MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { instanceKey, localClusterAddress } from './addresses.js';
import type { ClusterBackend, ClusterCredentials } from './backend/types.js';

export interface MySQLCharmOptions {
  /** This unit's MySQL: SQL users and InnoDB Cluster operations. */
  readonly backendFor: (rt: HookRuntime) => ClusterBackend;
  /** Units the cluster needs before it is created (default 3). */
  readonly minimumClusterSize?: number;
  /**
   * Publish a reference to the leader's cluster-password secret instead of the password
   * itself (default true: the password then appears in no relation bag).
   */
  readonly passwordSecret?: boolean;
}

/** Leader setting holding the id of the app-owned secret with the cluster password. */
export const PASSWORD_SECRET_KEY = 'cluster-password-secret';

const F = {
  userCreated: 'local.cluster.user-created',
  infoSent: 'local.cluster.info-sent',
  peerUsersCreated: 'local.cluster.all-users-created',
  clusteredSignalled: 'local.cluster.unit-clustered',
} as const;

/** Build the charm with the backend each unit uses. */
export function createCharm(options: MySQLCharmOptions): Charm {
  const charm = new Charm()
    .use(leadership)
    .endpoint(MySQLInnoDBClusterPeers, { minimumClusterSize: options.minimumClusterSize ?? 3 });
  const peers = (rt: HookRuntime) => rt.endpoint(MySQLInnoDBClusterPeers);
  const config = (rt: HookRuntime) => {
    const c = rt.config();
    return {
      clusterName: String(c['cluster-name'] ?? 'jujuCluster'),
      user: String(c['cluster-user'] ?? 'clusteruser'),
    };
  };
  const credentials = (rt: HookRuntime): ClusterCredentials => ({
    user: config(rt).user,
    password: clusterPassword(rt),
  });

  // 1. The leader generates the cluster password once and shares it as an app-owned secret;
  //    every unit of the application can read it, and it never enters leader settings.
  charm
    .when('leadership.is_leader')
    .whenNot(`leadership.set.${PASSWORD_SECRET_KEY}`)
    .run(function generateClusterPassword(rt) {
      const password = randomBytes(24).toString('base64url');
      rt.redactor.add(password);
      const id = rt.juju.secretAdd(
        { password },
        { owner: 'application', label: 'cluster-password' },
      );
      if (id.isErr()) throw id.error;
      leaderSet(rt, { [PASSWORD_SECRET_KEY]: id.value });
    });

  // 2a. Each unit creates its local cluster user (for its own address)...
  charm
    .when(`leadership.set.${PASSWORD_SECRET_KEY}`)
    .whenNot(F.userCreated)
    .run(async function createLocalClusterUser(rt) {
      rt.status('maintenance', 'Creating the local cluster user');
      const address = localClusterAddress(rt);
      await options
        .backendFor(rt)
        .users.createClusterUser({ user: config(rt).user, host: address }, clusterPassword(rt));
      rt.flags.set(F.userCreated);
    });

  // 2b. ...then publishes its connection info while the cluster is not yet available.
  charm
    .when(F.userCreated, 'cluster.connected')
    .whenNot('cluster.available')
    .run(function sendClusterConnectionInfo(rt) {
      // Peers resolve the app-owned secret themselves: every unit of the application may read it.
      const secretId =
        options.passwordSecret === false ? undefined : leaderGet(rt, PASSWORD_SECRET_KEY);
      const sent = peers(rt).setClusterConnectionInfo(
        undefined,
        config(rt).user,
        clusterPassword(rt),
        secretId === undefined ? {} : { passwordSecretId: secretId },
      );
      if (sent !== undefined) rt.flags.set(F.infoSent);
    });

  // 3. When enough peers are available, create the cluster user for every peer's address on
  //    the local instance, then tell the peers this unit is ready to be configured. Runs again
  //    when peer data changes (scale-out), creating only what is missing.
  const createPeerUsers = async (rt: HookRuntime) => {
    const backend = options.backendFor(rt);
    for (const peer of peers(rt).readyPeers) {
      await backend.users.createClusterUser(
        { user: config(rt).user, host: peer.connectionInfo.address },
        clusterPassword(rt),
      );
    }
    peers(rt).setUnitConfigureReady();
    rt.flags.set(F.peerUsersCreated);
  };
  charm.when(F.userCreated, 'cluster.available').whenNot(F.peerUsersCreated).run(createPeerUsers);
  charm
    .when(F.userCreated, F.peerUsersCreated, 'cluster.available', 'endpoint.cluster.changed')
    .run(createPeerUsers);

  // 4a. The leader, once the expected peers are present, creates the cluster on itself.
  charm
    .when('leadership.is_leader', F.peerUsersCreated, 'cluster.available')
    .whenNot('leadership.set.cluster-created')
    .run(async function createCluster(rt) {
      rt.status('maintenance', 'Creating the InnoDB cluster');
      const address = localClusterAddress(rt);
      const backend = options.backendFor(rt);
      await backend.cluster.configureInstance(address, credentials(rt));
      await backend.cluster.createCluster(config(rt).clusterName, address, credentials(rt));
      leaderSet(rt, {
        'cluster-created': 'true',
        [instanceKey('configured', address)]: 'true',
        [instanceKey('clustered', address)]: 'true',
      });
    });

  // 4b. ...then configures and adds every configure-ready peer, recording progress per
  //     instance in leader settings so a retried or repeated hook skips what is done.
  charm
    .when('leadership.is_leader', 'leadership.set.cluster-created', 'cluster.available')
    .run(async function addConfigureReadyPeers(rt) {
      const via = localClusterAddress(rt);
      const backend = options.backendFor(rt);
      const { clusterName } = config(rt);
      for (const peer of peers(rt).readyPeers) {
        const { address } = peer.connectionInfo;
        if (!peer.configureReady || leaderGet(rt, instanceKey('clustered', address)) === 'true')
          continue;
        if (leaderGet(rt, instanceKey('configured', address)) !== 'true') {
          await backend.cluster.configureInstance(address, credentials(rt));
          leaderSet(rt, { [instanceKey('configured', address)]: 'true' });
        }
        await backend.cluster.addInstance(clusterName, address, via, credentials(rt));
        leaderSet(rt, { [instanceKey('clustered', address)]: 'true' });
      }
    });

  // 5. A unit whose instance the leader has clustered says so to its peers.
  charm
    .when('leadership.set.cluster-created', 'cluster.available')
    .whenNot(F.clusteredSignalled)
    .run(function signalClustered(rt) {
      if (leaderGet(rt, instanceKey('clustered', localClusterAddress(rt))) !== 'true') return;
      if (peers(rt).setUnitClustered()) rt.flags.set(F.clusteredSignalled);
    });

  // 6. Scale-in: the leader removes departed instances from the cluster and forgets them;
  //    every unit drops the cluster user of a departed peer.
  charm
    .when('leadership.is_leader', 'leadership.set.cluster-created', 'endpoint.cluster.departed')
    .run(async function removeDepartedInstances(rt) {
      const backend = options.backendFor(rt);
      const via = localClusterAddress(rt);
      for (const unit of peers(rt).allDepartedUnits) {
        const address = unit.received['cluster-address'];
        if (typeof address !== 'string' || address === via) continue;
        await backend.cluster.removeInstance(config(rt).clusterName, address, via, credentials(rt));
        leaderSet(rt, {
          [instanceKey('configured', address)]: null,
          [instanceKey('clustered', address)]: null,
        });
      }
    });
  charm.when('endpoint.cluster.departed').run(async function dropDepartedUsers(rt) {
    const backend = options.backendFor(rt);
    const remaining = new Set(peers(rt).allJoinedUnits.map((u) => u.clusterData.address));
    for (const unit of peers(rt).allDepartedUnits) {
      const address = unit.received['cluster-address'];
      if (
        typeof address === 'string' &&
        !remaining.has(address) &&
        address !== localClusterAddress(rt)
      ) {
        await backend.users.dropClusterUser({ user: config(rt).user, host: address });
      }
    }
    peers(rt).clearDepartedUnits();
    rt.flags.clear('endpoint.cluster.departed');
  });

  // 7. Workload status: what this unit is waiting for, or that it is clustered.
  charm.handler({ id: 'assess-status' }, function assessStatus(rt) {
    const [status, message] = assess(rt, options.minimumClusterSize ?? 3);
    if (rt.state.dataChanged('workload-status', [status, message])) rt.status(status, message);
  });

  // Registered last: every handler above has seen this hook's peer changes.
  charm.when('endpoint.cluster.changed').run(function forgetPeerChanges(rt) {
    peers(rt).clearChangedFlags();
  });

  return charm;
}

/** The cluster password from the leader's app-owned secret (registered for redaction). */
function clusterPassword(rt: HookRuntime): string {
  const id = leaderGet(rt, PASSWORD_SECRET_KEY);
  if (id === undefined)
    throw new Error(
      'the cluster password is not shared yet; guard the handler on leadership.set.cluster-password-secret',
    );
  const content = rt.juju.secretGet(id);
  if (content.isErr()) throw content.error;
  const password = content.value.password;
  if (!password) throw new Error(`secret ${id} holds no password`);
  rt.redactor.add(password);
  return password;
}

type Assessment = ['maintenance' | 'waiting' | 'active' | 'blocked', string];

function assess(rt: HookRuntime, minimumClusterSize: number): Assessment {
  const f = rt.flags;
  if (!f.isSet(`leadership.set.${PASSWORD_SECRET_KEY}`))
    return ['waiting', 'Waiting for the leader to share the cluster password'];
  if (!f.isSet(F.userCreated)) return ['maintenance', 'Creating the local cluster user'];
  if (!f.isSet('cluster.available')) {
    const ready = rt.endpoint(MySQLInnoDBClusterPeers).readyPeers.length;
    const missing = Math.max(0, minimumClusterSize - 1 - ready);
    return [
      'waiting',
      `Waiting for ${missing} more peer${missing === 1 ? '' : 's'} to share cluster connection info`,
    ];
  }
  if (!f.isSet('leadership.set.cluster-created'))
    return ['waiting', 'Waiting for the leader to create the cluster'];
  if (!f.isSet(F.clusteredSignalled))
    return ['waiting', 'Waiting for the leader to add this instance to the cluster'];
  if (!f.isSet('cluster.clustered'))
    return ['waiting', 'Waiting for every peer to join the cluster'];
  return ['active', 'Unit is ready and clustered'];
}
