// ZkSession: the few ZooKeeper operations the ServerSet mirror and reader need, as promises.
// The only module that talks to node-zookeeper-client; tests may supply another ZkSession.
import type { ZkUrl } from './zk-url.js';

/** One operation of an atomic multi-op (ZooKeeper `multi`). */
export type ZkOp =
  | { readonly op: 'create'; readonly path: string; readonly data: Buffer }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'set'; readonly path: string; readonly data: Buffer };

/** Why a ZooKeeper call failed, when it is one a caller may handle. */
export type ZkErrorKind = 'no-node' | 'node-exists' | 'not-empty' | 'connection' | 'other';

/** A failed ZooKeeper call. */
export class ZkError extends Error {
  override readonly name = 'ZkError';
  constructor(
    readonly kind: ZkErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** The ZooKeeper calls the discovery code makes. Paths are absolute. */
export interface ZkSession {
  /** Children of a node (names, unsorted), or undefined when the node does not exist. */
  children(path: string, watch?: () => void): Promise<string[] | undefined>;
  /** Data of a node, or undefined when it does not exist. */
  data(path: string): Promise<Buffer | undefined>;
  /** Create the node and its missing parents (persistent, empty), if missing. */
  mkdirp(path: string): Promise<void>;
  /** Create a persistent sequential node `prefix<10 digits>`; returns its full path. */
  createSequential(prefix: string, data: Buffer): Promise<string>;
  /** Apply the operations atomically: all or none. */
  multi(ops: readonly ZkOp[]): Promise<void>;
  /** End the session. */
  close(): Promise<void>;
  /** False once the session expired or was closed: open a new one. */
  readonly usable?: boolean;
}

/** Options of {@link connectZooKeeper}. */
export interface ConnectZooKeeperOptions {
  /** Give up connecting after this long. Default 10 s. */
  readonly timeoutMs?: number;
  /** The session timeout asked of the server. Default 10 s. */
  readonly sessionTimeoutMs?: number;
}

/**
 * Open a ZooKeeper session to the ensemble of a `zk://` URL (node-zookeeper-client, loaded on
 * first use so a charm that never uses ZooKeeper does not pay for it).
 */
export async function connectZooKeeper(
  url: ZkUrl,
  options: ConnectZooKeeperOptions = {},
): Promise<ZkSession> {
  const zk = await import('node-zookeeper-client');
  const lib = (zk as unknown as { default?: typeof zk }).default ?? zk;
  const client = lib.createClient(url.servers.join(','), {
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    spinDelay: 200,
    retries: 0,
  });
  const timeoutMs = options.timeoutMs ?? 10_000;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(
        new ZkError(
          'connection',
          `cannot reach ZooKeeper at ${url.servers.join(',')} within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.connect();
  });
  // An expired session never comes back (ZooKeeper drops its watches too): say so at once.
  let usable = true;
  client.once('expired', () => {
    usable = false;
  });
  if (url.credentials !== undefined)
    client.addAuthInfo(
      'digest',
      Buffer.from(`${url.credentials.user}:${url.credentials.password}`),
    );

  const kindOf = (error: unknown): ZkErrorKind => {
    const code = (error as { getCode?: () => number }).getCode?.();
    if (code === lib.Exception.NO_NODE) return 'no-node';
    if (code === lib.Exception.NODE_EXISTS) return 'node-exists';
    if (code === lib.Exception.NOT_EMPTY) return 'not-empty';
    if (code === lib.Exception.CONNECTION_LOSS || code === lib.Exception.SESSION_EXPIRED)
      return 'connection';
    return 'other';
  };
  const fail = (what: string, error: unknown): ZkError =>
    new ZkError(
      kindOf(error),
      `ZooKeeper ${what}: ${error instanceof Error ? error.message : String(error)}`,
    );

  return {
    get usable() {
      return usable;
    },
    children: (path, watch) =>
      new Promise((resolve, reject) => {
        const done = (error: unknown, children: string[]): void => {
          if (error === null || error === undefined) resolve(children);
          else if (kindOf(error) === 'no-node') resolve(undefined);
          else reject(fail(`getChildren ${path}`, error));
        };
        if (watch === undefined) client.getChildren(path, done);
        else client.getChildren(path, () => watch(), done);
      }),
    data: (path) =>
      new Promise((resolve, reject) => {
        client.getData(path, (error, data) => {
          if (error === null || error === undefined) resolve(data ?? Buffer.alloc(0));
          else if (kindOf(error) === 'no-node') resolve(undefined);
          else reject(fail(`getData ${path}`, error));
        });
      }),
    mkdirp: (path) =>
      new Promise((resolve, reject) => {
        client.mkdirp(path, (error) => (error ? reject(fail(`mkdirp ${path}`, error)) : resolve()));
      }),
    createSequential: (prefix, data) =>
      new Promise((resolve, reject) => {
        client.create(prefix, data, lib.CreateMode.PERSISTENT_SEQUENTIAL, (error, created) =>
          error ? reject(fail(`create ${prefix}`, error)) : resolve(created),
        );
      }),
    multi: (ops) =>
      new Promise((resolve, reject) => {
        const tx = client.transaction();
        for (const op of ops) {
          if (op.op === 'create') tx.create(op.path, op.data, lib.CreateMode.PERSISTENT);
          else if (op.op === 'remove') tx.remove(op.path, -1);
          else tx.setData(op.path, op.data, -1);
        }
        tx.commit((error) => (error ? reject(fail('multi', error)) : resolve()));
      }),
    close: () =>
      new Promise((resolve) => {
        usable = false;
        client.once('disconnected', () => resolve());
        client.close();
        setTimeout(resolve, 1000).unref();
      }),
  };
}
