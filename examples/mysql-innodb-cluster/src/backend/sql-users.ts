// SQL users through mysql2. Every identifier and value goes through the driver's
// placeholders (client-side escaping); no statement is ever built by concatenating peer data.
import type { Connection, ConnectionOptions, RowDataPacket } from 'mysql2/promise';
import { assertSafeAccount, type ClusterAccount, type UserBackend } from './types.js';

/** How to reach this unit's own instance as an administrator. */
export type LocalConnection = Pick<
  ConnectionOptions,
  'host' | 'port' | 'user' | 'password' | 'socketPath'
>;

export class SqlUserBackend implements UserBackend {
  constructor(private readonly connection: LocalConnection) {}

  private async withConnection<T>(work: (c: Connection) => Promise<T>): Promise<T> {
    // Loaded on first use: hooks that never touch SQL do not pay for the driver.
    const { createConnection } = await import('mysql2/promise');
    const c = await createConnection({ ...this.connection, connectTimeout: 10_000 });
    try {
      return await work(c);
    } finally {
      await c.end();
    }
  }

  async createClusterUser(account: ClusterAccount, password: string): Promise<void> {
    assertSafeAccount(account);
    await this.withConnection(async (c) => {
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

  async dropClusterUser(account: ClusterAccount): Promise<void> {
    assertSafeAccount(account);
    await this.withConnection(async (c) => {
      await c.query('DROP USER IF EXISTS ?@?', [account.user, account.host]);
    });
  }

  async listClusterUsers(user: string): Promise<string[]> {
    return this.withConnection(async (c) => {
      const [rows] = await c.query<RowDataPacket[]>(
        'SELECT Host AS host FROM mysql.user WHERE User = ? ORDER BY Host',
        [user],
      );
      return rows.map((r) => String(r.host));
    });
  }
}
