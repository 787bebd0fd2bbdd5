// The cluster accounts on this unit's instance: one for each ready peer's address (made before
// unit-configure-ready promises them), and none for an address no peer asks for any more.
import { type Charm, type HookRuntime, hashValue } from 'juju-reactive';
import { MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { localClusterAddress } from './addresses.js';
import { type ClusterBackend, ForeignAccountError } from './backend/types.js';
import { stayingUnitsNotIn } from './cluster-members.js';
import { effective as config, FOREIGN_ACCOUNT_KEY } from './config-checks.js';
import { F } from './flags.js';
import { adoptsPythonAccounts } from './migration.js';
import { clusterPassword, passwordSource } from './password.js';

/** Hooks after which the accounts on this unit's instance are reconciled with peer data. */
const RECONCILE_HOOKS =
  /^(cluster-relation-.*|leader-.*|config-changed|upgrade-charm|update-status|start)$/;

/**
 * Unit state: a hash of what the peers' accounts on this unit's instance were last all created
 * for: the password's source (a secret id, never the password), the cluster user and the ready
 * peers' addresses. Unset when an account was dropped or refused.
 */
const PEER_USERS_FOR = 'cluster.peer-users-for';
/**
 * Unit state: what the peers' accounts were last all created for (PEER_USERS_FOR) together with
 * the digest of the ready summaries' addresses then. While both stand and every summary is
 * ready, createPeerUsers would find nothing to do.
 */
const PEER_USERS_DIGEST = 'cluster.peer-users-digest';
/**
 * Unit state: the ready peers' addresses PEER_USERS_FOR was made for (its hash says so): a later
 * pass with the same password source and user makes accounts only for addresses not in it.
 */
const PEER_USERS_ADDRESSES = 'cluster.peer-users-addresses';
/**
 * Unit state: the summaries' digest (peerCounts.digest) when a pass last found an account made
 * for every ready summary's address. A later pass that finds the hook started with that digest
 * has only the summaries read in this hook left to look at (peerChanges).
 */
const PEER_USERS_SEEN = 'cluster.peer-users-seen';
/**
 * Unit state: the cluster user, this unit's address, the summaries' addresses and the accounts on
 * this unit's instance when dropDepartedUsers last found nothing to drop. The same again: skip.
 */
const USERS_RECONCILED = 'cluster.users-reconciled';
/**
 * Unit state: the units Juju means to keep whose connection info this unit has not seen, when
 * createPeerUsers last held unit-configure-ready back for them: [count, first few names], for
 * the workload status. Unset once the promise is made.
 */
export const PROMISE_WAITS_FOR = 'cluster.promise-waits-for';
/** Hooks that bring a peer or its data, never a unit's removal. */
const ARRIVAL_HOOK = /-relation-(joined|changed)$/;
/** How many of the units waited for the status names. */
const NAMED_WAITS = 3;

const peers = (rt: HookRuntime) => rt.endpoint(MySQLInnoDBClusterPeers);

/** Makes (or re-passwords) one cluster account on this unit's instance. */
export type EnsureAccount = (rt: HookRuntime, host: string) => Promise<boolean>;

/**
 * Create (or re-password) the cluster account for `host` on this unit's instance. An
 * account of that name the charm did not create is never touched: logged, recorded for the
 * blocked status, and skipped (false), not a failed hook.
 */
export function accountMaker(backendFor: (rt: HookRuntime) => ClusterBackend): EnsureAccount {
  return async (rt: HookRuntime, host: string): Promise<boolean> => {
    const account = { user: config(rt).user, host };
    try {
      const users = backendFor(rt).users;
      // An account the Python charm created (before this unit was upgraded) carries no mark.
      if (users.adoptClusterUser && adoptsPythonAccounts(rt, account.user, config(rt).user))
        await users.adoptClusterUser(account);
      await users.createClusterUser(account, clusterPassword(rt));
      const named = `'${account.user}'@'${account.host}'`;
      if (rt.state.get(FOREIGN_ACCOUNT_KEY) === named) rt.state.unset(FOREIGN_ACCOUNT_KEY);
      return true;
    } catch (error) {
      if (!(error instanceof ForeignAccountError)) throw error;
      rt.log.warning(error.message);
      rt.state.set(FOREIGN_ACCOUNT_KEY, `'${account.user}'@'${account.host}'`);
      return false;
    }
  };
}

/** What the account handlers need from the charm. */
export interface AccountDeps {
  readonly backendFor: (rt: HookRuntime) => ClusterBackend;
}

/** The handlers that make every ready peer's account, then publish unit-configure-ready. */
export function registerPeerAccounts(
  charm: Charm,
  deps: AccountDeps & { readonly ensureAccount: EnsureAccount },
): void {
  // 3. When enough peers are available, create the cluster user for every peer's address on
  //    the local instance, then tell the peers this unit is ready to be configured. Runs again
  //    when peer data changes (scale-out), and works (reads the password, touches MySQL) only
  //    when the addresses, the user or the password's secret differ from the last time.
  //    unit-configure-ready promises an account for every ready peer, and the leader acts on
  //    it at any time: so every peer that is ready now gets one. The summaries name the ready
  //    peers' addresses; a peer whose summary is not ready is read now (relation-get reads
  //    current settings: worker/uniter/runner/context/relation.go), since it may have become
  //    ready while its -changed hook waits in this unit's queue (worker/uniter/relation/
  //    resolver.go): trusting that summary let the leader add this instance before it held
  //    the leader's account (seed 4 of the 5-unit convergence test). In a settled cluster
  //    every summary is ready: no read.
  //    The first promise also waits until every unit Juju means to keep (goal-state) is a
  //    joined peer whose connection info this unit has seen, and so holds its account: the
  //    leader acts on the promise, and the leader may be a unit this unit has not met yet
  //    (relation-list names a peer only once its -joined hook ran here: worker/uniter/relation/
  //    statetracker.go CommitHook; a unit can run other peers' hooks first), or one it met
  //    before that unit published. Promising earlier let the leader reach this instance before
  //    it held the leader's account (4 units seed 54, 6 units seed 119: one failed hook each).
  //    The Python charm waits the same way, over the joined units only (`cluster.available`
  //    before `set_unit_configure_ready`).
  //    Once the accounts are made for the ready peers' addresses, while every summary is ready
  //    and their addresses (a digest the interface keeps) are the same, nothing is to do: no
  //    summary is decoded.
  const createPeerUsers = async (rt: HookRuntime) => {
    const promised = rt.flags.isSet(F.peerUsersCreated);
    // Before the promise, nothing to do while a unit Juju keeps has not even joined (names
    // only: no summary is decoded, no peer read; no peer needs an account here before then).
    if (!promised && !everyStayingUnitSeen(rt, new Set(peers(rt).peerRelation?.joinedUnitNames)))
      return;
    const made = rt.state.get(PEER_USERS_FOR);
    const counts = peers(rt).peerCounts;
    const source = passwordSource(rt) ?? null;
    const { user } = config(rt);
    const madeFor = (addresses: string) => hashValue([made ?? null, source, user, addresses]);
    if (
      promised &&
      made !== undefined &&
      counts.ready === counts.peers &&
      rt.state.get(PEER_USERS_DIGEST) === madeFor(counts.readyAddresses)
    ) {
      noteSummariesSeen(rt);
      return;
    }
    // The accounts the last pass made, when `made` vouches for them (same password source,
    // user and list): only the new addresses need one.
    const before = rt.state.get(PEER_USERS_ADDRESSES);
    const done =
      made !== undefined && Array.isArray(before) && hashValue([source, user, before]) === made
        ? before.filter((a): a is string => typeof a === 'string')
        : undefined;
    const sinceLastPass =
      promised && done !== undefined && counts.ready === counts.peers
        ? readySinceLastPass(rt, done)
        : undefined;
    const now = sinceLastPass === undefined ? readyNow(rt) : undefined;
    const addresses = sinceLastPass ?? now?.addresses ?? [];
    const wanted = hashValue([source, user, addresses]);
    // The ready addresses as this pass left the summaries (the peers read above replaced theirs).
    const recordDigest = () => {
      rt.state.set(
        PEER_USERS_DIGEST,
        hashValue([wanted, source, user, peers(rt).peerCounts.readyAddresses]),
      );
      noteSummariesSeen(rt);
    };
    if (promised && made === wanted) {
      recordDigest();
      return;
    }
    const skip = new Set(done ?? []);
    let all = true;
    for (const address of addresses) {
      if (!skip.has(address) && !(await deps.ensureAccount(rt, address))) all = false;
    }
    if (promised || (now !== undefined && everyStayingUnitSeen(rt, now.units))) {
      peers(rt).setUnitConfigureReady();
      rt.flags.set(F.peerUsersCreated);
    }
    if (all) {
      rt.state.set(PEER_USERS_FOR, wanted);
      rt.state.set(PEER_USERS_ADDRESSES, addresses);
      recordDigest();
    } else {
      rt.state.unset(PEER_USERS_FOR);
      rt.state.unset(PEER_USERS_ADDRESSES);
      rt.state.unset(PEER_USERS_DIGEST);
      rt.state.unset(PEER_USERS_SEEN);
    }
  };
  charm.when(F.userCreated, 'cluster.available').whenNot(F.peerUsersCreated).run(createPeerUsers);
  charm
    .when(F.userCreated, F.peerUsersCreated, 'cluster.available', 'endpoint.cluster.changed')
    .run(createPeerUsers);
}

/**
 * Every ready peer's address, sorted and once each, and those peers' unit names. A peer whose
 * summary is not ready is read now: it may have become ready while its -changed hook waits in
 * this unit's queue (see registerPeerAccounts).
 */
function readyNow(rt: HookRuntime): { addresses: string[]; units: Set<string> } {
  const units = new Set<string>();
  const ready = peers(rt).peerSummaries.flatMap((p) => {
    if (p.ready && p.address !== undefined) {
      units.add(p.unitName);
      return [p.address];
    }
    const peer = peers(rt).peer(p.unitName);
    if (!peer?.isReady()) return [];
    units.add(p.unitName);
    return [peer.connectionInfo.address];
  });
  return { addresses: [...new Set(ready)].sort(), units };
}

/**
 * Whether every unit Juju means to keep is among `ready` (see registerPeerAccounts); the ones
 * that are not are kept for the status (PROMISE_WAITS_FOR).
 *
 * In a -joined or -changed hook, a unit named the last time that is still not among `ready`
 * answers no without goal-state: those hooks take no unit out of what Juju keeps. A unit Juju
 * removes is seen in the -departed hook it brings (once it joined) or in any other hook kind.
 */
function everyStayingUnitSeen(rt: HookRuntime, ready: ReadonlySet<string>): boolean {
  const last = rt.state.get(PROMISE_WAITS_FOR);
  if (
    ARRIVAL_HOOK.test(rt.hookName) &&
    Array.isArray(last) &&
    Array.isArray(last[1]) &&
    last[1].some((unit) => typeof unit === 'string' && !ready.has(unit))
  )
    return false;
  const missing = stayingUnitsNotIn(rt, ready);
  if (missing.length === 0) {
    if (rt.state.get(PROMISE_WAITS_FOR) !== undefined) rt.state.unset(PROMISE_WAITS_FOR);
    return true;
  }
  rt.state.set(PROMISE_WAITS_FOR, [missing.length, missing.slice(0, NAMED_WAITS)]);
  return false;
}

/**
 * The addresses `done` with those of the ready summaries read in this hook, sorted and once
 * each, when that is every ready peer's: the hook started with the summaries the last pass saw
 * (PEER_USERS_SEEN), and only the ones read since can hold a new address. Else undefined. The
 * caller has checked that every summary is ready (none to read again). It may hold the address
 * of a peer that left or moved: its account is still there (dropping one forgets `done`).
 */
function readySinceLastPass(rt: HookRuntime, done: readonly string[]): string[] | undefined {
  const changes = peers(rt).peerChanges;
  if (changes.digestAtStart === undefined) return undefined;
  if (changes.digestAtStart !== rt.state.get(PEER_USERS_SEEN)) return undefined;
  const fresh = changes.refreshed.flatMap((p) => (p.ready && p.address ? [p.address] : []));
  if (fresh.every((a) => done.includes(a))) return [...done];
  return [...new Set([...done, ...fresh])].sort();
}

/** Record that every ready summary's address has its account, as the summaries stand now. */
function noteSummariesSeen(rt: HookRuntime): void {
  const digest = peers(rt).peerCounts.digest;
  if (rt.state.get(PEER_USERS_SEEN) !== digest) rt.state.set(PEER_USERS_SEEN, digest);
}

/** The handler that drops the accounts no joined peer asks for any more. */
export function registerAccountReconcile(charm: Charm, deps: AccountDeps): void {
  // Every unit keeps the accounts of its own instance and of its joined peers' current
  // addresses, and drops any other account it created: a departed peer's, one for an address
  // a peer no longer publishes, or one a failed hook created (the backend marks accounts on
  // the instance before creating them, so the list holds those too). Reconciled on every hook
  // that may follow such a change or failure, not only when a change is seen: the hook that
  // saw it may have failed.
  charm.when(F.userCreated).run(async function dropDepartedUsers(rt) {
    if (!RECONCILE_HOOKS.test(rt.hookName)) return;
    const backend = deps.backendFor(rt);
    const { user } = config(rt);
    const self = localClusterAddress(rt);
    const hosts = await backend.users.listClusterUsers(user);
    // The same accounts and summaries as when every account was kept: every one is kept now
    // (what follows is a function of them). Hashing the list costs less than looking each
    // account up.
    const reconciled = (left: readonly string[]) =>
      hashValue([user, self, peers(rt).peerCounts.addresses, [...left].sort()]);
    if (rt.state.get(USERS_RECONCILED) !== reconciled(hosts)) {
      // The summaries say whether any account is not a joined peer's (an index the interface
      // keeps: no summary is decoded); only then is every peer read again, and an account
      // dropped on current data, never on a summary.
      let left = hosts;
      if (hosts.some((host) => host !== self && !peers(rt).hasPeerAddress(host))) {
        const keep = new Set([
          self,
          ...peers(rt).allJoinedUnits.flatMap((u) => u.clusterData.address ?? []),
        ]);
        for (const host of hosts) {
          if (keep.has(host)) continue;
          await backend.users.dropClusterUser({ user, host });
          rt.state.unset(PEER_USERS_FOR); // a peer that comes back at this address needs it again
        }
        left = hosts.filter((host) => keep.has(host));
      }
      rt.state.set(USERS_RECONCILED, reconciled(left));
    }
    peers(rt).clearDepartedUnits();
    rt.flags.clear('endpoint.cluster.departed');
  });
}
