// The example charm against three real MariaDB servers on loopback: one per unit, unit
// addresses 127.0.0.2-4 as the units' network bindings. SQL users are created for real
// through mysql2; InnoDB Cluster operations stay simulated (MariaDB has no InnoDB Cluster).
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClusterAddress } from '../../examples/mysql-innodb-cluster/src/addresses.js';
import { SqlUserBackend } from '../../examples/mysql-innodb-cluster/src/backend/sql-users.js';
import {
  deploySimulated,
  type SimulatedDeployment,
} from '../../examples/mysql-innodb-cluster/src/simulate.js';
import { accountHosts, from, type MariaDBFleet, skipMariaDB, startMariaDB } from './mariadb.js';

describe.skipIf(skipMariaDB())('the example charm on three MariaDB servers', () => {
  let fleet: MariaDBFleet;
  let deployment: SimulatedDeployment;
  const passwords = new Set<string>();

  beforeAll(async () => {
    fleet = await startMariaDB(3, { firstHost: 2 });
    const byAddress = new Map(
      fleet.servers.map((s) => [
        s.address,
        new SqlUserBackend({
          socketPath: s.socket,
          user: s.admin.user,
          password: s.admin.password,
        }),
      ]),
    );
    deployment = await deploySimulated({
      units: 3,
      seed: 5,
      backendFor: (rt, cluster) => {
        const address = localClusterAddress(rt);
        const users = byAddress.get(address);
        if (!users) throw new Error(`no MariaDB server for ${address}`);
        // The simulated cluster checks logins against its own account table: mirror the
        // real accounts into it, so cluster operations see what MariaDB holds.
        const simulated = cluster.backendFor(address);
        return {
          users: {
            createClusterUser: async (account, password) => {
              passwords.add(password);
              await users.createClusterUser(account, password);
              await simulated.users.createClusterUser(account, password);
            },
            dropClusterUser: async (account) => {
              await users.dropClusterUser(account);
              await simulated.users.dropClusterUser(account);
            },
            listClusterUsers: (user) => users.listClusterUsers(user),
          },
          cluster: simulated.cluster,
        };
      },
    });
    const { model } = deployment;
    model.units('mysql').forEach((unit, i) => {
      model.setBinding(unit, 'cluster', fleet.servers[i]?.address ?? '');
    });
    const report = await model.settle();
    if (!report.settled) throw new Error(`did not settle: ${JSON.stringify(report)}`);
  }, 120_000);

  afterAll(async () => {
    await deployment?.model.close();
    await fleet?.stop();
  });

  it('settles with every unit clustered', () => {
    for (const unit of deployment.model.units('mysql')) {
      expect(deployment.model.unit(unit).status).toEqual({
        status: 'active',
        message: 'Unit is ready and clustered',
      });
    }
    expect(passwords.size).toBe(1);
  });

  it('created the cluster user for every peer address, with grants, on every server', async () => {
    const addresses = fleet.servers.map((s) => s.address).sort();
    for (const server of fleet.servers) {
      const admin = await createConnection({
        socketPath: server.socket,
        user: server.admin.user,
        password: server.admin.password,
      });
      try {
        const [rows] = await admin.query(
          'SELECT Host AS host FROM mysql.user WHERE User = ? ORDER BY Host',
          ['clusteruser'],
        );
        expect(
          (rows as { host: string }[]).map((r) => r.host),
          server.address,
        ).toEqual(addresses);
        for (const host of addresses) {
          const [grants] = await admin.query('SHOW GRANTS FOR ?@?', ['clusteruser', host]);
          expect(JSON.stringify(grants)).toMatch(
            /GRANT ALL PRIVILEGES ON \*\.\* TO `clusteruser`@`[0-9.]+`.*WITH GRANT OPTION/,
          );
        }
      } finally {
        await admin.end();
      }
    }
  });

  it('admits a peer connecting from its address with the password, and refuses an unknown address', async () => {
    const [password] = [...passwords];
    if (password === undefined) throw new Error('no password');
    const [a, b] = fleet.servers;
    if (!a || !b) throw new Error('fleet');
    const target = { host: a.address, port: a.port, user: 'clusteruser', password };
    const peer = await createConnection(from(b.address, target));
    const [[who]] = (await peer.query('SELECT CURRENT_USER() AS who')) as unknown as [
      [{ who: string }],
    ];
    await peer.end();
    expect(who.who).toBe(`clusteruser@${b.address}`);
    await expect(createConnection(from('127.0.0.9', target))).rejects.toThrow(
      /not allowed|Access denied/,
    );
  });

  // Issue 15, item 11: with cluster-user=root, one peer change used to drop root@localhost on
  // two of the three servers (the cleanup owned every host of the configured name).
  it('keeps root@localhost on every server when cluster-user is set to root, blocked saying why', async () => {
    const { model } = deployment;
    model.setConfig('mysql', { 'cluster-user': 'root' });
    model.setRelationData(model.units('mysql')[1] ?? '', 'cluster', { 'unit-clustered': 'true' });
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    for (const unit of model.units('mysql'))
      expect(model.unit(unit).status).toEqual({
        status: 'blocked',
        message: expect.stringMatching(/^cluster-user cannot change/),
      });
    for (const server of fleet.servers)
      expect(await accountHosts(server, 'root'), server.address).toContain('localhost');
    model.setConfig('mysql', { 'cluster-user': null });
    expect(await model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
  });
});
