// The leader's publication of the cluster view, in one call per hook: the members into every
// cluster-view relation (application data, generation bumped only when they changed), and,
// with a `discovery-zookeeper` URL, into ZooKeeper as a Mysos ServerSet. ZooKeeper is outside
// the hook's transaction: its failure is logged and retried on a later hook, never a failed
// (wedged) hook; the relation data is published either way.
import { createHash } from 'node:crypto';
import type { HookRuntime } from 'juju-reactive';
import { ClusterViewProvides } from '../../../interfaces/cluster-view/provides.js';
import { encodeMembers } from '../../../interfaces/cluster-view/schema.js';
import type { ClusterMember } from '../../../src/discovery/view.js';
import {
  describeZkUrl,
  parseZkUrl,
  type ZkUrl,
  ZkUrlError,
} from '../../../src/discovery/zk-url.js';
import { recordMirror } from './withdraw.js';
import { mirrorView, type ZkConnector } from './zookeeper.js';

/** Unit-state key: digest of what this unit, as leader, last mirrored into ZooKeeper. */
export const MIRRORED_STATE_KEY = 'cluster-view.zookeeper-mirrored';

/** What happened to ZooKeeper in one {@link publishClusterView} call. */
export type ZooKeeperOutcome =
  /** No `discovery-zookeeper` URL configured. */
  | 'off'
  /** The URL (or the cluster name) is invalid: logged as an error, nothing written. */
  | 'invalid'
  /** This unit already mirrored exactly these members to this URL: no session opened. */
  | 'unchanged'
  /** Mirrored now. */
  | 'mirrored'
  /** ZooKeeper failed or timed out: logged; the next call tries again. */
  | 'failed';

/** What {@link publishClusterView} did. */
export interface PublishOutcome {
  /** The generation on the relations, or undefined with no relation (or not the leader). */
  readonly generation: number | undefined;
  readonly zookeeper: ZooKeeperOutcome;
}

/** Options of {@link publishClusterView}. */
export interface PublishClusterViewOptions {
  /** The members, built with buildMembers(). */
  readonly members: readonly ClusterMember[];
  /** The cluster-view endpoint's name in metadata.yaml; when absent there, only ZooKeeper. */
  readonly endpoint: string;
  /** The `discovery-zookeeper` config value ('' or undefined: off). */
  readonly zookeeperUrl: string | undefined;
  /** The ServerSet's cluster name: `<path>/discover/<cluster>`. */
  readonly cluster: string;
  /** Bounds of the ZooKeeper call (mirrorView's defaults: 5 s connect, 10 s in all). */
  readonly connectTimeoutMs?: number;
  readonly deadlineMs?: number;
  /** Opens the ZooKeeper session (tests pass a fake). */
  readonly connect?: ZkConnector;
}

/**
 * Publish the view (leader only; on any other unit it forgets what it mirrored as leader, so a
 * unit elected again mirrors afresh, and returns). Throws only what the relation side throws:
 * members clients would reject (a charm bug, which must fail the hook).
 */
export async function publishClusterView(
  rt: HookRuntime,
  options: PublishClusterViewOptions,
): Promise<PublishOutcome> {
  if (!rt.isLeader()) {
    forgetMirror(rt);
    return { generation: undefined, zookeeper: 'off' };
  }
  const generation =
    rt.endpointByName(options.endpoint) === undefined
      ? undefined
      : rt.endpoint(ClusterViewProvides, options.endpoint).publish(options.members);
  return { generation, zookeeper: await mirrorFromHook(rt, options) };
}

/** Forget the mirror digest (a unit that is not the leader, or a config turned off). */
export function forgetMirror(rt: HookRuntime): void {
  if (rt.state.has(MIRRORED_STATE_KEY)) rt.state.unset(MIRRORED_STATE_KEY);
}

async function mirrorFromHook(
  rt: HookRuntime,
  options: PublishClusterViewOptions,
): Promise<ZooKeeperOutcome> {
  const text = options.zookeeperUrl ?? '';
  if (text === '') {
    forgetMirror(rt);
    return 'off';
  }
  let where: string;
  let url: ZkUrl;
  try {
    url = parseZkUrl(text);
    if (url.credentials !== undefined) rt.redactor.add(url.credentials.password);
    where = describeZkUrl(url);
  } catch (error) {
    if (!(error instanceof ZkUrlError)) throw error;
    rt.log.error(`discovery-zookeeper: ${error.message}; not mirroring the cluster view`);
    return 'invalid';
  }
  // The digest covers the URL (credentials included, hashed) so a new ensemble is written.
  const digest = createHash('sha256')
    .update(`${text}\n${options.cluster}\n${encodeMembers(options.members)}`)
    .digest('hex');
  if (rt.state.get(MIRRORED_STATE_KEY) === digest) return 'unchanged';
  try {
    const report = await mirrorView({
      url: text,
      cluster: options.cluster,
      members: options.members,
      ...(options.connectTimeoutMs === undefined
        ? {}
        : { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
      ...(options.connect === undefined ? {} : { connect: options.connect }),
    });
    rt.state.set(MIRRORED_STATE_KEY, digest);
    recordMirror(rt, url, options.cluster, options.members);
    const changes = [
      ...report.created.map((p) => `created ${p}`),
      ...report.promoted.map((p) => `promoted ${p}`),
      ...report.removed.map((p) => `removed ${p}`),
      ...report.rewritten.map((p) => `rewrote ${p}`),
    ];
    if (changes.length > 0)
      rt.log.info(`discovery-zookeeper: ServerSet at ${where}: ${changes.join(', ')}`);
    return 'mirrored';
  } catch (error) {
    if (error instanceof ZkUrlError) {
      rt.log.error(`discovery-zookeeper: ${error.message}; not mirroring the cluster view`);
      return 'invalid';
    }
    forgetMirror(rt);
    const reason = error instanceof Error ? error.message : String(error);
    rt.log.error(
      `discovery-zookeeper: cannot mirror the cluster view to ZooKeeper at ${where}: ${reason}; ` +
        'clients reading ZooKeeper see the previous view until a later hook succeeds',
    );
    return 'failed';
  }
}
