// The ServerSet mirror: a cluster view written into ZooKeeper exactly as Mysos (Apache Cotton)
// publishes a MySQL cluster, and read back. Layout (mysos/common/cluster.py, class Cluster):
//   <root>/discover/<cluster>/master/member_<10 digits>   at most one: the primary
//   <root>/discover/<cluster>/slaves/member_<10 digits>   the secondaries
// Nodes are persistent and sequential (kazoo `create(..., sequence=True)`, ephemeral=False);
// their data is a ServerSet ServiceInstance in JSON. The mirror reconciles against what is in
// ZooKeeper, so a retried hook or a new leader converges on the same nodes.
import { type ClusterMember, isServing } from './view.js';
import { ZkError, type ZkOp, type ZkSession } from './zk-session.js';
import { checkZnodeName, ZkUrlError } from './zk-url.js';

/** The groups of a cluster's ServerSet (mysos/common/cluster.py: MASTER_GROUP, SLAVES_GROUP). */
export const MASTER_GROUP = 'master';
export const SLAVES_GROUP = 'slaves';
/** Member znode prefix, "so the path conforms to the ServerSet convention" (cluster.py). */
export const MEMBER_PREFIX = 'member_';
/** A member znode name: the prefix and ZooKeeper's 10-digit sequence suffix. */
export const MEMBER_RE = /^member_[0-9]{10}$/;
/** ServiceInstance data larger than this is not ours: refused before it is decoded. */
export const MAX_INSTANCE_BYTES = 4096;

/** A host and port a member serves on. */
export interface ServiceEndpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * The group path of a cluster: `<root>/discover/<cluster>`. Mysos joins its zk_url with
 * "discover" (mysos/scheduler/scheduler.py: `posixpath.join(zk_url, "discover")`) and then the
 * cluster name (mysos/common/cluster.py: `get_cluster_path`).
 */
export function serverSetPath(root: string, cluster: string): string {
  checkZnodeName(cluster, 'the cluster name');
  if (!root.startsWith('/'))
    throw new ZkUrlError(`the ZooKeeper path must be absolute (got ${JSON.stringify(root)})`);
  return `${root === '/' ? '' : root}/discover/${cluster}`;
}

/**
 * A ServiceInstance as Mysos stores it, byte for byte: twitter.common's
 * `ServiceInstance.pack` is Python's `json.dumps` (separators ", " and ": ") of
 * `{serviceEndpoint: {host, port}, additionalEndpoints: {}, status: "ALIVE"}`, in that key order
 * (src/python/twitter/common/zookeeper/serverset/endpoint.py: `to_dict`, `Endpoint.to_dict`);
 * Mysos builds it as `ServiceInstance(Endpoint(host, port))` (mysos/scheduler/launcher.py).
 */
export function encodeServiceInstance(endpoint: ServiceEndpoint): Buffer {
  const host = JSON.stringify(endpoint.host).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return Buffer.from(
    `{"serviceEndpoint": {"host": ${host}, "port": ${endpoint.port}}, "additionalEndpoints": {}, "status": "ALIVE"}`,
    'utf8',
  );
}

/**
 * Read a ServiceInstance (any key order and spacing, as twitter.common's `unpack_json` does).
 * Undefined when it is not one, or not ALIVE, or too large.
 */
