// The seed's scenarios F1-F5 on the simulated backend, 3 and 5 servers: each ends with the
// invariants of expectConverged (one writable server, the others read-only replicas with its
// GTID position and rows) and checks that no acknowledged write that reached the new source is lost.
import { describe, expect, it } from 'vitest';
import { SimulatedReplication } from '../../../examples/mariadb-replication/src/simulate.js';
import {
  checksUntilFailover,
  expectConverged,
  expectOk,
  killedAfter,
  settledTopology,
  unitNames,
  writable,
  writeRows,
} from './sim-helpers.js';

describe.each([3, 5])('failover on %i simulated servers', (n) => {
  it('F1: the source is killed; after failure-threshold checks the most advanced replica is promoted, and the old source rejoins read-only', async () => {
    const sim = await settledTopology(n);
    expect(sim.record.source).toBe('mysql/0');
    const keys = writeRows(sim, 'f1', 20);
    sim.fleet.tick();
    // One replica falls behind by a few transactions: it must not be chosen.
    sim.fleet.partition('mysql/1');
    writeRows(sim, 'f1-late', 3);
    sim.fleet.tick();
    sim.fleet.partition('mysql/1', false);
    sim.fleet.kill('mysql/0');
    const checks = await checksUntilFailover(sim);
    expect(checks).toHaveLength(3);
    const expected = 'mysql/2';
    expect(sim.record.source).toBe(expected);
    expect(sim.record.generation).toBe(2);
    expect(sim.backend.log.filter((l) => l.startsWith('promote ')).slice(1)).toEqual([
      `promote ${expected}`,
    ]);
    const newSource = sim.fleet.server(expected);
    for (const key of [...keys, 'f1-late-2']) expect(newSource.data.has(key), key).toBe(true);
    expect(sim.fleet.write(expected, 'after', 'x').ok).toBe(true);

    sim.fleet.restart('mysql/0');
    expectOk(await sim.settle());
    expectConverged(sim);
    expect(sim.fleet.server('mysql/0').data.get('after')).toBe('x');
  });

  it('F2: the new source fails before the old one rejoined; the next replica takes over and both rejoin', async () => {
    const sim = await settledTopology(n);
    writeRows(sim, 'f2', 10);
    sim.fleet.tick();
    sim.fleet.kill('mysql/0');
    await checksUntilFailover(sim);
    const first = sim.record.source;
    expect(first).toBe('mysql/1');
    writeRows(sim, 'f2-second', 5);
    sim.fleet.tick();
    sim.fleet.kill('mysql/1');
    await checksUntilFailover(sim);
    expect(sim.record.source).toBe('mysql/2');
    expect(sim.fleet.server('mysql/2').data.get('f2-second-4')).toBe('v-4');
    sim.fleet.restart('mysql/0');
    sim.fleet.restart('mysql/1');
    expectOk(await sim.settle());
    expectConverged(sim);
    expect(sim.backend.log.filter((l) => l.startsWith('rebuild'))).toEqual([]);
  });

  // A failover is n operations (wait for the relay log, promote, repoint n-2 replicas), the
  // initial setup n too (promote, n-1 replicas): kill each at every point.
  const points = Array.from({ length: n }, (_, i) => i);

  it.each(points)(
    'F3: a failover hook killed after %i operations is retried and converges, with no second promotion',
    async (k) => {
      const sim = await settledTopology(n);
      writeRows(sim, 'f3', 10);
      sim.fleet.tick();
      sim.fleet.kill('mysql/0');
      expectOk(await sim.check());
      expectOk(await sim.check());
      const killed = await sim.check(...killedAfter(sim.backend, k));
      expect(killed.ok).toBe(false);
      expect(sim.record.source, 'a killed hook commits nothing').toBe('mysql/0');
      expect(writable(sim).length).toBeLessThanOrEqual(1);
      expectOk(await sim.settle());
      expect(sim.record.source).toBe('mysql/1');
      const promotions = sim.backend.log.filter((l) => l.startsWith('promote '));
      expect(new Set(promotions.slice(1))).toEqual(new Set(['promote mysql/1']));
      sim.fleet.restart('mysql/0');
      expectOk(await sim.settle());
      expectConverged(sim);
    },
  );

  it('F3: a rejoin hook killed before it repoints the old source is retried and converges', async () => {
    const sim = await settledTopology(n);
    sim.fleet.kill('mysql/0');
    await checksUntilFailover(sim);
    sim.fleet.restart('mysql/0');
    const killed = await sim.check(...killedAfter(sim.backend, 0));
    expect(killed).toEqual({ ok: false, error: 'hook killed' });
    expect(sim.fleet.server('mysql/0').replica, 'not repointed yet').toBeUndefined();
    expectOk(await sim.settle());
    expectConverged(sim);
    expect(sim.record.source).toBe('mysql/1');
  });

  it.each(points)(
    'F4: the initial setup killed after %i operations converges on retry',
    async (k) => {
      const sim = new SimulatedReplication(unitNames(n));
      await sim.createUsers();
      const killed = await sim.check(...killedAfter(sim.backend, k));
      expect(killed.ok).toBe(false);
      expect(sim.record.source).toBeUndefined();
      expectOk(await sim.settle());
      expect(sim.record.source).toBe('mysql/0');
      expect(sim.record.generation).toBe(1);
      expectConverged(sim);
    },
  );

  it('F5: the source comes back before failure-threshold checks: no failover, writes re-enabled on it', async () => {
    const sim = await settledTopology(n);
    writeRows(sim, 'f5', 5);
    sim.fleet.kill('mysql/0');
    const first = await sim.check();
    const second = await sim.check();
    expectOk(first);
    expectOk(second);
    expect(second.result.decision.status.message).toMatch(
      /mysql\/0 failed health check 2\/3: unreachable/,
    );
    sim.fleet.restart('mysql/0');
    expectOk(await sim.settle());
    expect(sim.record).toMatchObject({ source: 'mysql/0', failures: 0, generation: 1 });
    expect(sim.backend.log.filter((l) => l.startsWith('promote '))).toEqual([
      'promote mysql/0',
      'promote mysql/0',
    ]);
    writeRows(sim, 'f5-after', 2);
    expectConverged(sim);
  });
});
