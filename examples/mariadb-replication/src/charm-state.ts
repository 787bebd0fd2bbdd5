// What the charm keeps in Juju, and reads back every hook: the leader's topology record (in
// leader settings: committed with the hook, so a killed hook leaves the last good record, and
// readable by the next leader), the replication password (an app-owned secret the leader
// created) and the servers of the topology (from the peer relation's data, never from memory).
import { type HookRuntime, leaderGet, leaderSet } from 'juju-reactive';
import { KEYS, MySQLInnoDBClusterPeers } from 'juju-reactive/interfaces/mysql-innodb-cluster';
import { HIDDEN_TAG, readStoredTags } from '../../shared/adminapi-tags/index.js';
import { configOption } from '../../shared/kept-config/index.js';
import { readPasswordSecret } from '../../shared/password-secret/index.js';
import type { ReplicationCredentials } from './backend/types.js';
import {
  FAILOVER_OPTIONS,
  type FailoverConfigResult,
  parseFailoverConfig,
} from './failover/config.js';
import { EMPTY_RECORD, parseTopologyRecord, type TopologyRecord } from './failover/record.js';

/** Leader setting: the topology record, as JSON. */
export const TOPOLOGY_KEY = 'replication-topology';
/** Leader setting: the id of the app-owned secret with the replication password. */
export const PASSWORD_SECRET_KEY = 'replication-password-secret';
/** A record larger than this is refused before parsing (1,024 units fit in far less). */
const MAX_RECORD_CHARS = 256 * 1024;

/** One server of the topology: a unit and the address its peers reach it at. */
export interface TopologyServer {
  readonly unit: string;
  /** The `cluster-address` the unit published (undefined before it published one). */
  readonly address: string | undefined;
}

/** The record as leader settings hold it. Throws an error naming what is wrong, never a value. */
export function readTopology(rt: HookRuntime): TopologyRecord {
  const text = leaderGet(rt, TOPOLOGY_KEY);
  if (text === undefined || text === '') return EMPTY_RECORD;
  if (text.length > MAX_RECORD_CHARS) {
    throw new Error(`the leader's topology record is larger than ${MAX_RECORD_CHARS} characters`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error("the leader's topology record is not JSON");
  }
  return parseTopologyRecord(value);
}

/** Stage `record` in leader settings (leader only; Juju sees it when the hook commits). */
export function writeTopology(rt: HookRuntime, record: TopologyRecord): boolean {
  const text = JSON.stringify(record);
  if (leaderGet(rt, TOPOLOGY_KEY) === text) return false;
  leaderSet(rt, { [TOPOLOGY_KEY]: text });
  return true;
}

/** The replication account: `cluster-user` and the password from the leader's secret. */
export function replicationCredentials(rt: HookRuntime): ReplicationCredentials {
  const id = leaderGet(rt, PASSWORD_SECRET_KEY);
  if (id === undefined) {
    throw new Error(
      `the replication password is not shared yet; guard the handler on leadership.set.${PASSWORD_SECRET_KEY}`,
    );
  }
  return { user: clusterUser(rt), password: readPasswordSecret(rt, id) };
}

/**
 * The `cluster-user` option (checked when the account is created). Like every option this
 * charm reads, kept between hooks (examples/shared/kept-config): none holds a secret.
 */
export function clusterUser(rt: HookRuntime): string {
  const user = configOption(rt, 'cluster-user');
  return typeof user === 'string' && user !== '' ? user : 'repl';
}

/**
 * The servers of the topology: this unit's, once it created the replication users for its
 * peers (`selfReady`), and every peer that published its connection info and said it is
 * configure-ready (it created the users for its peers). A peer whose server died stays: its
 * data is still published, and the leader must see it fail.
 */
export function topologyServers(rt: HookRuntime, selfReady: boolean): TopologyServer[] {
  const peers = rt.endpoint(MySQLInnoDBClusterPeers).readyPeers;
  const servers: TopologyServer[] = selfReady ? [ownServer(rt)] : [];
  for (const peer of peers) {
    if (peer.configureReady)
      servers.push({ unit: peer.unitName, address: peer.connectionInfo.address });
  }
  return servers;
}

/** This unit's server, at the address it published on the peer relation. */
export function ownServer(rt: HookRuntime): TopologyServer {
  const published =
    rt.endpoint(MySQLInnoDBClusterPeers).peerRelation?.toPublish[KEYS.clusterAddress];
  return { unit: rt.unitName, address: typeof published === 'string' ? published : undefined };
}

/**
 * The failover settings in effect: `failure-threshold` and `max-lag-seconds` from the config
 * (kept between hooks: examples/shared/kept-config; checked: failover/config.ts),
 * and the units MySQL Router hides from clients (an instance tag `_hidden` that is JSON `true`,
 * as Router reads it: examples/shared/adminapi-tags/routing.ts), which are promoted only when
 * no other server can take over.
 */
export function failoverConfig(rt: HookRuntime): FailoverConfigResult {
  const parsed = parseFailoverConfig(
    Object.fromEntries(FAILOVER_OPTIONS.map((option) => [option, configOption(rt, option)])),
  );
  if (!parsed.ok) return parsed;
  const avoid = new Set<string>();
  for (const [unit, tags] of readStoredTags(leaderGet(rt)).units) {
    if (tags.get(HIDDEN_TAG) === true) avoid.add(unit);
  }
  return { ok: true, config: { ...parsed.config, avoid } };
}
