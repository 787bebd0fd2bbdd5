// MariaDB servers on loopback for the real-database tests: one per simulated unit, each in
// its own temp datadir and port, bound to its own 127.0.0.x address. Stopped and removed by
// stop(), which tests call in afterAll (also on failure).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, type ConnectionOptions, createConnection } from 'mysql2/promise';

const MARIADBD = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd'].find((p) => existsSync(p));
const INSTALL_DB = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'].find((p) =>
  existsSync(p),
);
const CLIENT = ['/usr/bin/mariadb', '/usr/bin/mysql'].find((p) => existsSync(p));

/** Why the real-database tests cannot run here, or undefined when they can. */
export function mariadbUnavailable(): string | undefined {
  if (!MARIADBD || !INSTALL_DB || !CLIENT)
    return 'MariaDB is not installed (apt-get install mariadb-server); .ci/run installs it';
  return undefined;
}

/**
 * Whether a suite that needs MariaDB skips here: only outside CI. Under `CI=true` it runs,
 * and startMariaDB's error fails it, so a CI machine without MariaDB can never pass silently.
 */
export function skipMariaDB(): boolean {
  const why = mariadbUnavailable();
  if (why === undefined) return false;
  if (process.env.CI === 'true') return false;
  console.warn(`SKIPPED real-database tests: ${why}`);
  return true;
}

export interface MariaDBServer {
  readonly address: string;
  readonly port: number;
  readonly socket: string;
  /** An administrator reachable through the socket with a password. */
  readonly admin: { readonly user: string; readonly password: string };
}

export interface MariaDBFleet {
  readonly servers: readonly MariaDBServer[];
  stop(): Promise<void>;
}

/** Start `n` servers on 127.0.0.{firstHost..}, ports from `basePort`. */
export async function startMariaDB(
  n: number,
  options: { firstHost?: number; basePort?: number } = {},
): Promise<MariaDBFleet> {
  if (!MARIADBD || !INSTALL_DB || !CLIENT) throw new Error(mariadbUnavailable());
  const root = mkdtempSync(join(tmpdir(), 'jr-mariadb-'));
  const children: ChildProcess[] = [];
  const servers: MariaDBServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const basePort = options.basePort ?? 30000 + (process.pid % 2000) * 10;
    for (let i = 0; i < n; i++) {
      const dir = join(root, `db${i}`);
      const address = `127.0.0.${(options.firstHost ?? 2) + i}`;
      const port = basePort + i;
      const child = await spawnMariaDB({ dir, address, port, extraArgs: ['--skip-log-bin'] });
      children.push(child);
      const admin = { user: 'jr_admin', password: `admin-${process.pid}-${i}-pw` };
      const socket = join(dir, 'mysqld.sock');
      execFileSync(CLIENT, ['--no-defaults', '-S', socket, '-u', 'root'], {
        input: `CREATE USER '${admin.user}'@'localhost' IDENTIFIED BY '${admin.password}'; GRANT ALL PRIVILEGES ON *.* TO '${admin.user}'@'localhost' WITH GRANT OPTION;`,
      });
      servers.push({ address, port, socket, admin });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { servers, stop };
}

/** One server's files: datadir, socket, pid file and error log under `dir`. */
export function serverPaths(dir: string): {
  datadir: string;
  socket: string;
  pidFile: string;
  errorLog: string;
  tmpdir: string;
} {
  return {
    datadir: join(dir, 'data'),
    socket: join(dir, 'mysqld.sock'),
    pidFile: join(dir, 'mysqld.pid'),
    errorLog: join(dir, 'error.log'),
    tmpdir: join(dir, 'tmp'),
  };
}

/**
 * Start one mariadbd on `address:port` with its files under `dir`, initialising the datadir
 * first when it does not exist (root by socket only); resolves once its socket exists. The
 * caller stops it (by PID). `extraArgs` follow the common ones (binlog, server id, ...).
 */
export async function spawnMariaDB(options: {
  dir: string;
  address: string;
  port: number;
  extraArgs: readonly string[];
}): Promise<ChildProcess> {
  if (!MARIADBD || !INSTALL_DB || !CLIENT) throw new Error(mariadbUnavailable());
  const { dir, address, port } = options;
  const paths = serverPaths(dir);
  // A private tmpdir: with /tmp shared by other servers (other test files run in parallel),
  // a bootstrap here failed with "Error on delete of '/tmp/#sql-temptable-…' (Errcode: 2)".
  mkdirSync(paths.tmpdir, { recursive: true });
  if (!existsSync(paths.datadir)) {
    try {
      execFileSync(
        INSTALL_DB,
        [
          '--no-defaults',
          `--datadir=${paths.datadir}`,
          '--user=root',
          '--skip-test-db',
          '--auth-root-authentication-method=socket',
          `--tmpdir=${paths.tmpdir}`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
    } catch (error) {
      const output =
        String((error as { stderr?: unknown }).stderr ?? '') ||
        String((error as { stdout?: unknown }).stdout ?? '');
      throw new Error(
        `mariadb-install-db failed for ${paths.datadir}: ${output.trim().slice(-2000)}`,
      );
    }
  }
  rmSync(paths.socket, { force: true });
  const child = spawn(
    MARIADBD,
    [
      '--no-defaults',
      `--datadir=${paths.datadir}`,
      `--port=${port}`,
      `--bind-address=${address}`,
      `--socket=${paths.socket}`,
      `--pid-file=${paths.pidFile}`,
      `--log-error=${paths.errorLog}`,
      `--tmpdir=${paths.tmpdir}`,
      '--user=root',
      '--skip-name-resolve',
      ...options.extraArgs,
      '--innodb-buffer-pool-size=16M',
      '--performance-schema=OFF',
    ],
    { stdio: 'ignore' },
  );
  try {
    await waitFor(
      () => existsSync(paths.socket) || child.exitCode !== null,
      30_000,
      `MariaDB on ${address}:${port} did not start (see ${paths.errorLog})`,
    );
    if (child.exitCode !== null) {
      throw new Error(
        `MariaDB on ${address}:${port} exited with ${child.exitCode} (see ${paths.errorLog})`,
      );
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return child;
}

async function waitFor(check: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Connect from a given local address (mysql2 accepts localAddress but never binds it). */
export function from(
  localAddress: string,
  options: { host: string; port: number; user: string; password: string },
): ConnectionOptions {
  return { ...options, stream: connect({ host: options.host, port: options.port, localAddress }) };
}

/** A connection to `server` as its administrator (through the socket). */
export function adminConnection(server: MariaDBServer): Promise<Connection> {
  return createConnection({
    socketPath: server.socket,
    user: server.admin.user,
    password: server.admin.password,
  });
}

/** The hosts of the accounts named `user` on `server`, sorted (read as the administrator). */
export async function accountHosts(server: MariaDBServer, user: string): Promise<string[]> {
  const admin = await adminConnection(server);
  try {
    const [rows] = await admin.execute(
      'SELECT Host AS host FROM mysql.user WHERE User = ? ORDER BY Host',
      [user],
    );
    return (rows as { host: string }[]).map((r) => r.host);
  } finally {
    await admin.end();
  }
}
