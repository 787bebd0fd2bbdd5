// The example charm's workload status: what this unit is waiting for, or that it is clustered.
// Assessed after every hook's handlers, so it reads only what is kept (counts, digests, leader
// settings) and decodes no peer summary while what it depends on stays the same.
import { type HookRuntime, hashValue, leaderGet, leaderSettingsDigest } from 'juju-reactive';
import {
  MySQLInnoDBClusterPeers,
  type PasswordTransport,
} from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { PROMISE_WAITS_FOR } from './accounts.js';
import { instanceKey } from './addresses.js';
import { blockedBy } from './config-checks.js';
import { F, PASSWORD_SHARED } from './flags.js';
import { isTrue, plaintextOnlyPeers, transportProblem } from './migration.js';

/**
 * Unit state: [digest of the inputs, answer] of the last {@link everyPeerRecordedClustered}
 * that looked: the same inputs give the same answer.
 */
const RECORDED_CLUSTERED = 'cluster.every-peer-recorded-clustered';

export type Assessment = ['maintenance' | 'waiting' | 'active' | 'blocked', string];

/** This unit's workload status and message. */
export function assess(
  rt: HookRuntime,
  minimumClusterSize: number,
  adminUser: string | undefined,
  mode: PasswordTransport,
): Assessment {
  const f = rt.flags;
  const blocked = blockedBy(rt, adminUser) ?? transportProblem(rt);
  if (blocked !== undefined) return ['blocked', blocked];
  const plaintextOnly = plaintextOnlyPeers(rt, mode);
  if (plaintextOnly.length > 0)
    return [
      'blocked',
      `password-transport is secret, but ${plaintextOnly.join(', ')} cannot read secrets (the Python charm?): set password-transport=both until every unit runs this charm`,
    ];
  if (!PASSWORD_SHARED.some((flag) => f.isSet(flag)))
    return ['waiting', 'Waiting for the leader to share the cluster password'];
  if (!f.isSet(F.userCreated)) return ['maintenance', 'Creating the local cluster user'];
  if (!f.isSet('cluster.available')) {
    // Status only: the summaries' count (their -changed hooks, queued, assess again).
    const ready = rt.endpoint(MySQLInnoDBClusterPeers).peerCounts.ready;
    const missing = Math.max(0, minimumClusterSize - 1 - ready);
    return [
      'waiting',
      `Waiting for ${missing} more peer${missing === 1 ? '' : 's'} to share cluster connection info`,
    ];
  }
  const unseen = f.isSet(F.peerUsersCreated) ? undefined : unseenUnits(rt);
  if (unseen !== undefined)
    return ['waiting', `Waiting for ${unseen} to share cluster connection info`];
  if (!f.isSet('leadership.set.cluster-created'))
    return ['waiting', 'Waiting for the leader to create the cluster'];
  if (!f.isSet(F.clusteredSignalled))
    return ['waiting', 'Waiting for the leader to add this instance to the cluster'];
  if (!f.isSet('cluster.clustered') && !everyPeerRecordedClustered(rt))
    return ['waiting', 'Waiting for every peer to join the cluster'];
  return ['active', 'Unit is ready and clustered'];
}

/**
 * The units this unit's unit-configure-ready waits for (accounts.ts), as the status names them:
 * "mysql/3", "mysql/3, mysql/4 and 1 more unit". Undefined when it waits for none.
 */
function unseenUnits(rt: HookRuntime): string | undefined {
  const waits = rt.state.get(PROMISE_WAITS_FOR);
  if (!Array.isArray(waits) || typeof waits[0] !== 'number' || !Array.isArray(waits[1]))
    return undefined;
  const [count, named] = [waits[0], waits[1].filter((u): u is string => typeof u === 'string')];
  if (named.length === 0) return undefined;
  const more = count - named.length;
  return more > 0
    ? `${named.join(', ')} and ${more} more unit${more === 1 ? '' : 's'}`
    : named.join(', ');
}

/**
 * Every joined peer's instance is marked clustered in leader settings. The leader's record
 * stands in for `unit-clustered` from a Python leader, which never publishes it
 * (charm-mysql-innodb-cluster reactive handlers: signal_clustered is
 * `@when_not('leadership.is_leader')`).
 *
 * Every hook assesses the status, and this is asked in every hook from the moment this unit
 * is clustered until every peer says it is. The answer is a function of the multiset of the
 * summaries' addresses (a digest the interface keeps), the number of peers (every peer has an
 * address when the multiset is that large) and the leader settings: while those are the inputs
 * of the last look, its answer stands and no summary is decoded.
 */
export function everyPeerRecordedClustered(rt: HookRuntime): boolean {
  const endpoint = rt.endpoint(MySQLInnoDBClusterPeers);
  const counts = endpoint.peerCounts;
  const inputs = hashValue([counts.addresses, counts.peers, leaderSettingsDigest(rt)]);
  const last = rt.state.get(RECORDED_CLUSTERED);
  if (Array.isArray(last) && last[0] === inputs && typeof last[1] === 'boolean') return last[1];
  // Status only: the addresses the summaries hold, not read again (a peer's -changed hook,
  // queued while its summary is older than its data, assesses again).
  const answer = endpoint.peerSummaries.every(
    (p) => p.address !== undefined && isTrue(leaderGet(rt, instanceKey('clustered', p.address))),
  );
  rt.state.set(RECORDED_CLUSTERED, [inputs, answer]);
  return answer;
}
