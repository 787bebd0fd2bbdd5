// Start and stop the control plane: compile the dashboard script, build the registry and the
// app, listen on loopback (by default), and close everything (streams, models) on stop.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import { build } from 'esbuild';
import { readMetadata } from '../juju/metadata.js';
import { createApp } from './app.js';
import { ZkDiscovery } from './discovery.js';
import { Registry } from './registry.js';

/** How to start the control plane. */
export interface ServeOptions {
  /** The charm every cluster deploys (default: the mysql-innodb-cluster example). */
  readonly charmDir?: string;
  /** The address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** The port (default 0: any free port). */
  readonly port?: number;
  /** Pause between hooks in ms, so a person can watch a cluster converge (default 0). */
  readonly paceMs?: number;
  /** The most clusters at once (default 32); more creates get 503. */
  readonly maxClusters?: number;
  /** Request log lines (method, path, status); never bodies or passwords. */
  readonly log?: (line: string) => void;
  /**
   * A ZooKeeper to publish every cluster in as a Mysos ServerSet (`zk://host:port/path`):
   * `cluster_url` is then the cluster's discovery group. Checked before anything starts.
   */
  readonly zk?: string;
  /** Trouble worth an operator's eye (ZooKeeper unreachable), one line each. Default: stderr. */
  readonly warn?: (line: string) => void;
}

/** A running control plane. */
export interface RunningServer {
  /** The base URL, like `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The clusters. */
  readonly registry: Registry;
  /** The ZooKeeper mirror, when started with `zk`. */
  readonly discovery: ZkDiscovery | undefined;
  /** Stop: end event streams, stop every cluster's driver, close the socket. */
  close(): Promise<void>;
}

/** Find the example charm dir by walking up from this module to the package root. */
export function defaultCharmDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'examples', 'mysql-innodb-cluster');
    if (existsSync(join(candidate, 'metadata.yaml'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        'cannot find the mysql-innodb-cluster example charm (examples/ is in the source tree, not the npm package): pass --charm <dir>',
      );
    }
    dir = parent;
  }
}

/** Compile the dashboard's script (TypeScript in the source tree, JavaScript once built). */
async function clientScript(): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const entry = ['dashboard-client.ts', 'dashboard-client.js']
    .map((f) => join(here, f))
    .find((f) => existsSync(f));
  if (entry === undefined) throw new Error(`the dashboard script is missing from ${here}`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2020',
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Start the control plane.
 * @example
 * const server = await startServer({ port: 0 });
 * console.log(server.url); // http://127.0.0.1:40123
 * await server.close();
 */
export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const charmDir = resolve(options.charmDir ?? defaultCharmDir());
  const host = options.host ?? '127.0.0.1';
  let baseUrl = '';
  const metadata = readMetadata(charmDir);
  let discovery: ZkDiscovery | undefined;
  const registry = new Registry({
    charmDir,
    paceMs: options.paceMs ?? 0,
    urlFor: (name) => discovery?.clusterUrl(name) ?? `${baseUrl}/clusters/${name}`,
    maxClusters: options.maxClusters ?? 32,
    nameProblem: (name) => discovery?.nameProblem(name),
  });
  if (options.zk !== undefined) {
    discovery = new ZkDiscovery({
      url: options.zk,
      lookup: (name) => registry.get(name),
      metadata,
      hub: registry.hub,
      warn: options.warn ?? ((line) => process.stderr.write(`${line}\n`)),
    });
  }
  const allowedHosts = new Set<string>();
  let closingResolve: () => void = () => {};
  const closing = new Promise<void>((r) => {
    closingResolve = r;
  });
  const app = createApp({
    registry,
    metadata,
    clientScript: await clientScript(),
    ...(discovery === undefined ? {} : { discovery }),
    allowedHosts,
    closing,
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  baseUrl = `http://${shownHost}:${port}`;
  // Only Host headers naming this server are served (a DNS-rebinding guard).
  const names = isLoopback(host) ? [...LOOPBACK_NAMES, shownHost] : [shownHost];
  for (const name of names) allowedHosts.add(`${name}:${port}`);
  if (host === '0.0.0.0' || host === '::') allowedHosts.clear();

  return {
    url: baseUrl,
    registry,
    discovery,
    async close() {
      closingResolve();
      // Withdraw first: the clusters' models do not outlive this process.
      await discovery?.close();
      await registry.close();
      await new Promise<void>((r) => {
        server.close(() => r());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    },
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
