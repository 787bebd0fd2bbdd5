// Who the primary is, for clients: the leader publishes the cluster's members on the `view`
// endpoint (interface cluster-view) and, with `discovery-zookeeper` set, mirrors them into
// ZooKeeper. It runs after the handlers that change the topology (create, add, remove), so
// the hook that decided a change publishes it; update-status follows a primary that Group
// Replication elected by itself.
import type { Charm, HookRuntime } from 'juju-reactive';
import { ClusterViewProvides, type MemberRole } from 'juju-reactive/interfaces/cluster-view';
import type { TagMap } from '../../shared/adminapi-tags/index.js';
import {
  forgetMirror,
  publishTopology,
  registerWithdrawOnRemoval,
  type TopologyMember,
  viewWanted,
  withdrawStaleMirrors,
  type ZkConnector,
} from '../../shared/cluster-view-publish/index.js';
import { localClusterAddress } from './addresses.js';
import type {
  ClusterBackend,
  ClusterCredentials,
  ClusterMemberStatus,
  ClusterStatus,
} from './backend/types.js';
import { clusterMember } from './cluster-members.js';
import { clusterInstances, unitTagsOf } from './tag-actions.js';

/** The provides endpoint in metadata.yaml. */
export const VIEW_ENDPOINT = 'view';
/** The port clients connect to: MySQL's classic protocol port (the instances use the default). */
export const MYSQL_PORT = 3306;

/** Hooks after which the topology, the config or the tags may differ from what was published. */
const PUBLISH_HOOKS =
  /^(cluster-relation-.*|view-relation-(joined|changed)|leader-.*|config-changed|upgrade-charm|update-status|start)$/;

/** What the view handlers need from the charm. */
export interface ClusterViewDeps {
  readonly backendFor: (rt: HookRuntime) => ClusterBackend;
  readonly clusterName: (rt: HookRuntime) => string;
  readonly credentials: (rt: HookRuntime) => ClusterCredentials;
  /** Opens ZooKeeper sessions (tests pass an in-memory one). */
  readonly connectZooKeeper?: ZkConnector;
}

/**
 * The Fabric role of a cluster member, from its role and state in `cluster.status()`. Only an
 * ONLINE member serves: the ONLINE primary is the PRIMARY, ONLINE secondaries are SECONDARY.
 * A RECOVERING member is a SPARE: Fabric's SPARE is a healthy server of the group that serves
 * nothing yet and may become a SECONDARY, which is what Group Replication's distributed
 * recovery does by itself (it turns the member ONLINE). OFFLINE, ERROR, UNREACHABLE, (MISSING)
 * and unknown states are FAULTY: Fabric's FAULTY is a server that failed and is unusable until
 * an operator acts, as an instance out of the group is until it is rejoined (MySQL Shell
 * manual, "Monitoring InnoDB Cluster": OFFLINE has lost connection, ERROR needs manual repair,
 * UNREACHABLE lost communication, MISSING is not in the live group).
 */
export function fabricRole(member: Pick<ClusterMemberStatus, 'role' | 'state'>): MemberRole {
  switch (member.state) {
    case 'ONLINE':
      return member.role === 'primary' ? 'PRIMARY' : 'SECONDARY';
    case 'RECOVERING':
      return 'SPARE';
    default:
      return 'FAULTY';
  }
}

/**
 * The members clients see, from the cluster's status: each instance's role by fabricRole,
 * and every other unit of the application that published an address as a SPARE (in the
 * application, not serving). Instances that belong to no unit are left out.
 */
export function topologyOf(rt: HookRuntime, status: ClusterStatus | undefined): TopologyMember[] {
  const inCluster = new Map((status?.members ?? []).map((m) => [m.address, fabricRole(m)]));
  return clusterInstances(rt, (address) => address).map(({ unit, address }) => ({
    name: unit,
    address,
    port: MYSQL_PORT,
    role: inCluster.get(address) ?? 'SPARE',
  }));
}

/**
 * Each unit's instance tags, from the cluster metadata (the source of truth on this charm:
 * tag-actions.ts), read through `via` as `cluster.options()` shows them. A backend without
 * AdminAPI tags has none, so nothing is hidden.
 */
async function instanceTags(
  rt: HookRuntime,
  backend: ClusterBackend,
  name: string,
  via: string,
  credentials: ClusterCredentials,
): Promise<ReadonlyMap<string, TagMap>> {
  const tags = backend.cluster.tags;
  if (tags === undefined) return new Map();
  return unitTagsOf(
    clusterInstances(rt, (address) => tags.label(address)),
    await tags.options(name, via, credentials),
  );
}

/**
 * Publish the view now (leader only): what the handler below runs, and what an action that
 * changes the topology or the tags calls so the change is published in its own hook (an
 * action runs no other handler).
 */
export async function publishView(rt: HookRuntime, deps: ClusterViewDeps): Promise<void> {
  const zookeeperUrl = viewWanted(rt, VIEW_ENDPOINT);
  // Before anything that may return early: a moved or emptied URL withdraws the old ServerSet.
  await withdrawStaleMirrors(rt, {
    zookeeperUrl,
    cluster: deps.clusterName(rt),
    ...(deps.connectZooKeeper === undefined ? {} : { connect: deps.connectZooKeeper }),
  });
  if (zookeeperUrl === undefined) return; // nobody to tell: no status call
  const self = localClusterAddress(rt);
  const via = clusterMember(rt, self);
  if (via === undefined) return; // no member to ask yet
  // The view is what clients read, not what the cluster does: a status (or tags) read that
  // fails keeps the published view (and this hook, whatever else it did) rather than failing it.
  const backend = deps.backendFor(rt);
  const name = deps.clusterName(rt);
  let status: ClusterStatus | undefined;
  let tags: ReadonlyMap<string, TagMap>;
  try {
    status = await backend.cluster.status(name, via, deps.credentials(rt));
    if (status === undefined) return;
    tags = await instanceTags(rt, backend, name, via, deps.credentials(rt));
  } catch (error) {
    const what = status === undefined ? 'the cluster status' : "the instances' tags";
    rt.log.warning(
      `cannot read ${what} to publish the view: ${error instanceof Error ? error.message : String(error)}; the published view stays as it was`,
    );
    return;
  }
  await publishTopology(rt, {
    topology: topologyOf(rt, status),
    tags,
    endpoint: VIEW_ENDPOINT,
    zookeeperUrl,
    cluster: deps.clusterName(rt),
    ...(deps.connectZooKeeper === undefined ? {} : { connect: deps.connectZooKeeper }),
  });
}

/** Register the `view` endpoint and the leader's publishing handler (after the topology ones). */
export function registerClusterView(charm: Charm, deps: ClusterViewDeps): void {
  charm.endpoint(ClusterViewProvides);
  charm
    .when('leadership.is_leader', 'leadership.set.cluster-created')
    .run(async function publishClusterViewHandler(rt) {
      if (!PUBLISH_HOOKS.test(rt.hookName)) return;
      await publishView(rt, deps);
    });
  charm.whenNot('leadership.is_leader').run(function forgetZooKeeperMirror(rt) {
    forgetMirror(rt);
  });
  // The whole application going away: withdraw the ServerSet from ZooKeeper (on-removal.ts).
  registerWithdrawOnRemoval(charm, () =>
    deps.connectZooKeeper === undefined ? {} : { connect: deps.connectZooKeeper },
  );
}
