// The SQL-user backend against a real MariaDB server on loopback.
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlUserBackend } from '../../examples/mysql-innodb-cluster/src/backend/sql-users.js';
import { from, type MariaDBFleet, mariadbUnavailable, startMariaDB } from './mariadb.js';

const unavailable = mariadbUnavailable();
if (unavailable) console.warn(`SKIPPED real-database tests: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('SqlUserBackend on MariaDB', () => {
  let fleet: MariaDBFleet;
  let backend: SqlUserBackend;
  const password = 'p\'w"d;-- %_\\x';

  beforeAll(async () => {
    fleet = await startMariaDB(1, { firstHost: 20 });
    const db = fleet.servers[0];
    if (!db) throw new Error('no server');
    backend = new SqlUserBackend({
      socketPath: db.socket,
      user: db.admin.user,
      password: db.admin.password,
    });
  }, 60_000);
  afterAll(async () => fleet?.stop());

  it('creates a cluster user for a peer address, idempotently, with grants', async () => {
    await backend.createClusterUser({ user: 'clusteruser', host: '127.0.0.21' }, password);
    await backend.createClusterUser({ user: 'clusteruser', host: '127.0.0.21' }, password);
    expect(await backend.listClusterUsers('clusteruser')).toEqual(['127.0.0.21']);
  });

  it('gives an existing user the password it is asked for', async () => {
    const db = fleet.servers[0];
    if (!db) throw new Error('no server');
    const account = { user: 'clusteruser', host: '127.0.0.22' };
    await backend.createClusterUser(account, 'stale-password-1');
    await backend.createClusterUser(account, password);
    const options = { host: db.address, port: db.port, user: 'clusteruser', password };
    await (await createConnection(from('127.0.0.22', options))).end();
    await backend.dropClusterUser(account);
  });

  it('admits a client connecting from the peer address with the password, and refuses others', async () => {
    const db = fleet.servers[0];
    if (!db) throw new Error('no server');
    const options = { host: db.address, port: db.port, user: 'clusteruser', password };
    const ok = await createConnection(from('127.0.0.21', options));
    const [rows] = await ok.query('SHOW GRANTS');
    await ok.end();
    expect(JSON.stringify(rows)).toMatch(
      /GRANT ALL PRIVILEGES ON \*\.\* TO `clusteruser`@`127\.0\.0\.21`.*WITH GRANT OPTION/,
    );
    await expect(createConnection(from('127.0.0.29', options))).rejects.toThrow(
      /Access denied|not allowed/,
    );
    await expect(
      createConnection(from('127.0.0.21', { ...options, password: 'wrong' })),
    ).rejects.toThrow(/Access denied/);
  });

  it('rejects hostile addresses before any SQL runs', async () => {
    for (const host of ["10.0.0.1' OR '1'='1", '%', 'a\nb', '']) {
      await expect(
        backend.createClusterUser({ user: 'clusteruser', host }, password),
      ).rejects.toThrow(/refusing address/);
    }
    expect(await backend.listClusterUsers('clusteruser')).toEqual(['127.0.0.21']);
  });

  it('drops a user idempotently', async () => {
    await backend.dropClusterUser({ user: 'clusteruser', host: '127.0.0.21' });
    await backend.dropClusterUser({ user: 'clusteruser', host: '127.0.0.21' });
    expect(await backend.listClusterUsers('clusteruser')).toEqual([]);
  });
});
