// MariaDB servers on loopback for the real-database tests: one per simulated unit, each in
// its own temp datadir and port, bound to its own 127.0.0.x address. Stopped and removed by
// stop(), which tests call in afterAll (also on failure).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
      const socket = join(dir, 'mysqld.sock');
      execFileSync(
        INSTALL_DB,
        [
          '--no-defaults',
          `--datadir=${join(dir, 'data')}`,
          '--user=root',
          '--skip-test-db',
          '--auth-root-authentication-method=socket',
        ],
        {
          stdio: 'ignore',
        },
      );
      const child = spawn(
        MARIADBD,
        [
          '--no-defaults',
          `--datadir=${join(dir, 'data')}`,
          `--port=${port}`,
          `--bind-address=${address}`,
          `--socket=${socket}`,
          `--pid-file=${join(dir, 'mysqld.pid')}`,
          `--log-error=${join(dir, 'error.log')}`,
          '--user=root',
          '--skip-name-resolve',
          '--skip-log-bin',
          '--innodb-buffer-pool-size=16M',
          '--performance-schema=OFF',
        ],
        { stdio: 'ignore' },
      );
      children.push(child);
      await waitFor(
        () => existsSync(socket),
        30_000,
        `MariaDB on ${address}:${port} did not start (see ${join(dir, 'error.log')})`,
      );
      const admin = { user: 'jr_admin', password: `admin-${process.pid}-${i}-pw` };
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
