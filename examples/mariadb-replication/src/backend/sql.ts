// One connection to one MariaDB server, with the two ways a value reaches SQL: server-side
// prepared statements (execute) wherever MariaDB's grammar takes a placeholder, and the
// driver's escaping for the statements whose grammar takes only literals (CHANGE MASTER TO,
// CREATE USER ... IDENTIFIED BY), after the values were validated. Errors never carry the
// statement or a secret: mysql2 attaches the SQL text to its errors, and a syntax error echoes it.

import { Redactor } from 'juju-reactive';
import type { Connection, RowDataPacket } from 'mysql2/promise';

/** How to reach one server as an administrator. */
export interface ServerConnection {
  /** The address replicas reach it at (CHANGE MASTER TO MASTER_HOST). */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Connect through this Unix socket instead of host:port (this unit's own server). */
  readonly socketPath?: string;
}

/** A row as mysql2 returns it. */
export type Row = RowDataPacket;

/** A connection whose errors are scrubbed of statements and of the secrets it was told about. */
export class Sql {
  private readonly redactor = new Redactor();

  private constructor(private readonly connection: Connection) {}

  /** Connect (bounded by `timeoutMs`); the error names host:port, never the password. */
  static async connect(to: ServerConnection, timeoutMs: number): Promise<Sql> {
    // Loaded on first use: hooks that never touch SQL do not pay for the driver.
    const { createConnection } = await import('mysql2/promise');
    try {
      const c = await createConnection({
        ...(to.socketPath === undefined
          ? { host: to.host, port: to.port }
          : { socketPath: to.socketPath }),
        user: to.user,
        password: to.password,
        connectTimeout: timeoutMs,
        multipleStatements: false,
      });
      const sql = new Sql(c);
      sql.redactor.add(to.password);
      return sql;
    } catch (error) {
      throw new Error(`cannot connect to ${to.host}:${to.port}: ${codeOf(error)}`);
    }
  }

  /** Mask `secret` in every later error of this connection. */
  secret(secret: string): void {
    this.redactor.add(secret);
  }

  /** A server-side prepared statement (values never parsed as SQL). */
  async execute(statement: string, values: readonly (string | number)[] = []): Promise<Row[]> {
    try {
      const [rows] = await this.connection.execute<Row[]>(statement, values as (string | number)[]);
      return rows;
    } catch (error) {
      throw this.scrub(error, statement);
    }
  }

  /** A statement MariaDB cannot prepare with placeholders: values are escaped by the driver. */
  async query(statement: string, values: readonly (string | number)[] = []): Promise<Row[]> {
    try {
      const [rows] = await this.connection.query<Row[]>(statement, values as (string | number)[]);
      return rows;
    } catch (error) {
      throw this.scrub(error, statement);
    }
  }

  async end(): Promise<void> {
    await this.connection.end().catch(() => this.connection.destroy());
  }

  private scrub(error: unknown, statement: string): Error {
    // Only the leading keywords name the statement: never a value, even a literal one.
    const verb = /^\s*([A-Z_]+(?: [A-Z_]+)?)/.exec(statement)?.[1] ?? 'statement';
    const message = error instanceof Error ? error.message : String(error);
    const scrubbed = new Error(this.redactor.redact(`${verb}: ${message}`));
    Object.assign(scrubbed, { errno: (error as { errno?: number }).errno });
    return scrubbed;
  }
}

function codeOf(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  return typeof e.code === 'string' ? e.code : String(e.message ?? error);
}
