// N MariaDB servers set up for GTID replication on loopback (127.0.0.x), each in its own temp
// datadir: binlog on, log_slave_updates, gtid_strict_mode, distinct server_id, started
// read-only as the charm's my.cnf will start them. Faults are real: kill() sends SIGKILL to the
// server's PID; restart() starts it again on the same datadir. stop() ends them all by PID.
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { serverPaths, spawnMariaDB } from '../mariadb.js';

/** One server of the fleet. */
export interface ReplicationServer {
  /** The unit it stands for (`mysql/0`). */
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly dir: string;
  /** An administrator reachable over TCP from loopback (created unbinlogged). */
  readonly admin: { readonly user: string; readonly password: string };
}

const CLIENT = '/usr/bin/mariadb';

/** Arguments that make a server a GTID replication member. */
function replicationArgs(dir: string, serverId: number): string[] {
  return [
    `--server-id=${serverId}`,
    `--log-bin=${join(dir, 'binlog')}`,
    `--relay-log=${join(dir, 'relay')}`,
    '--log-slave-updates',
    '--binlog-format=ROW',
    '--gtid-strict-mode=1',
    '--read-only=1',
  ];
}

/** A fleet of replication servers; every process it started is stopped by stop(). */
export class ReplicationFleet {
  private readonly children = new Map<string, ChildProcess>();

  private constructor(
    readonly root: string,
    readonly servers: readonly ReplicationServer[],
  ) {}

  /** Start `n` servers as units mysql/0.. on 127.0.0.{firstHost}.., ports from `basePort`. */
  static async start(
    n: number,
    options: { firstHost?: number; basePort?: number } = {},
  ): Promise<ReplicationFleet> {
    const root = mkdtempSync(join(tmpdir(), 'jr-repl-'));
    const basePort = options.basePort ?? 40000 + (process.pid % 2000) * 10;
    const servers = Array.from({ length: n }, (_, i) => ({
      id: `mysql/${i}`,
      address: `127.0.0.${(options.firstHost ?? 10) + i}`,
      port: basePort + i,
      dir: join(root, `db${i}`),
      admin: { user: 'jr_admin', password: `admin-${process.pid}-${i}-${Date.now()}` },
    }));
    const fleet = new ReplicationFleet(root, servers);
    try {
      for (const s of servers) await fleet.restart(s.id);
      for (const s of servers) {
        // Not binlogged: a local account must not become a GTID the other servers lack.
        const grant = (host: string): string =>
          `CREATE USER '${s.admin.user}'@'${host}' IDENTIFIED BY '${s.admin.password}'; GRANT ALL PRIVILEGES ON *.* TO '${s.admin.user}'@'${host}' WITH GRANT OPTION;`;
        execFileSync(CLIENT, ['--no-defaults', '-S', serverPaths(s.dir).socket, '-u', 'root'], {
          input: `SET SESSION sql_log_bin=0; ${grant('localhost')} ${grant('127.0.0.1')}`,
        });
      }
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    return fleet;
  }

  /** The server standing for `id`. */
  server(id: string): ReplicationServer {
    const s = this.servers.find((x) => x.id === id);
    if (!s) throw new Error(`no server ${id}`);
    return s;
  }

  /** Run one statement on `id` as its administrator over TCP; the rows it returned. */
  async sql<T = Record<string, unknown>[]>(
    id: string,
    statement: string,
    values: unknown[] = [],
  ): Promise<T> {
    const s = this.server(id);
    const c = await createConnection({
      host: s.address,
      port: s.port,
      user: s.admin.user,
      password: s.admin.password,
    });
    try {
      const [rows] = await c.query(statement, values);
      return rows as T;
    } finally {
      await c.end();
    }
  }

  /** Whether the server's process is running. */
  running(id: string): boolean {
    const c = this.children.get(id);
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  /** SIGKILL the server's process by its PID and wait for it to be gone. */
  async kill(id: string): Promise<void> {
    const child = this.children.get(id);
    if (!child?.pid || !this.running(id)) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(child.pid, 'SIGKILL');
    await gone;
  }

  /** Start (or start again) the server on its datadir. */
  async restart(id: string): Promise<void> {
    if (this.running(id)) return;
    const s = this.server(id);
    const serverId = this.servers.indexOf(s) + 1;
    const child = await spawnMariaDB({
      dir: s.dir,
      address: s.address,
      port: s.port,
      extraArgs: replicationArgs(s.dir, serverId),
    });
    this.children.set(id, child);
  }

  /** Stop every server (SIGTERM by PID, SIGKILL after 10 s) and remove the datadirs. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.children.values()].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null || !c.pid) return resolve();
            c.once('exit', () => resolve());
            process.kill(c.pid, 'SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    rmSync(this.root, { recursive: true, force: true });
  }
}
