// The mariadb-replication charm: MariaDB servers in one source / many read-only replicas
// topology (asynchronous GTID replication) with automatic failover. Every unit shares its
// connection info over the `cluster` peer relation (interface mysql-innodb-cluster) and creates
// the replication account for its peers; the leader is the single writer of the topology
// record (leader settings) and, every hook, checks the databases and runs the failover engine
// (src/failover). Importing this module has no side effects; src/main.ts runs it under Juju.
import { Charm, type HookRuntime, leaderGet, leaderSet, leadership } from 'juju-reactive';
import { KEYS, MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import type { ZkConnector } from '../../shared/cluster-view-publish/index.js';
import {
  addPasswordSecret,
  replaceLostPasswordSecret,
} from '../../shared/password-secret/index.js';
import { registerActions } from './actions.js';
import { SimulatedReplicationBackend } from './backend/simulated.js';
import { SimulatedFleet } from './backend/simulated-fleet.js';
import { simulatedUnitBackends } from './backend/simulated-units.js';
import type { ReplicationBackend } from './backend/types.js';
import {
  clusterUser,
  failoverConfig,
  ownServer,
  PASSWORD_SECRET_KEY,
  readTopology,
  replicationCredentials,
  TOPOLOGY_KEY,
  type TopologyServer,
  topologyServers,
  writeTopology,
} from './charm-state.js';
import { fenceOwnServer, moveDepartingSource } from './departure.js';
import type { FailoverConfig, Step, WorkloadStatus } from './failover/decide.js';
import { describeStep } from './failover/execute.js';
import { messageOf } from './failover/observation.js';
import { reconcile } from './failover/reconcile.js';
import type { TopologyRecord } from './failover/record.js';
import { registerTagActions } from './tag-actions.js';
import {
  type ClientEndpoint,
  publishReplicationView,
  type ReplicationViewDeps,
  registerReplicationView,
} from './view.js';

/** How the charm reaches the databases. */
export interface ReplicationCharmOptions {
  /**
   * The backend over `servers` (this unit's own and its peers'), for one hook. Called again in
   * every hook: nothing about the servers is kept in process memory.
   */
  readonly backendFor: (rt: HookRuntime, servers: readonly TopologyServer[]) => ReplicationBackend;
  /** Units the initial setup waits for, this one included (default 3). */
  readonly minimumClusterSize?: number;
  /** Bound on waiting for a candidate to apply its relay log, or to catch up (default 30 s). */
  readonly applyTimeoutMs?: number;
  /** Opens ZooKeeper sessions for `discovery-zookeeper` (tests pass an in-memory one). */
  readonly connectZooKeeper?: ZkConnector;
  /** Where clients reach each unit's server (view.ts; default its address, port 3306). */
  readonly clientEndpoint?: ClientEndpoint;
}

/** Flags of this unit's own progress. */
export const F = {
  infoSent: 'local.replication.info-sent',
  usersCreated: 'local.replication.users-created',
  clusteredSignalled: 'local.replication.clustered',
} as const;

/** Unit state: the secret and peer addresses the replication accounts were last created for. */
const USERS_FOR = 'replication.users-for';

/** Hooks in which the leader checks the source: everything Juju runs but the teardown. */
const CHECK_HOOKS =
  /^(update-status|cluster-relation-.*|leader-elected|config-changed|start|upgrade-charm)$/;

/**
 * Build the charm. Without a backend (as `juju-reactive simulate` builds it) every unit of
 * this charm definition gets a server in one simulated fleet; src/main.ts passes real MariaDB.
 */
export function createCharm(given: Partial<ReplicationCharmOptions> = {}): Charm {
  const options: ReplicationCharmOptions = {
    ...given,
    backendFor: given.backendFor ?? simulatedBackends(),
  };
  const minimum = options.minimumClusterSize ?? 3;
  const applyTimeoutMs = options.applyTimeoutMs ?? 30_000;
  // The leader's assessment of this hook, for the status assessors (per hook, never reused).
  const assessed = new WeakMap<HookRuntime, WorkloadStatus>();
  const peers = (rt: HookRuntime) => rt.endpoint(MySQLInnoDBClusterPeers);
  const view: ReplicationViewDeps = {
    backendFor: options.backendFor,
    usersCreated: (rt) => rt.flags.isSet(F.usersCreated),
    ...(options.connectZooKeeper && { connectZooKeeper: options.connectZooKeeper }),
    ...(options.clientEndpoint && { clientEndpoint: options.clientEndpoint }),
  };

  const charm = new Charm()
    .use(leadership)
    .endpoint(MySQLInnoDBClusterPeers, { minimumClusterSize: minimum });

  // 1. The leader replaces a password secret that never came to exist (a leader hook died
  //    after leader-set: examples/shared/password-secret).
  replaceLostPasswordSecret(charm, {
    leaderKey: PASSWORD_SECRET_KEY,
    what: 'replication password',
  });

  // 1. The leader generates the replication password once, as an app-owned secret every unit
  //    can read; it never enters leader settings or relation data.
  charm
    .when('leadership.is_leader')
    .whenNot(`leadership.set.${PASSWORD_SECRET_KEY}`)
    .run(function generateReplicationPassword(rt) {
      leaderSet(rt, { [PASSWORD_SECRET_KEY]: addPasswordSecret(rt, 'replication-password') });
    });

  // 0. What this unit did, re-derived from what Juju committed: a hook that died after saving
  //    the flags left them set while Juju rolled back the relation data they stand for.
  charm.whenAny(F.infoSent, F.usersCreated, F.clusteredSignalled).run(function forgetLostWork(rt) {
    const published = peers(rt).peerRelation?.toPublish;
    if (published === undefined) return;
    const secret = published[KEYS.clusterPasswordSecret];
    if (
      published[KEYS.clusterAddress] === undefined ||
      secret !== leaderGet(rt, PASSWORD_SECRET_KEY)
    ) {
      rt.flags.clear(F.infoSent);
    }
    if (published[KEYS.unitConfigureReady] !== true) rt.flags.clear(F.usersCreated);
    if (published[KEYS.unitClustered] !== true) rt.flags.clear(F.clusteredSignalled);
  });

  // 2. Publish this unit's connection info: its address, the replication user, and a
  //    reference to the password secret (peers read the password from it).
  charm
    .when(`leadership.set.${PASSWORD_SECRET_KEY}`, 'cluster.connected')
    .whenNot(F.infoSent)
    .run(function sendConnectionInfo(rt) {
      const { user, password } = replicationCredentials(rt);
      const sent = peers(rt).setClusterConnectionInfo(undefined, user, password, {
        passwordSecretId: leaderGet(rt, PASSWORD_SECRET_KEY) ?? '',
      });
      if (sent !== undefined) rt.flags.set(F.infoSent);
    });

  // 3. Create the replication account on this unit's server for every ready peer's address,
  //    then say this unit is configure-ready. Again whenever the peers or the password change
  //    (scale-out). This unit's server being down is no hook failure: it is logged and retried
  //    by a later hook, so the leader's checks (below) still run while it is down.
  charm.when(F.infoSent, 'cluster.available').run(async function createReplicationUsers(rt) {
    const addresses = peers(rt)
      .readyPeers.map((p) => p.connectionInfo.address)
      .sort();
    // The secret's id stands for the password (a new password is a new secret): the password
    // is read only when the accounts are (re)created.
    const wanted = JSON.stringify([leaderGet(rt, PASSWORD_SECRET_KEY), clusterUser(rt), addresses]);
    if (rt.flags.isSet(F.usersCreated) && rt.state.get(USERS_FOR) === wanted) return;
    const credentials = replicationCredentials(rt);
    const backend = options.backendFor(rt, [ownServer(rt)]);
    try {
      for (const address of addresses) {
        await backend.createReplicationUser(rt.unitName, address, credentials);
      }
    } catch (error) {
      rt.log.warning(
        `cannot create the replication users on this unit's server yet: ${messageOf(error)}`,
      );
      return;
    }
    rt.state.set(USERS_FOR, wanted);
    peers(rt).setUnitConfigureReady();
    rt.flags.set(F.usersCreated);
  });

  // 4. The leader checks the source and acts, every hook: observe every server, decide
  //    (failure count, threshold, candidate, rejoin), run the steps, commit the record with the
  //    hook. A critical step that fails fails the hook: nothing is committed and Juju retries.
  charm
    .when('leadership.is_leader', `leadership.set.${PASSWORD_SECRET_KEY}`)
    .run(async function checkTopology(rt) {
      if (!CHECK_HOOKS.test(rt.hookName)) return;
      const config = failoverConfig(rt);
      if (!config.ok) {
        assessed.set(rt, { status: 'blocked', message: config.errors.join('; ') });
        return;
      }
      let record: TopologyRecord;
      try {
        record = readTopology(rt);
      } catch (error) {
        const message = messageOf(error);
        rt.log.error(message);
        assessed.set(rt, { status: 'blocked', message });
        return;
      }
      const servers = topologyServers(rt, rt.flags.isSet(F.usersCreated));
      // The source's unit is being removed: move the source before its server goes.
      const moved = await moveDepartingSource(rt, record, config.config, servers, {
        backendFor: options.backendFor,
        execute: executeOptions(rt),
      });
      if (moved !== undefined) {
        writeTopology(rt, moved.decision.record);
        await publishReplicationView(rt, view, moved.decision.record);
        assessed.set(rt, moved.decision.status);
        return;
      }
      if (record.source === undefined && servers.length < minimum) {
        const missing = minimum - servers.length;
        assessed.set(rt, {
          status: 'waiting',
          message: `Waiting for ${missing} more unit${missing === 1 ? '' : 's'} to create the replication users`,
        });
        return;
      }
      const status = await check(rt, record, config.config, servers);
      assessed.set(rt, status);
    });

  const executeOptions = (rt: HookRuntime) => ({
    credentials: replicationCredentials(rt),
    applyTimeoutMs,
    onStep: (step: Step) => rt.log.info(describeStep(step)),
  });

  const check = async (
    rt: HookRuntime,
    record: TopologyRecord,
    config: FailoverConfig,
    servers: readonly TopologyServer[],
  ): Promise<WorkloadStatus> => {
    const backend = options.backendFor(rt, servers);
    const { decision, failures, observation } = await reconcile(
      backend,
      record,
      config,
      executeOptions(rt),
    );
    for (const alert of decision.alerts) rt.log.warning(alert);
    for (const f of failures) rt.log.warning(`${describeStep(f.step)} failed: ${f.error}`);
    writeTopology(rt, decision.record);
    // The view follows in the hook that decided: observed again only when servers changed.
    await publishReplicationView(
      rt,
      view,
      decision.record,
      decision.steps.length === 0 ? observation : undefined,
    );
    return decision.status;
  };

  // 5. Each unit says it is clustered once the leader's record names it (source or replica).
  charm
    .when(F.usersCreated, `leadership.set.${TOPOLOGY_KEY}`)
    .whenNot(F.clusteredSignalled)
    .run(function signalClustered(rt) {
      let record: TopologyRecord;
      try {
        record = readTopology(rt);
      } catch {
        return; // the status names the malformed record (roleStatus)
      }
      if (record.source !== rt.unitName && !record.replicas.includes(rt.unitName)) return;
      if (peers(rt).setUnitClustered()) rt.flags.set(F.clusteredSignalled);
    });

  // 7. AdminAPI tags (set-option, set-instance-option, options), kept in leader settings.
  //    A tag write publishes the view at once (an action runs no other handler).
  registerTagActions(charm, view.usersCreated, {
    afterWrite: async (rt) => publishReplicationView(rt, view, readTopology(rt)),
  });
  // 9. The cluster view for clients (view.ts); the check above publishes in its hooks.
  registerReplicationView(charm, view);

  // 10. A unit being removed makes its own server read-only (departure.ts).
  charm.hook('stop').run(async function fenceOnRemoval(rt) {
    await fenceOwnServer(rt, ownServer(rt), options.backendFor);
  });

  // Registered last: every handler above has seen this hook's peer changes.
  charm.when('endpoint.cluster.changed').run(function forgetPeerChanges(rt) {
    peers(rt).clearChangedFlags();
  });

  // 6. Status: the leader shows its check's outcome (unit and application); the others
  //    their role in the committed record.
  charm.status((rt) => assessed.get(rt) ?? (rt.isLeader() ? undefined : roleStatus(rt, minimum)));
  charm.applicationStatus((rt) => assessed.get(rt));

  // 8. The operator's actions (actions.yaml).
  registerActions(charm, {
    backendFor: options.backendFor,
    applyTimeoutMs,
    usersCreated: view.usersCreated,
    afterChange: (rt, record) => publishReplicationView(rt, view, record),
  });
  return charm;
}

/** A non-leader's status: what it waits for, or its role in the leader's record. */
function roleStatus(rt: HookRuntime, minimum: number): WorkloadStatus {
  const f = rt.flags;
  if (!f.isSet(`leadership.set.${PASSWORD_SECRET_KEY}`))
    return {
      status: 'waiting',
      message: 'Waiting for the leader to share the replication password',
    };
  // A unit that was clustered keeps showing its role below the minimum (after a scale-down):
  // the minimum gates the initial setup only.
  if (!f.isSet('cluster.available') && !f.isSet(F.clusteredSignalled)) {
    const ready = rt.endpoint(MySQLInnoDBClusterPeers).readyPeers.length;
    const missing = Math.max(0, minimum - 1 - ready);
    return {
      status: 'waiting',
      message: `Waiting for ${missing} more peer${missing === 1 ? '' : 's'} to share connection info`,
    };
  }
  if (!f.isSet(F.usersCreated))
    return { status: 'maintenance', message: 'Creating the replication users for the peers' };
  let record: TopologyRecord;
  try {
    record = readTopology(rt);
  } catch (error) {
    return { status: 'blocked', message: messageOf(error) };
  }
  if (record.source === rt.unitName) return { status: 'active', message: 'source (read-write)' };
  if (record.source !== undefined && record.replicas.includes(rt.unitName))
    return { status: 'active', message: `replica of ${record.source} (read-only)` };
  return { status: 'waiting', message: 'Waiting for the leader to add this unit to the topology' };
}

/** One simulated fleet for every unit of this charm definition, a server per unit. */
function simulatedBackends(): ReplicationCharmOptions['backendFor'] {
  const fleet = new SimulatedFleet([]);
  return simulatedUnitBackends(fleet, new SimulatedReplicationBackend(fleet));
}