export function decodeServiceInstance(data: Buffer): ServiceEndpoint | undefined {
  if (data.length === 0 || data.length > MAX_INSTANCE_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (record['status'] !== 'ALIVE' || typeof record['additionalEndpoints'] !== 'object')
    return undefined;
  const endpoint = record['serviceEndpoint'] as Record<string, unknown> | null | undefined;
  if (typeof endpoint !== 'object' || endpoint === null) return undefined;
  const { host, port } = endpoint;
  if (typeof host !== 'string' || host === '' || host.length > 253) return undefined;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
    return undefined;
  return { host, port };
}

/** One member node found in ZooKeeper. */
export interface ServerSetNode {
  /** `master` or `slaves`. */
  readonly group: typeof MASTER_GROUP | typeof SLAVES_GROUP;
  /** The member id, `member_0000000003`. */
  readonly id: string;
  /** Where it serves; undefined when its data is not a ServiceInstance. */
  readonly endpoint: ServiceEndpoint | undefined;
  /** Its data is exactly what this mirror would write for that endpoint. */
  readonly canonical: boolean;
}

/**
 * Read a cluster's ServerSet: the member nodes of both groups, in id order. `watchFor` gives,
 * per group, the one-shot children watch to leave on it (or undefined for none): ZooKeeper
 * fires a watch once, so a reader re-arms only a group whose watch has fired, and a client
 * that reads often does not pile up watchers.
 */
export async function readServerSet(
  zk: ZkSession,
  groupPath: string,
  watchFor?: (group: typeof MASTER_GROUP | typeof SLAVES_GROUP) => (() => void) | undefined,
): Promise<ServerSetNode[]> {
  const nodes: ServerSetNode[] = [];
  for (const group of [MASTER_GROUP, SLAVES_GROUP] as const) {
    const children = (await zk.children(`${groupPath}/${group}`, watchFor?.(group))) ?? [];
    for (const id of children.sort()) {
      const data = await zk.data(`${groupPath}/${group}/${id}`);
      if (data === undefined) continue; // removed between the listing and the read
      const endpoint = MEMBER_RE.test(id) ? decodeServiceInstance(data) : undefined;
      const canonical = endpoint !== undefined && encodeServiceInstance(endpoint).equals(data);
      nodes.push({ group, id, endpoint, canonical });
    }
  }
  return nodes;
}

/** What one reconcile changed in ZooKeeper (paths relative to the cluster's group path). */
export interface MirrorReport {
  /** New member nodes, `slaves/member_0000000004`. */
  readonly created: string[];
  /** Member ids moved from `slaves` to `master`, keeping the id. */
  readonly promoted: string[];
  /** Nodes removed: withdrawn members, a replaced master, nodes that were not ours. */
  readonly removed: string[];
  /** Nodes whose data was rewritten in place to the canonical ServiceInstance. */
  readonly rewritten: string[];
}

const key = (e: ServiceEndpoint): string => `${e.host}|${e.port}`;

/**
 * Make a cluster's ServerSet show the members that serve: the serving PRIMARY in `master`,
 * the serving SECONDARY members in `slaves`. Hidden, disconnecting, SPARE and FAULTY members
 * are withdrawn. A member is known by its address and port (as Mysos's `add_member` dedups by
 * content). A promotion moves the member's node from `slaves` to `master` under the same id,
 * deleting the previous master, in one transaction — what Mysos's
 * `ClusterManager.promote_member` does (mysos/common/cluster.py); a member that is new and
 * primary at once is first added to `slaves` ("new members are slaves until being promoted",
 * `add_member`), then promoted. A demoted primary that still serves rejoins `slaves` under a
 * new id (Mysos never demotes: it only deletes the old master).
 *
 * Idempotent: it reads what is there and changes only the difference; run again, it changes
 * nothing. A concurrent writer (an old leader finishing its hook) makes an operation fail with
 * no-node or node-exists: then it reads again and retries, up to 3 times.
 */
export async function mirrorServerSet(
  zk: ZkSession,
  groupPath: string,
  members: readonly ClusterMember[],
): Promise<MirrorReport> {
  const report: MirrorReport = { created: [], promoted: [], removed: [], rewritten: [] };
  for (let attempt = 1; ; attempt++) {
    try {
      await reconcileOnce(zk, groupPath, members, report);
      return report;
    } catch (error) {
      const race =
        error instanceof ZkError && (error.kind === 'no-node' || error.kind === 'node-exists');
      if (!race || attempt >= 3) throw error;
    }
  }
}

async function reconcileOnce(
  zk: ZkSession,
  groupPath: string,
  members: readonly ClusterMember[],
  report: MirrorReport,
): Promise<void> {
  const master = `${groupPath}/${MASTER_GROUP}`;
  const slaves = `${groupPath}/${SLAVES_GROUP}`;
  await zk.mkdirp(slaves);
  await zk.mkdirp(master);
  const serving = members.filter(isServing);
  const primary = serving.find((m) => m.role === 'PRIMARY');
  const primaryEndpoint = primary && { host: primary.address, port: primary.port };
  const wantedSlaves = new Map<string, ServiceEndpoint>();
  for (const m of serving)
    if (m.role === 'SECONDARY')
      wantedSlaves.set(key({ host: m.address, port: m.port }), { host: m.address, port: m.port });

  const nodes = await readServerSet(zk, groupPath);
  const path = (n: ServerSetNode): string => `${n.group}/${n.id}`;
  const removals: ZkOp[] = [];
  const remove = (n: ServerSetNode): void => {
    removals.push({ op: 'remove', path: `${groupPath}/${path(n)}` });
    report.removed.push(path(n));
  };

  // The master group: keep the node of the primary, if it is there; every other one goes.
  const masters = nodes.filter((n) => n.group === MASTER_GROUP);
  const keptMaster =
    primaryEndpoint === undefined
      ? undefined
      : masters.find((n) => n.endpoint !== undefined && key(n.endpoint) === key(primaryEndpoint));
  for (const n of masters) if (n !== keptMaster) remove(n);

  // The slaves group: one node per wanted secondary; the primary's node when it is to be promoted.
  let toPromote: ServerSetNode | undefined;
  const keptSlaves = new Set<string>();
  const rewrites: ZkOp[] = [];
  for (const n of nodes.filter((x) => x.group === SLAVES_GROUP)) {
    const k = n.endpoint === undefined ? undefined : key(n.endpoint);
    if (
      k !== undefined &&
      primaryEndpoint !== undefined &&
      keptMaster === undefined &&
      k === key(primaryEndpoint) &&
      toPromote === undefined
    ) {
      toPromote = n;
    } else if (k !== undefined && wantedSlaves.has(k) && !keptSlaves.has(k)) {
      keptSlaves.add(k);
      if (!n.canonical && n.endpoint !== undefined) {
        rewrites.push({
          op: 'set',
          path: `${slaves}/${n.id}`,
          data: encodeServiceInstance(n.endpoint),
        });
        report.rewritten.push(path(n));
      }
    } else {
      remove(n);
    }
  }
  if (keptMaster !== undefined && !keptMaster.canonical && keptMaster.endpoint !== undefined) {
    rewrites.push({
      op: 'set',
      path: `${master}/${keptMaster.id}`,
      data: encodeServiceInstance(keptMaster.endpoint),
    });
    report.rewritten.push(path(keptMaster));
  }

  // A primary that is nowhere yet joins as a slave first, as Mysos adds every member.
  if (primaryEndpoint !== undefined && keptMaster === undefined && toPromote === undefined) {
    const created = await zk.createSequential(
      `${slaves}/${MEMBER_PREFIX}`,
      encodeServiceInstance(primaryEndpoint),
    );
    const id = created.slice(created.lastIndexOf('/') + 1);
    report.created.push(`${SLAVES_GROUP}/${id}`);
    toPromote = { group: SLAVES_GROUP, id, endpoint: primaryEndpoint, canonical: true };
  }

  // One transaction: withdrawals, the old master out, the promoted member moved under its id.
  const ops: ZkOp[] = [...removals, ...rewrites];
  if (toPromote !== undefined && primaryEndpoint !== undefined) {
    ops.push({ op: 'remove', path: `${slaves}/${toPromote.id}` });
    ops.push({
      op: 'create',
      path: `${master}/${toPromote.id}`,
      data: encodeServiceInstance(primaryEndpoint),
    });
  }
  if (ops.length > 0) await zk.multi(ops);
  if (toPromote !== undefined) report.promoted.push(toPromote.id);

  // New secondaries, in member order.
  for (const [k, endpoint] of wantedSlaves) {
    if (keptSlaves.has(k)) continue;
    const created = await zk.createSequential(
      `${slaves}/${MEMBER_PREFIX}`,
      encodeServiceInstance(endpoint),
    );
    report.created.push(`${SLAVES_GROUP}/${created.slice(created.lastIndexOf('/') + 1)}`);
  }
}

/** The members a ServerSet shows, as a cluster view's members (weight 1, not hidden). */
export function membersFromServerSet(nodes: readonly ServerSetNode[]): ClusterMember[] {
  const out: ClusterMember[] = [];
  const seen = new Set<string>();
  let primaryTaken = false;
  for (const n of nodes) {
    if (n.endpoint === undefined || seen.has(key(n.endpoint))) continue;
    const isPrimary: boolean = n.group === MASTER_GROUP && !primaryTaken;
    if (n.group === MASTER_GROUP && primaryTaken) continue;
    primaryTaken ||= isPrimary;
    seen.add(key(n.endpoint));
    out.push({
      name: n.id,
      address: n.endpoint.host,
      port: n.endpoint.port,
      role: isPrimary ? 'PRIMARY' : 'SECONDARY',
      mode: isPrimary ? 'read_write' : 'read_only',
      weight: 1,
      hidden: false,
      disconnect: false,
    });
  }
  return out;
}
