// The ServerSet mirror with bounds a hook can live with: one session per call, a connect
// timeout and a deadline on the whole mirror, after which the session is closed and the call
// fails. The database charm's leader (publish.ts) and the failover-under-load test call it.
import {
  type MirrorReport,
  mirrorServerSet,
  serverSetPath,
} from '../../../src/discovery/serverset.js';
import type { ClusterMember } from '../../../src/discovery/view.js';
import {
  type ConnectZooKeeperOptions,
  connectZooKeeper,
  ZkError,
  type ZkSession,
} from '../../../src/discovery/zk-session.js';
import { describeZkUrl, parseZkUrl, type ZkUrl } from '../../../src/discovery/zk-url.js';

/** Give up connecting to ZooKeeper after this long (default of {@link MirrorOptions.connectTimeoutMs}). */
export const DEFAULT_ZK_CONNECT_TIMEOUT_MS = 5_000;
/**
 * The whole mirror (connect, read, write) ends within this long (default of
 * {@link MirrorOptions.deadlineMs}); closing the session afterwards waits at most 1 s more.
 */
export const DEFAULT_ZK_DEADLINE_MS = 10_000;

/** Opens a session: connectZooKeeper, or a fake in tests. */
export type ZkConnector = (url: ZkUrl, options: ConnectZooKeeperOptions) => Promise<ZkSession>;

/** Options of {@link mirrorView}. */
export interface MirrorOptions {
  /** The `discovery-zookeeper` config: `zk://host:port[,host:port]/path`. */
  readonly url: string;
  /** The cluster's name: nodes go under `<path>/discover/<cluster>`. */
  readonly cluster: string;
  readonly members: readonly ClusterMember[];
  /** Default {@link DEFAULT_ZK_CONNECT_TIMEOUT_MS}. */
  readonly connectTimeoutMs?: number;
  /** Default {@link DEFAULT_ZK_DEADLINE_MS}. */
  readonly deadlineMs?: number;
  /** Default connectZooKeeper (node-zookeeper-client). */
  readonly connect?: ZkConnector;
}

/**
 * Mirror the members into the cluster's ServerSet (mirrorServerSet: idempotent, promotion keeps
 * the member id, hidden members withdrawn). Throws ZkUrlError for a bad URL or cluster name, and
 * ZkError (kind `connection` on a timeout) when ZooKeeper cannot be reached, refuses a write,
 * or the deadline passes; the message names the servers, never the credentials.
 */
export async function mirrorView(options: MirrorOptions): Promise<MirrorReport> {
  const url = parseZkUrl(options.url);
  const path = serverSetPath(url.path, options.cluster);
  return withZkSession(url, options, (session) => mirrorServerSet(session, path, options.members));
}

/** Bounds of {@link withZkSession}: those of {@link MirrorOptions}. */
export type SessionBounds = Pick<MirrorOptions, 'connectTimeoutMs' | 'deadlineMs' | 'connect'>;

/**
 * Run `work` in one ZooKeeper session within the deadline (connect timeout, then the whole
 * call), closing the session afterwards. Throws ZkError (kind `connection` on a timeout).
 */
export async function withZkSession<T>(
  url: ZkUrl,
  options: SessionBounds,
  work: (session: ZkSession) => Promise<T>,
): Promise<T> {
  const deadlineMs = options.deadlineMs ?? DEFAULT_ZK_DEADLINE_MS;
  const connect = options.connect ?? connectZooKeeper;
  let session: ZkSession | undefined;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(
        new ZkError(
          'connection',
          `no answer from ZooKeeper at ${describeZkUrl(url)} within ${deadlineMs} ms`,
        ),
      );
    }, deadlineMs);
  });
  const running = (async () => {
    const opened = await connect(url, {
      timeoutMs: Math.min(options.connectTimeoutMs ?? DEFAULT_ZK_CONNECT_TIMEOUT_MS, deadlineMs),
    });
    // Connected after the deadline: nobody waits for this session any more.
    if (timedOut) {
      await opened.close();
      throw new ZkError('connection', 'connected after the deadline');
    }
    session = opened;
    return work(opened);
  })();
  running.catch(() => undefined); // its failure after the deadline is reported by the deadline
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
    await (session as ZkSession | undefined)?.close();
  }
}
