// Where the cluster client gets its view: a static list, a cluster-view relation read in a
// client charm, or a ZooKeeper ServerSet (watched: a change drops the client's cache at once).
import { membersFromServerSet, readServerSet, serverSetPath } from '../discovery/serverset.js';
import type { ClusterMember, ClusterView } from '../discovery/view.js';
import {
  type ConnectZooKeeperOptions,
  connectZooKeeper,
  type ZkSession,
} from '../discovery/zk-session.js';
import { describeZkUrl, parseZkUrl } from '../discovery/zk-url.js';
import { ClusterClientError } from './errors.js';

/** A place the client reads the cluster view from. */
export interface ViewSource {
  /** The view now. Throws ClusterClientError(`no-view`) when there is none yet. */
  read(): Promise<ClusterView>;
  /** Be told when the view may have changed (the client then drops its cache). */
  subscribe?(onChange: () => void): void;
  /** Release what the source holds (a ZooKeeper session). */
  close?(): Promise<void>;
}

/** A fixed list of members (generation 1): for tests, or a cluster without discovery. */
export function staticView(members: readonly ClusterMember[]): ViewSource {
  const view: ClusterView = { generation: 1, members: [...members] };
  return { read: async () => view };
}

/**
 * The view a cluster-view relation delivered, for code that runs inside a client charm:
 * `relationView(() => rt.endpoint(ClusterViewRequires).view)`.
 */
export function relationView(get: () => ClusterView | undefined): ViewSource {
  return {
    read: async () => {
      const view = get();
      if (view === undefined)
        throw new ClusterClientError(
          'no-view',
          'the cluster-view relation holds no valid view yet',
        );
      return view;
    },
  };
}

/** Options of {@link zookeeperView}. */
export interface ZooKeeperViewOptions extends ConnectZooKeeperOptions {
  /** `zk://host:port[,host:port]/path`: the path Mysos calls its zk_url. */
  readonly url: string;
  /** The cluster's name: the view is read from `<path>/discover/<cluster>`. */
  readonly cluster: string;
  /** An open session to use instead of connecting (tests). */
  readonly session?: ZkSession;
}

/**
 * The members a ServerSet in ZooKeeper shows (as Mysos publishes them, and the charm's
 * discovery mirror writes them): `master` is the PRIMARY, `slaves` are SECONDARY members with
 * weight 1. Children are watched: any change tells the client to read again. The generation
 * counts the reads that found a different membership.
 */
export function zookeeperView(options: ZooKeeperViewOptions): ViewSource {
  const url = parseZkUrl(options.url);
  const path = serverSetPath(url.path, options.cluster);
  const listeners: (() => void)[] = [];
  let session: Promise<ZkSession> | undefined = options.session && Promise.resolve(options.session);
  let last: ClusterView | undefined;
  // Groups with a children watch still outstanding in the current session (a watch fires
  // once): re-arming only fired ones keeps one watcher per group however often the client reads.
  const armed = new Set<string>();
  const watchFor = (group: string): (() => void) | undefined => {
    if (armed.has(group)) return undefined;
    armed.add(group);
    return () => {
      armed.delete(group);
      for (const f of listeners) f();
    };
  };
  const open = async (): Promise<ZkSession> => {
    const current = session === undefined ? undefined : await session;
    if (current !== undefined && current.usable === false && options.session === undefined) {
      session = undefined;
      armed.clear(); // a new session holds none of the old one's watches
    }
    session ??= connectZooKeeper(url, options).catch((error: unknown) => {
      session = undefined;
      throw new ClusterClientError(
        'no-view',
        `cannot read the ServerSet at ${describeZkUrl(url)}`,
        {
          cause: error,
        },
      );
    });
    return session;
  };
  return {
    read: async () => {
      const zk = await open();
      let nodes: Awaited<ReturnType<typeof readServerSet>>;
      try {
        nodes = await withTimeout(readServerSet(zk, path, watchFor), options.timeoutMs ?? 10_000);
      } catch (error) {
        // Whether the failed read left its watches is unknown: arm again next time (a spare
        // watch costs one extra notification; a missing one would hide a change).
        armed.clear();
        // A lost or expired session: the next read opens a new one.
        if (options.session === undefined) {
          session = undefined;
          void zk.close().catch(() => undefined);
        }
        throw new ClusterClientError(
          'no-view',
          `cannot read the ServerSet at ${describeZkUrl(url)}`,
          {
            cause: error,
          },
        );
      }
      const members = membersFromServerSet(nodes);
      if (last === undefined || JSON.stringify(last.members) !== JSON.stringify(members))
        last = { generation: (last?.generation ?? 0) + 1, members };
      return last;
    },
    subscribe: (onChange) => {
      listeners.push(onChange);
    },
    close: async () => {
      const zk = session;
      session = undefined;
      armed.clear();
      if (zk !== undefined && options.session === undefined) await (await zk).close();
    },
  };
}

/** Reject when `work` takes longer than `ms` (a ZooKeeper client waits through disconnections). */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no answer from ZooKeeper within ${ms} ms`)),
      ms,
    );
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
