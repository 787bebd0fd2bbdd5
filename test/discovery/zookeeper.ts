// A real ZooKeeper server for the discovery tests: Debian's `zookeeper` package run as a
// standalone server (ZooKeeperServerMain) on 127.0.0.1, a free port, its own conf and dataDir
// in a temp dir. Stopped by PID in stop(), which tests call in afterAll (also on failure).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { connectZooKeeper, type ZkSession } from '../../src/discovery/zk-session.js';
import { parseZkUrl } from '../../src/discovery/zk-url.js';

const JAR = '/usr/share/java/zookeeper.jar';
const JAVA = ['/usr/bin/java'].find((p) => existsSync(p));

/** Why the real-ZooKeeper tests cannot run here, or undefined when they can. */
export function zookeeperUnavailable(): string | undefined {
  if (!existsSync(JAR) || JAVA === undefined)
    return 'ZooKeeper is not installed (apt-get install zookeeper); .ci/run installs it';
  return undefined;
}

export interface ZooKeeperServer {
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  readonly port: number;
  /** Milliseconds from spawn to the first `imok`. */
  readonly startMs: number;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Ask the four-letter word `ruok`; true when the server answers `imok`. */
function ruok(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write('ruok'));
    let answer = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('close', () => resolve(answer === 'imok'));
    socket.on('error', () => resolve(false));
  });
}

export async function startZooKeeper(): Promise<ZooKeeperServer> {
  const reason = zookeeperUnavailable();
  if (reason !== undefined || JAVA === undefined) throw new Error(reason);
  const root = mkdtempSync(join(tmpdir(), 'jr-zookeeper-'));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  const port = await freePort();
  const conf = join(root, 'zoo.cfg');
  writeFileSync(
    conf,
    [
      'tickTime=2000',
      `dataDir=${dataDir}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'admin.enableServer=false',
      '4lw.commands.whitelist=ruok',
      'maxClientCnxns=0',
      '',
    ].join('\n'),
  );
  const started = Date.now();
  const child: ChildProcess = spawn(
    JAVA,
    ['-Xmx128m', '-cp', JAR, 'org.apache.zookeeper.server.ZooKeeperServerMain', conf],
    { stdio: 'ignore' },
  );
  const stop = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
        return resolve();
      child.once('exit', () => resolve());
      process.kill(child.pid, 'SIGTERM');
      setTimeout(
        () =>
          child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'),
        5000,
      ).unref();
    });
    rmSync(root, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (!(await ruok(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`ZooKeeper on 127.0.0.1:${port} did not start within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { address: `127.0.0.1:${port}`, port, startMs: Date.now() - started, stop };
}

/** True when this file's real-ZooKeeper tests are skipped: not installed, and not in CI. */
export const skipRealZooKeeper =
  zookeeperUnavailable() !== undefined && process.env['CI'] !== 'true';
if (skipRealZooKeeper) console.warn(`SKIPPED the real ZooKeeper tests: ${zookeeperUnavailable()}`);

/**
 * Start a ZooKeeper for the enclosing describe (beforeAll) with one open session, and stop both
 * afterwards. Under CI=true a server that cannot start fails the tests.
 */
export function useZooKeeper(): { server: () => ZooKeeperServer; session: () => ZkSession } {
  let server: ZooKeeperServer | undefined;
  let session: ZkSession | undefined;
  beforeAll(async () => {
    server = await startZooKeeper();
    session = await connectZooKeeper(parseZkUrl(`zk://${server.address}/`));
  }, 60_000);
  afterAll(async () => {
    await session?.close();
    await server?.stop();
  });
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('ZooKeeper did not start (see beforeAll)');
    return value;
  };
  return { server: () => need(server), session: () => need(session) };
}
