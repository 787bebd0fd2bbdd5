// The mysql-innodb-cluster charm: handlers that take a set of MySQL units from install to
// one InnoDB Cluster, then keep it right as units come and go. Every handler is idempotent.
// Importing this module has no side effects; src/main.ts runs it under Juju.
import {
  Charm,
  type HookRuntime,
  hashValue,
  leaderGet,
  leaderSet,
  leaderSettingsDigest,
  leadership,
} from 'juju-reactive';
import { KEYS, MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import type { ZkConnector } from '../../shared/cluster-view-publish/index.js';
import {
  addPasswordSecret,
  replaceLostPasswordSecret,
} from '../../shared/password-secret/index.js';
import { accountMaker, registerAccountReconcile, registerPeerAccounts } from './accounts.js';
import { registerActions } from './actions.js';
import { instanceKey, localClusterAddress } from './addresses.js';
import { SimulatedInnoDBCluster } from './backend/simulated.js';
import type { ClusterBackend, ClusterCredentials } from './backend/types.js';
import {
  clusterMember,
  everyStayingUnitReady,
  forgetLostCluster,
  instanceKeysOf,
  stayingUnits,
} from './cluster-members.js';
import {
  blockedBy,
  CLUSTER_NAME_KEY,
  CLUSTER_USER_KEY,
  clusterUserProblem,
  configured,
  effective,
} from './config-checks.js';
import { F, PASSWORD_SECRET_KEY, PASSWORD_SHARED } from './flags.js';
import { isTrue, PYTHON_PASSWORD_KEY, passwordTransport, pythonPassword } from './migration.js';
import { clusterPassword, PYTHON_SOURCE, passwordSource, samePassword } from './password.js';
import { assess } from './status.js';
import { publishView, registerClusterView } from './view.js';

export interface MySQLCharmOptions {
  /** This unit's MySQL: SQL users and InnoDB Cluster operations. */
  readonly backendFor: (rt: HookRuntime) => ClusterBackend;
  /** Units the cluster needs before it is created (default 3). */
  readonly minimumClusterSize?: number;
  /**
   * `false` publishes the password itself whatever `password-transport` says (as
   * `password-transport: plaintext`); otherwise the config option decides (src/migration.ts).
   */
  readonly passwordSecret?: boolean;
  /** Opens ZooKeeper sessions for `discovery-zookeeper` (default node-zookeeper-client). */
  readonly connectZooKeeper?: ZkConnector;
}

export { PASSWORD_SECRET_KEY } from './flags.js';

/** Unit state: the password secret the local cluster user was last given the password of. */
const LOCAL_USER_SECRET = 'cluster.local-user-secret';
/**
 * Unit state (leader): this instance's address, the configure-ready peers' addresses, the leader
 * settings and whether this unit's accounts are made, when addConfigureReadyPeers last found no
 * peer waiting.
 */
const NONE_WAITING = 'cluster.none-waiting';
/**
 * Unit state (leader): this instance's address, the summaries' addresses and the leader settings
 * when removeDepartedInstances last found no leftover by the summaries.
 */
const NO_LEFTOVERS = 'cluster.no-leftovers';
/**
 * Unit state (leader): the password secret whose password the leader setting `cluster-password`
 * was last seen holding (an id, never the password).
 */
const PYTHON_SETTING_FROM = 'cluster.python-setting-from';
/** Unit state: the password transport and secret its connection info was last published with. */
const PUBLISHED_TRANSPORT = 'cluster.published-transport';
/**
 * Build the charm. Without a backend (as `juju-reactive simulate` builds it) every unit of
 * this charm definition shares one simulated InnoDB cluster; src/main.ts passes the real one.
 */
export function createCharm(given: Partial<MySQLCharmOptions> = {}): Charm {
  const options: MySQLCharmOptions = {
    ...given,
    backendFor: given.backendFor ?? simulatedBackends(),
  };
  const charm = new Charm()
    .use(leadership)
    .endpoint(MySQLInnoDBClusterPeers, { minimumClusterSize: options.minimumClusterSize ?? 3 });
  const peers = (rt: HookRuntime) => rt.endpoint(MySQLInnoDBClusterPeers);
  // The config in effect: a cluster-user or cluster-name the cluster already uses stays in use
  // after the operator changes it (the status then says why: config-checks.ts).
  const config = effective;
  const adminUser = (rt: HookRuntime) => options.backendFor(rt).users.adminUser;
  const userRefused = (rt: HookRuntime) =>
    clusterUserProblem(configured(rt).user, adminUser(rt)) !== undefined &&
    leaderGet(rt, CLUSTER_USER_KEY) === undefined;
  const ensureAccount = accountMaker(options.backendFor);
  const credentials = (rt: HookRuntime): ClusterCredentials => ({
    user: config(rt).user,
    password: clusterPassword(rt),
  });

  // 1. The leader replaces a password secret that never came to exist (a leader hook died
  //    after leader-set: examples/shared/password-secret).
  replaceLostPasswordSecret(charm, { leaderKey: PASSWORD_SECRET_KEY, what: 'cluster password' });

  // 1. The leader generates the cluster password once and shares it as an app-owned secret;
  //    every unit of the application can read it, and it never enters leader settings.
  charm
    .when('leadership.is_leader')
    .whenNot(`leadership.set.${PASSWORD_SECRET_KEY}`)
    .run(function generateClusterPassword(rt) {
      if (userRefused(rt)) return; // blocked until the operator sets another cluster-user
      // A cluster the Python charm formed keeps its password: every account holds it.
      const inherited = pythonPassword(rt);
      if (inherited !== undefined)
        rt.log.info(
          `keeping the cluster password the Python charm shared (leader setting ${PYTHON_PASSWORD_KEY})`,
        );
      const id = addPasswordSecret(rt, 'cluster-password', inherited);
      leaderSet(rt, { [PASSWORD_SECRET_KEY]: id, [CLUSTER_USER_KEY]: config(rt).user });
    });

  // 1. While Python units may run (password-transport plaintext or both), the leader keeps the
  //    password where they read it: leader setting `cluster-password`. It is never removed: a
  //    Python leader that finds it missing generates a new password (src/migration.ts).
  charm
    .when('leadership.is_leader', `leadership.set.${PASSWORD_SECRET_KEY}`)
    .run(function sharePasswordWithPythonUnits(rt) {
      if (transport(rt) === 'secret') return;
      // Once the setting held this secret's password it keeps holding it: only this charm's
      // leader writes it once it exists (a Python leader writes it only when it is missing),
      // always with the secret's password, and a new password is a new secret id.
      const id = leaderGet(rt, PASSWORD_SECRET_KEY);
      if (id !== undefined && rt.state.get(PYTHON_SETTING_FROM) === id) return;
      const password = clusterPassword(rt);
      if (leaderGet(rt, PYTHON_PASSWORD_KEY) !== password)
        leaderSet(rt, { [PYTHON_PASSWORD_KEY]: password });
      if (id !== undefined) rt.state.set(PYTHON_SETTING_FROM, id);
    });

  // 0. What this unit did, re-derived from what Juju committed: a hook that died after saving
  //    the unit state (docs/reliability.md) left these flags set while Juju rolled back the
  //    relation data (and the secret) they stand for; left alone, the unit would never publish
  //    again, or keep an account whose password is not the cluster's.
  charm
    .whenAny(F.userCreated, F.infoSent, F.peerUsersCreated, F.clusteredSignalled)
    .run(function forgetLostWork(rt) {
      const secretId = leaderGet(rt, PASSWORD_SECRET_KEY);
      const source = passwordSource(rt);
      const given = rt.state.get(LOCAL_USER_SECRET);
      // The leader moved the Python charm's password into a secret: the same password.
      if (given === PYTHON_SOURCE && secretId !== undefined && samePassword(rt))
        rt.state.set(LOCAL_USER_SECRET, source);
      else if (given !== source) rt.flags.clear(F.userCreated);
      // Published with another transport or secret than the ones in effect: publish again.
      if (rt.state.get(PUBLISHED_TRANSPORT) !== publication(rt)) rt.flags.clear(F.infoSent);
      const published = peers(rt).peerRelation?.toPublish;
      if (published === undefined) return;
      const sentSecret = published[KEYS.clusterPasswordSecret];
      if (
        published[KEYS.clusterAddress] === undefined ||
        (sentSecret !== undefined && secretId !== undefined && sentSecret !== secretId)
      )
        rt.flags.clear(F.infoSent);
      if (published[KEYS.unitConfigureReady] !== true) rt.flags.clear(F.peerUsersCreated);
      if (published[KEYS.unitClustered] !== true) rt.flags.clear(F.clusteredSignalled);
    });

  // 2a. Each unit creates its local cluster user (for its own address)...
  charm
    .whenAny(...PASSWORD_SHARED)
    .whenNot(F.userCreated)
    .run(async function createLocalClusterUser(rt) {
      if (clusterUserProblem(config(rt).user, adminUser(rt)) !== undefined) return;
      rt.status('maintenance', 'Creating the local cluster user');
      if (!(await ensureAccount(rt, localClusterAddress(rt)))) {
        // Replaces the maintenance status above at once (assess-status may see no change).
        rt.status(
          'blocked',
          blockedBy(rt, adminUser(rt)) ?? 'an account exists that the charm did not create',
        );
        return;
      }
      rt.state.set(LOCAL_USER_SECRET, passwordSource(rt));
      rt.flags.set(F.userCreated);
    });

  // 2b. ...then publishes its connection info, once. (Not "while the cluster is not yet
  //     available": a unit that learns the password after its peers became ready would
  //     then never publish, and never be added.)
  charm
    .when(F.userCreated, 'cluster.connected')
    .whenNot(F.infoSent)
    .run(function sendClusterConnectionInfo(rt) {
      // Peers resolve the app-owned secret themselves: every unit of the application may read
      // it. Before the leader made one (a Python leader), a secret of this unit's own.
      const mode = transport(rt);
      const secretId = leaderGet(rt, PASSWORD_SECRET_KEY);
      const sent = peers(rt).setClusterConnectionInfo(
        localClusterAddress(rt),
        config(rt).user,
        clusterPassword(rt),
        {
          passwordTransport: mode,
          ...(mode !== 'plaintext' && secretId !== undefined ? { passwordSecretId: secretId } : {}),
        },
      );
      if (sent === undefined) return;
      rt.flags.set(F.infoSent);
      rt.state.set(PUBLISHED_TRANSPORT, publication(rt));
    });

  // 3. Every ready peer's account, then unit-configure-ready (accounts.ts).
  registerPeerAccounts(charm, { backendFor: options.backendFor, ensureAccount });

  // 4a. The leader, once the expected peers are present, creates the cluster on itself. A
  //     cluster that already exists is adopted instead: a hook that created it may have failed
  //     afterwards (the cluster stays, the leader settings do not), and leadership may have
  //     moved since. Creating a second one would split the cluster.
  charm
    .when('leadership.is_leader', F.peerUsersCreated, 'cluster.available')
    .whenNot('leadership.set.cluster-created')
    .run(async function createCluster(rt) {
      rt.status('maintenance', 'Creating the InnoDB cluster');
      const address = localClusterAddress(rt);
      const backend = options.backendFor(rt);
      const { clusterName } = config(rt);
      // Ask every instance Juju means to keep first: the cluster metadata lives on its members
      // only, and a member not asked is a cluster this one would split from.
      if (!everyStayingUnitReady(rt)) return;
      let members: string[] = [];
      for (const via of [address, ...peers(rt).readyPeers.map((p) => p.connectionInfo.address)]) {
        const status = await backend.cluster.status(clusterName, via, credentials(rt));
        members = status?.members.map((m) => m.address) ?? [];
        if (members.length > 0) break;
      }
      if (members.length === 0) {
        await backend.cluster.configureInstance(address, credentials(rt));
        await backend.cluster.createCluster(clusterName, address, credentials(rt));
        members = [address];
      }
      const recorded: Record<string, string> = {
        'cluster-created': 'true',
        [CLUSTER_NAME_KEY]: clusterName,
      };
      for (const member of members) {
        recorded[instanceKey('configured', member)] = 'true';
        recorded[instanceKey('clustered', member)] = 'true';
      }
      leaderSet(rt, recorded);
    });

  // No instance the leader settings mark clustered is at hand: ask the cluster itself. An
  // instance added in a hook that failed afterwards is a member nobody recorded.
  const adoptMembers = async (rt: HookRuntime, self: string): Promise<string | undefined> => {
    const backend = options.backendFor(rt);
    const ready = peers(rt).readyPeers;
    const staying = stayingUnits(
      rt,
      ready.map((peer) => peer.unitName),
    );
    const candidates = [
      self,
      ...ready.filter((p) => staying.has(p.unitName)).map((p) => p.connectionInfo.address),
    ];
    for (const via of candidates) {
      const status = await backend.cluster.status(config(rt).clusterName, via, credentials(rt));
      const members = (status?.members ?? [])
        .map((m) => m.address)
        .filter((m) => candidates.includes(m));
      if (members.length === 0) continue;
      const recorded: Record<string, string> = {};
      for (const member of members) {
        recorded[instanceKey('configured', member)] = 'true';
        recorded[instanceKey('clustered', member)] = 'true';
      }
      leaderSet(rt, recorded);
      return members[0];
    }
    return undefined;
  };

  // 4b. ...then configures and adds every configure-ready peer, recording progress per
  //     instance in leader settings so a retried or repeated hook skips what is done. The
  //     work goes through an instance the cluster holds: leadership may have moved to a unit
  //     the cluster does not hold yet, which then adds itself like any other.
  charm
    .when('leadership.is_leader', 'leadership.set.cluster-created', 'cluster.available')
    .run(async function addConfigureReadyPeers(rt) {
      const self = localClusterAddress(rt);
      const isClustered = (address: string) =>
        isTrue(leaderGet(rt, instanceKey('clustered', address)));
      // This instance is a member, and the configure-ready peers' addresses and the leader
      // settings are those with which no peer waited last time: none waits now (what follows
      // is a function of them).
      const noneWaiting = () =>
        hashValue([
          self,
          peers(rt).peerCounts.configureReadyAddresses,
          leaderSettingsDigest(rt),
          rt.flags.isSet(F.peerUsersCreated),
        ]);
      if (isClustered(self) && rt.state.get(NONE_WAITING) === noneWaiting()) return;
      const backend = options.backendFor(rt);
      const { clusterName } = config(rt);
      const via = clusterMember(rt, self) ?? (await adoptMembers(rt, self));
      if (via === undefined) {
        forgetLostCluster(rt); // no member met yet: a later hook will have one, or none is left
        return;
      }
      // The summaries say whether any peer waits (no hook-tool call when none does); each
      // one that may is read again, and added only as its current data says. That includes a
      // ready peer whose summary has no promise yet: it may have promised since, its -changed
      // hook still queued here, and adding every promised peer in one hook spares each unit a
      // leader-settings-changed per peer added.
      const waiting = peers(rt)
        .peerSummaries.filter((p) => p.ready && !isClustered(p.address ?? ''))
        .flatMap((p) => peers(rt).peer(p.unitName) ?? [])
        .filter((peer) => peer.isReady())
        .filter((peer) => peer.configureReady && !isClustered(peer.connectionInfo.address));
      if (waiting.length === 0 && isClustered(self)) rt.state.set(NONE_WAITING, noneWaiting());
      // Not the instances of units Juju is removing: they are going away (and drop their
      // accounts), so adding one would fail until their -departed hook, queued behind this one.
      const staying = stayingUnits(
        rt,
        waiting.map((peer) => peer.unitName),
      );
      const ready = waiting
        .filter((peer) => staying.has(peer.unitName))
        .map((peer) => peer.connectionInfo.address);
      if (rt.flags.isSet(F.peerUsersCreated) && !isClustered(self)) ready.push(self);
      for (const address of ready) {
        if (!isTrue(leaderGet(rt, instanceKey('configured', address)))) {
          await backend.cluster.configureInstance(address, credentials(rt));
          leaderSet(rt, { [instanceKey('configured', address)]: 'true' });
        }
        // This unit's instance takes part in the join: make sure it accepts both ends. A peer
        // seen ready in a hook about another unit has no account here yet, and this hook,
        // failing, would block the one that creates it.
        for (const host of new Set([address, via])) {
          if (host !== self) if (!(await ensureAccount(rt, host))) return; // blocked: not the charm's account
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
      if (!isTrue(leaderGet(rt, instanceKey('clustered', localClusterAddress(rt))))) return;
      if (peers(rt).setUnitClustered()) rt.flags.set(F.clusteredSignalled);
    });

  // 6. Scale-in: the leader removes from the cluster the instances of units that are gone,
  //    and forgets them; every unit drops the cluster user of a departed peer. The leader
  //    works from what it can check rather than from the departures it happened to see:
  //    leadership may have moved while units were leaving, and a new leader may never have
  //    met a unit that left. Leader-settings entries of instances that are neither this
  //    unit's nor a joined peer's are leftovers once every unit Juju means to keep
  //    (goal-state) is a joined peer.
  charm
    .when('leadership.is_leader', 'leadership.set.cluster-created')
    .run(async function removeDepartedInstances(rt) {
      // Leftovers appear when units depart, join (the leader has met everyone) or when
      // leadership moves; other hooks make no hook-tool call here.
      if (!rt.hookName.startsWith('cluster-relation-') && rt.hookName !== 'leader-elected') return;
      const self = localClusterAddress(rt);
      // A departure, or a new leader, also checks the cluster itself: an instance added in a
      // hook that failed afterwards is a member the leader settings never recorded.
      const check = rt.flags.isSet('endpoint.cluster.departed') || rt.hookName === 'leader-elected';
      const leftoversOf = (addresses: readonly string[]) => {
        const keys = new Set(
          [self, ...addresses].flatMap((a) => [
            instanceKey('configured', a),
            instanceKey('clustered', a),
          ]),
        );
        return instanceKeysOf(rt, (key) => !keys.has(key));
      };
      // Nothing left over by the summaries: done, at no hook-tool call. A summary older than
      // its peer's settings can only send this on to what follows, which reads every peer:
      // nothing is removed on a summary.
      // The same summaries and leader settings as when none was left over: none is.
      const noLeftovers = () =>
        hashValue([self, peers(rt).peerCounts.addresses, leaderSettingsDigest(rt)]);
      if (!check && rt.state.get(NO_LEFTOVERS) === noLeftovers()) return;
      const summarized = peers(rt).peerSummaries.flatMap((p) => p.address ?? []);
      if (!check && Object.keys(leftoversOf(summarized)).length === 0) {
        rt.state.set(NO_LEFTOVERS, noLeftovers());
        return;
      }
      const joined = peers(rt).allJoinedUnits.filter((u) => u.clusterData.address !== undefined);
      const known = new Set([self, ...joined.map((u) => u.clusterData.address as string)]);
      const leftovers = leftoversOf([...known]);
      if (Object.keys(leftovers).length === 0 && !check) return;
      const goal = rt.juju.goalState();
      if (goal.isErr()) throw goal.error;
      const joinedNames = new Set(joined.map((u) => u.unitName));
      const staying = Object.entries(goal.value.units)
        .filter(([unit, { status }]) => unit !== rt.unitName && status !== 'dying')
        .map(([unit]) => unit);
      if (!staying.every((unit) => joinedNames.has(unit))) return; // not met every unit yet
      const via = clusterMember(rt, self);
      if (via === undefined) return; // no member to work through yet: keep the record
      const backend = options.backendFor(rt);
      const { clusterName } = config(rt);
      const status = await backend.cluster.status(clusterName, via, credentials(rt));
      for (const member of status?.members ?? []) {
        if (known.has(member.address)) continue;
        await backend.cluster.removeInstance(clusterName, member.address, via, credentials(rt));
      }
      leaderSet(rt, leftovers);
    });
  // Accounts no peer asks for any more are dropped (accounts.ts).
  registerAccountReconcile(charm, { backendFor: options.backendFor });

  // Clients: the leader publishes the members on `view` and in ZooKeeper (view.ts).
  const viewDeps = {
    ...options,
    clusterName: (rt: HookRuntime) => config(rt).clusterName,
    credentials,
  };
  registerClusterView(charm, viewDeps);

  // 7. Workload status: what this unit is waiting for, or that it is clustered. Assessed once,
  //    after every handler of the hook ran, and set only after the hook committed (a status set
  //    by a hook that then failed would outlive the record of it).
  charm.status((rt) => {
    const [status, message] = assess(
      rt,
      options.minimumClusterSize ?? 3,
      adminUser(rt),
      transport(rt),
    );
    return { status, message };
  });

  /** The password transport in effect (the option, unless the charm was built plaintext). */
  function transport(rt: HookRuntime) {
    return options.passwordSecret === false ? 'plaintext' : passwordTransport(rt);
  }
  /** What the connection info is published with: compared to re-publish after a change. */
  function publication(rt: HookRuntime): string {
    return `${transport(rt)} ${leaderGet(rt, PASSWORD_SECRET_KEY) ?? ''}`;
  }

  // Registered last: every handler above has seen this hook's peer changes.
  charm.when('endpoint.cluster.changed').run(function forgetPeerChanges(rt) {
    peers(rt).clearChangedFlags();
  });

  // 8. The operator's actions (actions.yaml).
  registerActions(charm, {
    backendFor: options.backendFor,
    clusterName: (rt) => config(rt).clusterName,
    credentials,
    clusterMember,
    // A tag write changes who is hidden: publish at once, in the action (Juju commits an
    // action's relation-set like a hook's: worker/uniter/runner/context/context.go Flush).
    afterTagWrite: (rt) => publishView(rt, viewDeps),
  });

  return charm;
}

/** Backends for units that share one simulated cluster, each on its own instance. */
function simulatedBackends(): (rt: HookRuntime) => ClusterBackend {
  const cluster = new SimulatedInnoDBCluster();
  return (rt) => cluster.backendFor(localClusterAddress(rt));
}
