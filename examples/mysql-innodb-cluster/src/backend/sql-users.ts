// SQL users through mysql2. Lookups and marks are server-side prepared statements (`execute`).
// CREATE/ALTER USER cannot take a placeholder for the password (MariaDB and MySQL refuse
// `IDENTIFIED BY ?` in PREPARE), so those run on a session whose sql_mode this module sets
// itself: the driver's client-side escaping is then right whatever mode the server runs
// (NO_BACKSLASH_ESCAPES would otherwise let a crafted password end the string literal).
// Account names and hosts are checked (assertSafeAccount) before any statement is built.
import type { Connection, ConnectionOptions, RowDataPacket } from 'mysql2/promise';
import {
  assertSafeAccount,
  type ClusterAccount,
  ForeignAccountError,
  type UserBackend,
} from './types.js';

/** How to reach this unit's own instance as an administrator. */
export type LocalConnection = Pick<
  ConnectionOptions,
  'host' | 'port' | 'user' | 'password' | 'socketPath'
>;

/**
 * The session's sql_mode: no NO_BACKSLASH_ESCAPES and no ANSI_QUOTES, so a string literal
 * escaped by the driver means the same text to the server. Valid on MySQL 8 and MariaDB 10+.
 */
const SESSION_SQL_MODE = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION';

/**
 * Where the charm marks the accounts it created, on each instance: a mark survives a hook that
 * fails after creating the account (unit state would not), and a missing mark on an existing
 * account means the charm did not create it.
 */
const MARKS_SCHEMA = 'juju_mysql_innodb_cluster';
const MARKS = `\`${MARKS_SCHEMA}\`.\`created_accounts\``;

export class SqlUserBackend implements UserBackend {
  readonly adminUser: string | undefined;

  constructor(private readonly connection: LocalConnection) {
    this.adminUser = connection.user;
  }

  private async withConnection<T>(work: (c: Connection) => Promise<T>): Promise<T> {
    // Loaded on first use: hooks that never touch SQL do not pay for the driver.
    const { createConnection } = await import('mysql2/promise');
    const c = await createConnection({ ...this.connection, connectTimeout: 10_000 });
    try {
      await c.execute('SET SESSION sql_mode = ?', [SESSION_SQL_MODE]);
      return await work(c);
    } finally {
      await c.end();
    }
  }

  private async marksTable(c: Connection): Promise<void> {
    await c.query(`CREATE DATABASE IF NOT EXISTS \`${MARKS_SCHEMA}\``);
    await c.query(
      `CREATE TABLE IF NOT EXISTS ${MARKS} (user VARCHAR(80) NOT NULL, host VARCHAR(255) NOT NULL, PRIMARY KEY (user, host))`,
    );
  }

  private async state(
    c: Connection,
    account: ClusterAccount,
  ): Promise<{ exists: boolean; marked: boolean }> {
    const [users] = await c.execute<RowDataPacket[]>(
      'SELECT 1 FROM mysql.user WHERE User = ? AND Host = ?',
      [account.user, account.host],
    );
    const [marks] = await c.execute<RowDataPacket[]>(
      `SELECT 1 FROM ${MARKS} WHERE user = ? AND host = ?`,
      [account.user, account.host],
    );
    return { exists: users.length > 0, marked: marks.length > 0 };
  }

  async createClusterUser(account: ClusterAccount, password: string): Promise<void> {
    assertSafeAccount(account);
    await this.withConnection(async (c) => {
      await this.marksTable(c);
      const { exists, marked } = await this.state(c, account);
      if (exists && !marked) throw new ForeignAccountError(account);
      if (!marked)
        await c.execute(`INSERT IGNORE INTO ${MARKS} (user, host) VALUES (?, ?)`, [
          account.user,
          account.host,
        ]);
      await c.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [
        account.user,
        account.host,
        password,
      ]);
      // An account left by a hook that failed may hold a password that was never committed.
      await c.query('ALTER USER ?@? IDENTIFIED BY ?', [account.user, account.host, password]);
      await c.query('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', [
        account.user,
        account.host,
      ]);
    });
  }

  async adoptClusterUser(account: ClusterAccount): Promise<void> {
    assertSafeAccount(account);
    await this.withConnection(async (c) => {
      await this.marksTable(c);
      const { exists, marked } = await this.state(c, account);
      if (exists && !marked)
        await c.execute(`INSERT IGNORE INTO ${MARKS} (user, host) VALUES (?, ?)`, [
          account.user,
          account.host,
        ]);
    });
  }

  async dropClusterUser(account: ClusterAccount): Promise<void> {
    assertSafeAccount(account);
    await this.withConnection(async (c) => {
      await this.marksTable(c);
      if (!(await this.state(c, account)).marked) return;
      await c.query('DROP USER IF EXISTS ?@?', [account.user, account.host]);
      await c.execute(`DELETE FROM ${MARKS} WHERE user = ? AND host = ?`, [
        account.user,
        account.host,
      ]);
    });
  }

  async listClusterUsers(user: string): Promise<string[]> {
    return this.withConnection(async (c) => {
      await this.marksTable(c);
      const [rows] = await c.execute<RowDataPacket[]>(
        `SELECT host FROM ${MARKS} WHERE user = ? ORDER BY host`,
        [user],
      );
      return rows.map((r) => String(r.host));
    });
  }
}
