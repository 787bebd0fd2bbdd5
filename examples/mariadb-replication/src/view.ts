// Who the source is, for clients: the leader publishes the members on the `view` endpoint
// (interface cluster-view) and, with `discovery-zookeeper` set, mirrors them into ZooKeeper as a
// Mysos ServerSet, through the shared publisher (examples/shared/cluster-view-publish). The
// roles come from the leader's topology record and one observation of the servers: the
// recorded source is PRIMARY, a replica replicating from it SECONDARY, a replica that is
// unreachable or whose replication failed FAULTY, a unit not (yet) in the record SPARE.
// `hidden`/`disconnect` come from this charm's AdminAPI tags (leader settings: tag-actions.ts).
// The hook or action that decided a topology change (failover, switchover, rejoin, a tag write)
// publishes it; a new client relation or a config change republishes.
import { type Charm, type HookRuntime, leaderGet } from 'juju-reactive';
import { ClusterViewProvides } from 'juju-reactive/interfaces/cluster-view';
import { readStoredTags } from '../../shared/adminapi-tags/index.js';
import {
  forgetMirror,
  publishTopology,
  registerWithdrawOnRemoval,
  replicationMembers,
  viewWanted,
  withdrawStaleMirrors,
  type ZkConnector,
} from '../../shared/cluster-view-publish/index.js';
import type { ReplicationBackend } from './backend/types.js';
import {
  PASSWORD_SECRET_KEY,
  readTopology,
  TOPOLOGY_KEY,
  type TopologyServer,
  topologyServers,
} from './charm-state.js';
import { replicaState } from './failover/health.js';
import { type Observation, observe } from './failover/observation.js';
import type { TopologyRecord } from './failover/record.js';

/** The provides endpoint in metadata.yaml. */
export const VIEW_ENDPOINT = 'view';
/** The port clients connect to: MariaDB's default, as src/main.ts reaches the servers. */
export const MARIADB_PORT = 3306;

/** Hooks the leader's check does not run in, after which the view may still be due. */
const REPUBLISH_HOOKS = /^view-relation-(joined|changed)$/;

/** What the view needs from the charm. */
export interface ReplicationViewDeps {
  readonly backendFor: (rt: HookRuntime, servers: readonly TopologyServer[]) => ReplicationBackend;
  /** This unit created the replication users for its peers (its server is in the topology). */
  readonly usersCreated: (rt: HookRuntime) => boolean;
  /** Opens ZooKeeper sessions (tests pass an in-memory one). */
  readonly connectZooKeeper?: ZkConnector;
  /**
   * Where clients reach a unit's server, from the address it published on the peer relation.
   * Default: that address, port 3306 (src/main.ts). A test whose servers listen elsewhere maps them.
   */
  readonly clientEndpoint?: ClientEndpoint;
}

/** Where clients reach `unit`'s server, given the address it published. */
export type ClientEndpoint = (
  unit: string,
  address: string,
) => { readonly address: string; readonly port: number };

/** A replica that replicates from the source (the IO thread may be retrying a dead source). */
function healthyReplica(observation: Observation, unit: string, source: string): boolean {
  const state = replicaState(observation, unit, source).kind;
  return state === 'replicating' || state === 'connecting';
}

/**
 * Publish the view (leader only; a no-op elsewhere and when nobody is related and no
 * ZooKeeper is configured). `record` is the record this hook commits; `observation` one taken
 * after this hook's changes to the servers, or undefined to observe them now.
 */
export async function publishReplicationView(
  rt: HookRuntime,
  deps: ReplicationViewDeps,
  record: TopologyRecord,
  observation?: Observation,
): Promise<void> {
  if (!rt.isLeader()) return forgetMirror(rt);
  const source = record.source;
  if (source === undefined) return; // no topology yet: nothing to tell
  const zookeeperUrl = viewWanted(rt, VIEW_ENDPOINT);
  // Before anything that may return early: a moved or emptied URL withdraws the old ServerSet.
  await withdrawStaleMirrors(rt, {
    zookeeperUrl,
    cluster: rt.unitName.split('/')[0] ?? rt.unitName,
    ...(deps.connectZooKeeper === undefined ? {} : { connect: deps.connectZooKeeper }),
  });
  if (zookeeperUrl === undefined) return; // nobody to tell: no observation
  const servers = topologyServers(rt, deps.usersCreated(rt));
  const seen = observation ?? (await observe(deps.backendFor(rt, servers), record));
  const inRecord = new Set([source, ...record.replicas]);
  const units: Record<string, { reachable: boolean; spare: boolean }> = {};
  const endpoints: Record<string, { address: string; port: number }> = {};
  for (const { unit, address } of servers) {
    if (address === undefined) continue;
    endpoints[unit] = deps.clientEndpoint?.(unit, address) ?? { address, port: MARIADB_PORT };
    units[unit] = { reachable: healthyReplica(seen, unit, source), spare: !inRecord.has(unit) };
  }
  const stored = readStoredTags(leaderGet(rt));
  for (const problem of stored.problems) rt.log.warning(`adminapi tags: ${problem}`);
  await publishTopology(rt, {
    topology: replicationMembers({ source, units }, endpoints),
    tags: stored.units,
    endpoint: VIEW_ENDPOINT,
    zookeeperUrl,
    cluster: rt.unitName.split('/')[0] ?? rt.unitName,
    ...(deps.connectZooKeeper === undefined ? {} : { connect: deps.connectZooKeeper }),
  });
}

/**
 * Register the `view` endpoint, the leader's republishing on a new client relation, and the
 * forgetting of the ZooKeeper mirror on a unit that is no longer the leader. The leader's
 * check (charm.ts) publishes in every hook it runs in.
 */
export function registerReplicationView(charm: Charm, deps: ReplicationViewDeps): void {
  charm.endpoint(ClusterViewProvides);
  charm
    .when(
      'leadership.is_leader',
      `leadership.set.${PASSWORD_SECRET_KEY}`,
      `leadership.set.${TOPOLOGY_KEY}`,
    )
    .run(async function republishReplicationView(rt) {
      if (!REPUBLISH_HOOKS.test(rt.hookName)) return;
      let record: TopologyRecord;
      try {
        record = readTopology(rt);
      } catch {
        return; // the leader's check names the malformed record in its status
      }
      await publishReplicationView(rt, deps, record);
    });
  charm.whenNot('leadership.is_leader').run(function forgetReplicationViewMirror(rt) {
    forgetMirror(rt);
  });
  // The whole application going away: withdraw the ServerSet from ZooKeeper (on-removal.ts).
  registerWithdrawOnRemoval(charm, () =>
    deps.connectZooKeeper === undefined ? {} : { connect: deps.connectZooKeeper },
  );
}
