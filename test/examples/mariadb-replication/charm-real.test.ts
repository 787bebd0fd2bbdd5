// The charm on a simulated Juju model driving REAL MariaDB: three mariadbd on loopback
// (127.0.0.20-22, datadirs in a temp dir, killed by PID), one per unit. The model's hooks run
// the charm's handlers, the handlers run SQL. F5: the source back before the threshold keeps
// its place. F1: the source killed; after failure-threshold
// update-status checks the leader promotes the most advanced replica; rows written before
// are read back from the new source; the old source rejoins read-only. Under CI=true a MariaDB
// that cannot start fails the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  committedTopology,
  deploySimulated,
  type ReplicationDeployment,
} from '../../../examples/mariadb-replication/src/deploy.js';
import { mariadbUnavailable } from '../mariadb.js';
import { ReplicationFleet } from './harness.js';
import { realBackendFor } from './real-backend.js';
import * as checks from './real-checks.js';

const unavailable = mariadbUnavailable();
const inCI = process.env.CI === 'true';
if (unavailable && !inCI) console.warn(`SKIPPED the charm on real MariaDB: ${unavailable}`);

describe.runIf(inCI && unavailable !== undefined)('the charm on real MariaDB under CI', () => {
  it('has MariaDB installed (.ci/run installs mariadb-server)', () => {
    expect(unavailable).toBeUndefined();
  });
});

describe.skipIf(unavailable !== undefined)('the charm driving three real MariaDB servers', () => {
  let fleet: ReplicationFleet;
  let deployment: ReplicationDeployment;
  const record = () => committedTopology(deployment.model, deployment.app);

  const expectReplicaOf = (replica: string, source: string) =>
    checks.expectReplicaOf(fleet, replica, source);
  async function expectSource(id: string): Promise<void> {
    expect(record().source).toBe(id);
    await checks.expectWritableSource(fleet, id);
  }

  beforeAll(async () => {
    fleet = await ReplicationFleet.start(3, { firstHost: 20 });
    const backendFor = realBackendFor(fleet);
    deployment = await deploySimulated({
      units: 3,
      seed: 1,
      app: 'mysql',
      backendFor,
      charm: { applyTimeoutMs: 10_000 },
    });
  }, 120_000);

  afterAll(async () => {
    await deployment?.model.close();
    await fleet?.stop();
  });

  it('sets up mysql/0 as the source and the others as read-only GTID replicas through the charm', async () => {
    expect(await deployment.model.settle()).toMatchObject({ settled: true, hooksFailed: 0 });
    await expectSource('mysql/0');
    await fleet.sql('mysql/0', 'CREATE DATABASE app');
    await fleet.sql('mysql/0', 'CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(32))');
    await expectReplicaOf('mysql/1', 'mysql/0');
    await expectReplicaOf('mysql/2', 'mysql/0');
    for (const unit of deployment.model.units('mysql')) {
      expect(deployment.model.unit(unit).hasFlag('cluster.clustered'), unit).toBe(true);
    }
  }, 90_000);

  it('F5: the source killed and back before failure-threshold checks keeps its place (writes given back)', async () => {
    await fleet.kill('mysql/0');
    for (let i = 0; i < 20 && record().failures < 2; i++) {
      await deployment.model.advance({ minutes: 1 });
    }
    expect(record()).toMatchObject({ source: 'mysql/0', failures: 2 });
    await fleet.restart('mysql/0');
    await deployment.model.advance({ minutes: 10 });
    expect(record()).toMatchObject({ source: 'mysql/0', failures: 0, generation: 1 });
    await expectSource('mysql/0');
    await fleet.sql('mysql/0', 'INSERT INTO app.t VALUES (0, ?)', ['after-f5']);
    await expectReplicaOf('mysql/1', 'mysql/0');
    await expectReplicaOf('mysql/2', 'mysql/0');
  }, 90_000);

  it('F1: the source killed by PID; the charm fails over after failure-threshold update-status checks; the rows are read back from the new source', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => [i + 1, `row-${i + 1}`]);
    await fleet.sql('mysql/0', 'INSERT INTO app.t VALUES ?', [rows]);
    await expectReplicaOf('mysql/1', 'mysql/0');
    await expectReplicaOf('mysql/2', 'mysql/0');
    const wallStart = performance.now();
    const modelStart = deployment.model.now;
    await fleet.kill('mysql/0');
    while (record().source === 'mysql/0' && deployment.model.now - modelStart < 3_600_000) {
      await deployment.model.advance({ minutes: 1 });
    }
    const next = record().source ?? '';
    await fleet.sql(next, 'INSERT INTO app.t VALUES (1000, ?)', ['first-write-on-new-source']);
    const wallMs = performance.now() - wallStart;
    const modelMinutes = (deployment.model.now - modelStart) / 60_000;
    console.log(
      `MEASURED the charm on real MariaDB: source killed -> first write on the new source ${next}: ${wallMs.toFixed(0)} ms wall, ${modelMinutes} min model time (3 update-status checks)`,
    );
    expect(next).not.toBe('mysql/0');
    await expectSource(next);
    const [count] = await fleet.sql<{ n: number }[]>(
      next,
      'SELECT COUNT(*) AS n FROM app.t WHERE id BETWEEN 1 AND 100',
    );
    expect(count?.n).toBe(100);
    const other = next === 'mysql/1' ? 'mysql/2' : 'mysql/1';
    await deployment.model.advance({ minutes: 5 });
    await expectReplicaOf(other, next);
    expect(deployment.model.unit(deployment.model.leader('mysql') ?? '').status.status).toBe(
      'active',
    );
  }, 120_000);

  it('F1: the old source, restarted (read-only), rejoins as a replica of the new source with the same GTID position', async () => {
    const next = record().source ?? '';
    await fleet.restart('mysql/0');
    await deployment.model.advance({ minutes: 10 });
    await expectSource(next);
    await expectReplicaOf('mysql/0', next);
    const [n] = await fleet.sql<{ n: number }[]>('mysql/0', 'SELECT COUNT(*) AS n FROM app.t');
    expect(n?.n).toBe(102);
    const status = await deployment.model.runAction(
      deployment.model.leader('mysql') ?? '',
      'cluster-status',
      {},
    );
    expect(status.status).toBe('completed');
    expect(status.results['cluster-status']).not.toContain(fleet.server('mysql/0').admin.password);
  }, 120_000);
});
