// The application side of the failover-under-load test: one writer and one reader going through
// juju-reactive/client as an application would, recording every acknowledged write (id, the
// member that took it, when) and every read (the member picked and the server that answered).
// Independent of what runs the database (the failover engine here, a charm later).
import type { Connection, RowDataPacket } from 'mysql2/promise';
import {
  type ClusterClient,
  ClusterClientError,
  RetryableClusterError,
} from '../../../src/client/index.js';

/** Members are told apart by `<address>:<port>` (a ServerSet names them by node id only). */
export const endpointOf = (m: { readonly address: string; readonly port: number }): string =>
  `${m.address}:${m.port}`;

export interface Ack {
  readonly id: number;
  /** `<address>:<port>` of the member that took it. */
  readonly member: string;
  readonly at: number;
}

export interface Read {
  /** `<address>:<port>` of the member picked. */
  readonly member: string;
  /** `@@port` of the server that answered: it must be the member's port. */
  readonly answeredPort: number;
  readonly memberPort: number;
}

/** Writes `INSERT ... ON DUPLICATE KEY UPDATE` (a retried commit is harmless) in a loop. */
export class AppLoad {
  readonly acks: Ack[] = [];
  readonly reads: Read[] = [];
  readonly errors: string[] = [];
  /** An error the application would not retry (a bug, or a server that lost data). */
  fatal: unknown;
  private stopping = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly client: ClusterClient<Connection>,
    private readonly table: string,
  ) {}

  start(): void {
    this.stopping = false;
    const fail = (error: unknown): void => {
      this.fatal ??= error;
      this.stopping = true;
    };
    this.loops = [this.writer().catch(fail), this.reader().catch(fail)];
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  /** The longest time between two consecutive acknowledged writes, and when it began. */
  longestGap(): { ms: number; from: number } {
    let best = { ms: 0, from: 0 };
    for (let i = 1; i < this.acks.length; i++) {
      const a = this.acks[i - 1];
      const b = this.acks[i];
      if (a && b && b.at - a.at > best.ms) best = { ms: b.at - a.at, from: a.at };
    }
    return best;
  }

  private async writer(): Promise<void> {
    let id = 1;
    while (!this.stopping) {
      try {
        const member = await this.client.transaction(
          async (db, m) => {
            await db.query(
              `INSERT INTO ${this.table} (id, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)`,
              [id, `w-${id}`],
            );
            return endpointOf(m);
          },
          { attempts: 1 },
        );
        this.acks.push({ id, member, at: performance.now() });
        id++;
      } catch (error) {
        if (!(error instanceof RetryableClusterError || error instanceof ClusterClientError))
          throw error;
        this.errors.push(`write ${id}: ${error.message}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  private async reader(): Promise<void> {
    while (!this.stopping) {
      try {
        const read = await this.client.run('read_only', async (db, m) => {
          const [rows] = await db.query<RowDataPacket[]>('SELECT @@port AS port');
          return {
            member: endpointOf(m),
            answeredPort: Number(rows[0]?.['port']),
            memberPort: m.port,
          };
        });
        this.reads.push(read);
      } catch (error) {
        if (!(error instanceof RetryableClusterError || error instanceof ClusterClientError))
          throw error;
        this.errors.push(`read: ${error.message}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
