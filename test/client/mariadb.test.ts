// The cluster client on two real MariaDB servers (loopback, started by test/examples/mariadb.ts):
// writes go to the primary, reads to the secondary, a read-only server (1290) and a killed
// primary (lost connection, then refused connects) raise retryable errors, and the transaction
// helper lands the work on the primary the view names afterwards. The view is switched by the
// test, standing in for the failover charm (that wiring is the next step).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  ClusterClient,
  type ClusterMember,
  type ClusterView,
  mysql2Connector,
  type RetryableClusterError,
  relationView,
} from 'juju-reactive/client';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MariaDBFleet, mariadbUnavailable, startMariaDB } from '../examples/mariadb.js';

const unavailable = mariadbUnavailable();
const inCI = process.env['CI'] === 'true';
if (unavailable && !inCI) console.warn(`SKIPPED the client's MariaDB test: ${unavailable}`);

const APP = { user: 'app', password: 'app-pw-Zx81', database: 'shop' };

describe.skipIf(unavailable !== undefined && !inCI)(
  'the cluster client on real MariaDB servers',
  () => {
    let fleet: MariaDBFleet;
    let view: ClusterView;
    let members: ClusterMember[];
    let client: ClusterClient<mysql.Connection>;

    const admin = (i: number) => {
      const s = fleet.servers[i];
      if (s === undefined) throw new Error(`no server ${i}`);
      return mysql.createConnection({
        socketPath: s.socket,
        user: s.admin.user,
        password: s.admin.password,
        multipleStatements: true,
      });
    };
    const setView = (primary: number) => {
      members = members.map((m, i) => ({
        ...m,
        role: i === primary ? 'PRIMARY' : 'SECONDARY',
        mode: i === primary ? 'read_write' : 'read_only',
      }));
      view = { generation: view.generation + 1, members };
    };
    const rowsOn = async (i: number): Promise<string[]> => {
      const c = await admin(i);
      const [rows] = await c.query('SELECT v FROM shop.t ORDER BY id');
      await c.end();
      return (rows as { v: string }[]).map((r) => r.v);
    };

    beforeAll(async () => {
      fleet = await startMariaDB(2, { firstHost: 40, basePort: 31000 + (process.pid % 500) * 4 });
      for (const [i] of fleet.servers.entries()) {
        const c = await admin(i);
        await c.query(
          `CREATE DATABASE shop; CREATE TABLE shop.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64));
         CREATE TABLE shop.whoami (name VARCHAR(16)); INSERT INTO shop.whoami VALUES ('db/${i}');
         CREATE USER '${APP.user}'@'%' IDENTIFIED BY '${APP.password}';
         GRANT SELECT, INSERT ON shop.* TO '${APP.user}'@'%';
         ${i === 1 ? 'SET GLOBAL read_only = 1;' : ''}`,
        );
        await c.end();
      }
      members = fleet.servers.map((s, i) => ({
        name: `db/${i}`,
        address: s.address,
        port: s.port,
        role: i === 0 ? 'PRIMARY' : 'SECONDARY',
        mode: i === 0 ? 'read_write' : 'read_only',
        weight: 1,
        hidden: false,
        disconnect: false,
      }));
      view = { generation: 1, members };
      client = new ClusterClient({
        source: relationView(() => view),
        connect: mysql2Connector({ ...APP, connectTimeout: 2000 }),
        connectDelayMs: 100,
        ttlMs: 0,
      });
    }, 120_000);

    afterAll(async () => {
      await fleet?.stop();
    });

    it('sends read-only work to the secondary and read-write work to the primary', async () => {
      const who = async (mode: 'read_only' | 'read_write') =>
        client.run(mode, async (c) => {
          const [rows] = await c.query('SELECT name FROM shop.whoami');
          return (rows as { name: string }[])[0]?.name;
        });
      expect([await who('read_only'), await who('read_only'), await who('read_only')]).toEqual([
        'db/1',
        'db/1',
        'db/1',
      ]);
      expect(await who('read_write')).toBe('db/0');
      await client.transaction(async (c) => {
        await c.query('INSERT INTO shop.t (v) VALUES (?)', ['first']);
      });
      expect(await rowsOn(0)).toEqual(['first']);
      expect(await rowsOn(1)).toEqual([]);
    });

    it('retries a write refused by a read-only server (MariaDB 1290) on the primary of the new view', async () => {
      setView(1); // a stale view: names the read-only server as primary
      const retries: string[] = [];
      await client.transaction(
        async (c) => {
          await c.query('INSERT INTO shop.t (v) VALUES (?)', ['second']);
        },
        {
          onRetry: (e: RetryableClusterError) => {
            retries.push(`${e.kind} ${e.member.name}`);
            setView(0);
          },
        },
      );
      expect(retries).toEqual(['read-only db/1']);
      expect(await rowsOn(0)).toEqual(['first', 'second']);
    });

    it('after the primary is killed mid-transaction, raises server-lost and commits on the new primary', async () => {
      const retries: string[] = [];
      let attempt = 0;
      await client.transaction(
        async (c, m) => {
          attempt++;
          await c.query('INSERT INTO shop.t (v) VALUES (?)', [`third-${m.name}`]);
          if (attempt === 1) {
            const server = fleet.servers[0];
            if (server === undefined) throw new Error('no server 0');
            const pid = Number(
              readFileSync(join(dirname(server.socket), 'mysqld.pid'), 'utf8').trim(),
            );
            process.kill(pid, 'SIGKILL');
            await new Promise((r) => setTimeout(r, 300));
            await c.query('SELECT 1');
          }
        },
        {
          onRetry: async (e: RetryableClusterError) => {
            retries.push(`${e.kind} ${e.member.name}`);
            // The failover the charm would do: promote db/1 and publish the new view.
            const c = await admin(1);
            await c.query('SET GLOBAL read_only = 0');
            await c.end();
            setView(1);
          },
        },
      );
      expect(retries).toEqual(['server-lost db/0']);
      expect(await rowsOn(1)).toEqual(['third-db/1']);
    });

    it('with a stale view naming the dead primary, gives up after 3 refused connects and retries on the new one', async () => {
      setView(0); // stale: db/0 is dead
      const retries: string[] = [];
      await client.transaction(
        async (c) => {
          await c.query('INSERT INTO shop.t (v) VALUES (?)', ['fourth']);
        },
        {
          onRetry: (e: RetryableClusterError) => {
            retries.push(`${e.kind} ${e.member.name}`);
            setView(1);
          },
        },
      );
      expect(retries).toEqual(['connection-refused db/0']);
      expect(await rowsOn(1)).toEqual(['third-db/1', 'fourth']);
    });
  },
);
