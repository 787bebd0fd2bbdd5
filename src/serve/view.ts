// The JSON views of clusters that `GET /clusters` and `GET /clusters/<name>` return: units,
// leader, primary, statuses, flags, relation data (secrets redacted), pending hooks, recent
// hooks. Read-only; reads the model through its public API only.
import type { CharmMetadata } from '../juju/metadata.js';
import type { Cluster } from './cluster.js';
import type { ClusterPhase } from './events.js';
import { redactBag } from './redact.js';
import { formatDataSize, sizeConstraints } from './size.js';

/** How many recent hooks each unit's view carries. */
export const RECENT_HOOKS = 30;

/** One cluster, in brief (`GET /clusters`). */
export interface ClusterSummary {
  readonly name: string;
  readonly cluster_url: string;
  readonly phase: ClusterPhase;
  readonly error: string | null;
  readonly cluster_user: string;
  readonly num_nodes: number;
  readonly units: number;
  readonly leader: string | null;
  readonly hooks_run: number;
  readonly created_at: string;
}

/** What the dashboard may offer for a cluster: controls appear only when the model has them. */
export interface Capabilities {
  readonly add_unit: boolean;
  readonly remove_unit: boolean;
  readonly advance_clock: boolean;
  readonly kill_source: boolean;
  /** The charm has actions: `POST /clusters/<name>/units/<n>/actions/<action>` runs them. */
  readonly run_action: boolean;
  /** The charm has `set-instance-option`: hide an instance from clients (tag `_hidden`). */
  readonly hide_instance: boolean;
}

/** The brief view of a cluster. */
export function summary(cluster: Cluster): ClusterSummary {
  const units = cluster.unitNames();
  return {
    name: cluster.name,
    cluster_url: cluster.url,
    phase: cluster.phase,
    error: cluster.error ?? null,
    cluster_user: cluster.request.user,
    num_nodes: cluster.request.numNodes,
    units: units.length,
    leader: leaderOf(cluster) ?? null,
    hooks_run: cluster.hookCount,
    created_at: cluster.createdAt,
  };
}

/** What the model can do for this cluster now. */
export function capabilities(cluster: Cluster, metadata?: CharmMetadata): Capabilities {
  const live = cluster.deployed && cluster.phase !== 'deleting';
  const actions = metadata?.actions ?? {};
  return {
    add_unit: live,
    remove_unit: live,
    advance_clock: live && cluster.canAdvanceClock,
    // The simulated database servers live inside the charm's own entry: the control plane
    // cannot reach one to kill it (the example's simulate commands do).
    kill_source: false,
    run_action: live && Object.keys(actions).length > 0,
    hide_instance: live && actions['set-instance-option'] !== undefined,
  };
}

function leaderOf(cluster: Cluster): string | undefined {
  if (!cluster.deployed) return undefined;
  try {
    return cluster.model.leader(cluster.app);
  } catch {
    return undefined;
  }
}

/** The relations of the cluster's application, with their endpoint names. */
function relationsOf(cluster: Cluster, metadata: CharmMetadata) {
  if (!cluster.deployed) return [];
  return metadata.endpoints.flatMap((e) =>
    cluster.model.relationIds(cluster.app, e.name).map((id) => ({ id, endpoint: e.name })),
  );
}

/**
 * The unit that publishes `role: primary` on one of its relations (the cluster-view
 * convention), if any: the last such unit in name order.
 */
export function reportedPrimary(cluster: Cluster, metadata: CharmMetadata): string | undefined {
  const ids = relationsOf(cluster, metadata);
  let primary: string | undefined;
  for (const name of cluster.unitNames())
    if (ids.some(({ id }) => cluster.model.relationData(id, name)['role'] === 'primary'))
      primary = name;
  return primary;
}

/**
 * The full view of a cluster (`GET /clusters/<name>`). `primary` is the unit that publishes
 * `role: primary` on a relation (the cluster-view convention), or null when the charm does
 * not say.
 */
export function detail(cluster: Cluster, metadata: CharmMetadata) {
  const model = cluster.model;
  const deployed = cluster.deployed;
  const names = cluster.unitNames();
  const relationIds = relationsOf(cluster, metadata);
  const primary = reportedPrimary(cluster, metadata) ?? null;
  const units = names.map((name) => {
    const unit = model.unit(name);
    const published: Record<string, Record<string, string>> = {};
    for (const { id } of relationIds) published[id] = redactBag(model.relationData(id, name));
    return {
      name,
      life: unit.life,
      leader: unit.isLeader,
      address: unit.address,
      workload_status: unit.status,
      error: unit.error ?? null,
      flags: unit.flags,
      pending_hooks: unit.pendingHooks,
      ports: unit.ports,
      relation_data: published,
      recent_hooks: model.timeline(name).slice(-RECENT_HOOKS),
    };
  });
  return {
    ...summary(cluster),
    application: cluster.app,
    charm: metadata.name,
    size: {
      cpus: cluster.request.size.cpus,
      mem: formatDataSize(cluster.request.size.memBytes),
      disk: formatDataSize(cluster.request.size.diskBytes),
    },
    constraints: sizeConstraints(cluster.request.size),
    primary,
    capabilities: capabilities(cluster, metadata),
    units: units.map((u) => ({ ...u, primary: u.name === primary })),
    leader_settings: deployed ? redactBag(model.leaderSettings(cluster.app)) : {},
    relations: relationIds.map(({ id, endpoint }) => ({
      id,
      endpoint,
      application_data: redactBag(model.relationData(id, cluster.app)),
    })),
  };
}

/** The full view's type. */
export type ClusterDetail = ReturnType<typeof detail>;
