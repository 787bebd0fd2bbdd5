// publishServerSet: what a database charm's leader calls with its `discovery-zookeeper` config:
// open a session from the zk:// URL, mirror the members, close. One call per hook; the mirror
// is idempotent, so a retried hook or a new leader simply calls it again.
import { type MirrorReport, mirrorServerSet, serverSetPath } from './serverset.js';
import type { ClusterMember } from './view.js';
import { type ConnectZooKeeperOptions, connectZooKeeper } from './zk-session.js';
import { parseZkUrl } from './zk-url.js';

/** Options of {@link publishServerSet}. */
export interface PublishServerSetOptions extends ConnectZooKeeperOptions {
  /** The `discovery-zookeeper` config: `zk://host:port[,host:port]/path`. */
  readonly url: string;
  /** The cluster's name: nodes go under `<path>/discover/<cluster>`. */
  readonly cluster: string;
  /** The members, as published on the cluster-view relation. */
  readonly members: readonly ClusterMember[];
}

/**
 * Mirror the members into ZooKeeper as a Mysos ServerSet. Throws ZkUrlError for a bad URL or
 * cluster name (a config problem: tell the operator), ZkError when ZooKeeper cannot be reached
 * or refuses a write (fail the hook: Juju retries it, and the mirror converges then).
 * @example
 * const url = String(rt.config()['discovery-zookeeper'] ?? '');
 * if (url !== '') await publishServerSet({ url, cluster: rt.applicationName, members });
 */
export async function publishServerSet(options: PublishServerSetOptions): Promise<MirrorReport> {
  const url = parseZkUrl(options.url);
  const path = serverSetPath(url.path, options.cluster);
  const zk = await connectZooKeeper(url, options);
  try {
    return await mirrorServerSet(zk, path, options.members);
  } finally {
    await zk.close();
  }
}
