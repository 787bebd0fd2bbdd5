// The SQL-user backend against a real MariaDB server on loopback.
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlUserBackend } from '../../examples/mysql-innodb-cluster/src/backend/sql-users.js';
import {
  accountHosts,
  adminConnection,
  from,
  type MariaDBFleet,
  skipMariaDB,
  startMariaDB,
} from './mariadb.js';

describe.skipIf(skipMariaDB())('SqlUserBackend on MariaDB', () => {
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

  const hostsOf = (user: string) => {
    const db = fleet.servers[0];
    if (!db) throw new Error('no server');
    return accountHosts(db, user);
  };

  // Issue 15, item 11: the charm only ever alters or drops an account it created.
  it('never alters or drops an account it did not create: root, the admin, an application', async () => {
    const db = fleet.servers[0];
    if (!db) throw new Error('no server');
    const admin = await adminConnection(db);
    await admin.query("CREATE USER 'app'@'127.0.0.24' IDENTIFIED BY 'theirs'");
    await admin.end();
    // localhost is no peer address (isClusterAddress): refused before any SQL runs.
    for (const account of [
      { user: 'root', host: 'localhost' },
      { user: db.admin.user, host: 'localhost' },
    ]) {
      await expect(backend.createClusterUser(account, password)).rejects.toThrow(
        /refusing address/,
      );
      await expect(backend.dropClusterUser(account)).rejects.toThrow(/refusing address/);
      expect(await hostsOf(account.user)).toContain('localhost');
    }
    const app = { user: 'app', host: '127.0.0.24' };
    await expect(backend.createClusterUser(app, password)).rejects.toThrow(
      "the account 'app'@'127.0.0.24' exists and was not created by this charm",
    );
    await backend.dropClusterUser(app);
    expect(await hostsOf('app')).toEqual(['127.0.0.24']);
    expect(await backend.listClusterUsers('app')).toEqual([]);
    // Its password is still its own.
    const options = { host: db.address, port: db.port, user: 'app', password: 'theirs' };
    await (await createConnection(from('127.0.0.24', options))).end();
    expect(backend.adminUser).toBe(db.admin.user);
  });

  it('lists, and drops, an account it created even when the hook that created it failed', async () => {
    // The mark is written before CREATE USER, in the database: no hook commit is needed.
    await backend.createClusterUser({ user: 'clusteruser', host: '127.0.0.25' }, password);
    expect(await backend.listClusterUsers('clusteruser')).toContain('127.0.0.25');
    await backend.dropClusterUser({ user: 'clusteruser', host: '127.0.0.25' });
    expect(await hostsOf('clusteruser')).not.toContain('127.0.0.25');
  });

  // Issue 15, item 13: under NO_BACKSLASH_ESCAPES a backslash is a plain character, so a
  // client-escaped quote ends the string literal (MariaDB KB "SQL_MODE": NO_BACKSLASH_ESCAPES).
  it('cannot be made to create another account by a crafted password under NO_BACKSLASH_ESCAPES', async () => {
    const db = fleet.servers[0];
    if (!db) throw new Error('no server');
    const admin = await adminConnection(db);
    const [[before]] = (await admin.query('SELECT @@GLOBAL.sql_mode AS mode')) as unknown as [
      [{ mode: string }],
    ];
    await admin.query("SET GLOBAL sql_mode = CONCAT(@@GLOBAL.sql_mode, ',NO_BACKSLASH_ESCAPES')");
    try {
      const crafted = "\\', evil@localhost -- ";
      await backend.createClusterUser({ user: 'clusteruser', host: '127.0.0.26' }, crafted);
      expect(await hostsOf('evil')).toEqual([]);
      // The account holds exactly the crafted password.
      const options = { host: db.address, port: db.port, user: 'clusteruser', password: crafted };
      await (await createConnection(from('127.0.0.26', options))).end();
      await backend.dropClusterUser({ user: 'clusteruser', host: '127.0.0.26' });
    } finally {
      await admin.execute('SET GLOBAL sql_mode = ?', [before.mode]);
      await admin.end();
    }
  });
});
