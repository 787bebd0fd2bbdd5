// The failures the seed lists as unhandled, each with a defined outcome, plus lag-aware
// candidate choice and errant-transaction rejoin, on the simulated backend.

import { mulberry32 } from 'juju-reactive/testing';
import { describe, expect, it } from 'vitest';
import { parseTopologyRecord } from '../../../examples/mariadb-replication/src/failover/record.js';
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

describe.each([3, 5])('unhandled failures of the seed, on %i simulated servers', (n) => {
  it('the new source fails while the old one is still down: the next replica is promoted, both rejoin later', async () => {
    const sim = await settledTopology(n);
    sim.fleet.kill('mysql/0');
    await checksUntilFailover(sim);
    sim.fleet.kill('mysql/1');
    await checksUntilFailover(sim);
    expect(sim.record.source).toBe('mysql/2');
    expect(sim.record.generation).toBe(3);
    sim.fleet.restart('mysql/1');
    sim.fleet.restart('mysql/0');
    expectOk(await sim.settle());
    expectConverged(sim);
  });

  it('the manager restarts before the old source rejoined: the committed record and the databases are enough', async () => {
    const sim = await settledTopology(n);
    sim.fleet.kill('mysql/0');
    await checksUntilFailover(sim);
    sim.fleet.restart('mysql/0');
    // A new leader: nothing carries over but the record, read back from leader settings.
    sim.record = parseTopologyRecord(JSON.parse(JSON.stringify(sim.record)));
    const before = sim.record;
    expectOk(await sim.settle());
    expect(sim.record.source).toBe(before.source);
    expectConverged(sim);
  });

  it('the source disk fills: writes fail, failover after the threshold, the old source is fenced and rejoins once freed', async () => {
    const sim = await settledTopology(n);
    writeRows(sim, 'disk', 5);
    sim.fleet.tick();
    sim.fleet.fillDisk('mysql/0');
    const checks = await checksUntilFailover(sim);
    expect(checks).toHaveLength(3);
    const first = checks[0];
    expectOk(first);
    expect(first.result.decision.status.message).toMatch(
      /mysql\/0 failed health check 1\/3: refuses writes/,
    );
    expect(sim.record.source).toBe('mysql/1');
    expect(sim.fleet.server('mysql/0').readOnly, 'fenced').toBe(true);
    expect(writable(sim)).toEqual(['mysql/1']);
    sim.fleet.fillDisk('mysql/0', false);
    expectOk(await sim.settle());
    expectConverged(sim);
  });

  it('read_only set on the source by someone: the leader, the single writer, re-enables writes without a failover', async () => {
    const sim = await settledTopology(n);
    sim.fleet.setReadOnly('mysql/0', true);
    const outcome = await sim.check();
    expectOk(outcome);
    expect(outcome.result.decision.status.message).toMatch(/re-enabling writes on source mysql\/0/);
    expectOk(await sim.settle());
    expect(sim.record).toMatchObject({ source: 'mysql/0', generation: 1 });
    expectConverged(sim);
  });

  it('a replica stops on a transient error: its threads are restarted', async () => {
    const sim = await settledTopology(n);
    const replica = sim.fleet.server('mysql/1').replica;
    if (!replica) throw new Error('not a replica');
    Object.assign(replica, {
      sql: 'stopped',
      sqlError: { code: 1205, message: 'Lock wait timeout exceeded' },
    });
    const outcome = await sim.check();
    expectOk(outcome);
    expect(outcome.result.decision.steps).toContainEqual({
      kind: 'restart-replication',
      server: 'mysql/1',
    });
    expectConverged(sim);
  });

  it('a replica whose data diverged (error 1062) is rebuilt from a dump of the source, not restarted', async () => {
    const sim = await settledTopology(n);
    writeRows(sim, 'div', 3);
    sim.fleet.tick();
    const r = sim.fleet.server('mysql/1');
    r.data.set('stray', 'row');
    if (!r.replica) throw new Error('not a replica');
    Object.assign(r.replica, {
      sql: 'stopped',
      sqlError: { code: 1062, message: "Duplicate entry '1'" },
    });
    const outcome = await sim.check();
    expectOk(outcome);
    expect(outcome.result.decision.alerts.join()).toMatch(
      /mysql\/1 stopped replicating with error 1062; rebuilding/,
    );
    expect(r.data.has('stray')).toBe(false);
    expectConverged(sim);
  });

  it('the manager starts while a replica cannot reach the source: the others are set up, it joins when it can', async () => {
    const sim = new SimulatedReplication(unitNames(n));
    await sim.createUsers();
    sim.fleet.partition('mysql/2');
    const outcome = await sim.settle();
    expectOk(outcome);
    expect(outcome.result.decision.status).toEqual({
      status: 'active',
      message: expect.stringMatching(/^source mysql\/0; .*\(mysql\/2 unreachable\)$/),
    });
    sim.fleet.partition('mysql/2', false);
    expectOk(await sim.settle());
    expectConverged(sim);
    expect(sim.fleet.server('mysql/2').replica?.source).toBe('mysql/0');
  });

  it('source and every replica down: blocked, naming what is down, with an alert; recovers by itself', async () => {
    const sim = await settledTopology(n);
    for (const unit of sim.units) sim.fleet.kill(unit);
    const outcome = await sim.check();
    expectOk(outcome);
    const replicas = sim.units.slice(1).map((u) => `${u} unreachable`);
    expect(outcome.result.decision.status).toEqual({
      status: 'blocked',
      message: expect.stringContaining(`no replica can take over: ${replicas.join(', ')}`),
    });
    expect(outcome.result.decision.alerts).toHaveLength(1);
    expect(outcome.result.decision.status.message).toMatch(/^source mysql\/0 unreachable/);
    for (const unit of sim.units) sim.fleet.restart(unit);
    expectOk(await sim.settle());
    expect(sim.record.source).toBe('mysql/0');
    expectConverged(sim);
  });

  it('hooks killed again and again during the initial setup, each later than the last, converge on one source', async () => {
    const sim = new SimulatedReplication(unitNames(n));
    await sim.createUsers();
    for (let k = 0; k < n; k++) {
      const outcome = await sim.check(...killedAfter(sim.backend, k));
      if (!outcome.ok) expect(sim.record.source).toBeUndefined();
    }
    expectOk(await sim.settle());
    expectConverged(sim);
    expect(new Set(sim.backend.log.filter((l) => l.startsWith('promote ')))).toEqual(
      new Set(['promote mysql/0']),
    );
  });
});

describe('candidate choice and rejoin', () => {
  it('a replica lagging beyond max-lag-seconds is not promoted while one within the bound exists', async () => {
    const sim = await settledTopology(5, { failureThreshold: 2, maxLagSeconds: 30 });
    writeRows(sim, 'lag', 5);
    sim.fleet.tick();
    sim.fleet.lag('mysql/1', 120);
    writeRows(sim, 'lag2', 5);
    expectOk(await sim.check());
    expect(sim.record.lastLag['mysql/1']).toBe(120);
    sim.fleet.kill('mysql/0');
    await checksUntilFailover(sim);
    expect(sim.record.source).toBe('mysql/2');
    sim.fleet.lag('mysql/1', undefined);
    expectOk(await sim.settle());
    expectConverged(sim);
  });

  it('the only replica left is promoted even when it lagged beyond the bound', async () => {
    const sim = await settledTopology(3, { failureThreshold: 2, maxLagSeconds: 30 });
    sim.fleet.lag('mysql/1', 120);
    expectOk(await sim.check());
    sim.fleet.kill('mysql/2');
    sim.fleet.kill('mysql/0');
    sim.fleet.lag('mysql/1', undefined);
    await checksUntilFailover(sim);
    expect(sim.record.source).toBe('mysql/1');
  });

  it('the more advanced of two replicas is promoted (relay log included), whatever the unit order', async () => {
    const sim = await settledTopology(3);
    sim.fleet.partition('mysql/1');
    writeRows(sim, 'adv', 4);
    sim.fleet.fetch(sim.fleet.server('mysql/2'));
    sim.fleet.lag('mysql/2', 5);
    sim.fleet.partition('mysql/1', false);
    sim.fleet.kill('mysql/0');
    sim.fleet.lag('mysql/2', undefined);
    await checksUntilFailover(sim);
    expect(sim.record.source).toBe('mysql/2');
    for (let i = 0; i < 4; i++)
      expect(sim.fleet.server('mysql/2').data.get(`adv-${i}`)).toBe(`v-${i}`);
  });

  it('an old source with an errant transaction is rebuilt from a dump of the new source, never merged', async () => {
    const sim = await settledTopology(3);
    writeRows(sim, 'base', 3);
    sim.fleet.tick();
    sim.fleet.partition('mysql/1');
    sim.fleet.partition('mysql/2');
    const lost = sim.fleet.write('mysql/0', 'errant', 'x');
    expect(lost.ok).toBe(true);
    sim.fleet.partition('mysql/1', false);
    sim.fleet.partition('mysql/2', false);
    sim.fleet.kill('mysql/0');
    await checksUntilFailover(sim);
    expect(sim.record.source).toBe('mysql/1');
    writeRows(sim, 'new', 2);
    sim.fleet.restart('mysql/0');
    const outcome = await sim.check();
    expectOk(outcome);
    expect(outcome.result.decision.alerts.join()).toMatch(
      /mysql\/0 has an errant transaction 0-1-\d+: .*; rebuilding it from a dump of mysql\/1/,
    );
    expect(sim.backend.log).toContain('rebuild mysql/0 from mysql/1');
    expectConverged(sim);
    for (const unit of sim.units)
      expect(sim.fleet.server(unit).data.has('errant'), unit).toBe(false);
  });

  it('MariaDB refuses a naive rejoin of an errant old source: IO error 1236, or 1950 in strict mode', async () => {
    const sim = await settledTopology(3);
    sim.fleet.partition('mysql/1');
    sim.fleet.partition('mysql/2');
    sim.fleet.write('mysql/0', 'errant', 'x');
    sim.fleet.partition('mysql/1', false);
    sim.fleet.partition('mysql/2', false);
    sim.fleet.kill('mysql/0');
    await checksUntilFailover(sim);
    writeRows(sim, 'new', 2);
    sim.fleet.restart('mysql/0');
    await sim.backend.configureAsReplica('mysql/0', 'mysql/1', sim.credentials);
    sim.fleet.tick();
    expect(sim.fleet.server('mysql/0').replica?.ioError?.code).toBe(1236);
    // Told to resume from the common prefix, the SQL thread meets an out-of-order GTID.
    const old = sim.fleet.server('mysql/0');
    const prefix = old.binlog.at(-2);
    Object.assign(old, { slavePos: prefix });
    old.replica = {
      ...(old.replica as NonNullable<typeof old.replica>),
      io: 'running',
      ioError: undefined,
      relayLogged: prefix,
      relay: [],
    };
    sim.fleet.tick();
    expect(old.replica?.sqlError?.code).toBe(1950);
  });
});

describe('random fault sequences (seeded)', () => {
  it.each([...Array.from({ length: 40 }, (_, i) => i + 1), 341, 598])(
    'seed %i: kills, restarts, partitions and killed hooks end in one writable source and in-sync replicas',
    async (seed) => {
      const random = mulberry32(seed);
      const n = random() < 0.5 ? 3 : 5;
      const sim = await settledTopology(n, {
        failureThreshold: 1 + Math.floor(random() * 3),
        maxLagSeconds: 30,
      });
      // Writes the source acknowledged and every server then held: no failover may lose them.
      const everywhere = new Map<string, string>();
      for (let round = 0; round < 12; round++) {
        const source = sim.record.source;
        if (source) sim.fleet.write(source, `r${round}`, String(round));
        sim.fleet.tick();
        for (let r = 0; r <= round; r++) {
          if (sim.units.every((u) => sim.fleet.server(u).data.get(`r${r}`) === String(r))) {
            everywhere.set(`r${r}`, String(r));
          }
        }
        const unit = sim.units[Math.floor(random() * n)] ?? 'mysql/0';
        const roll = random();
        const down = sim.units.filter((u) => !sim.fleet.reachable(u)).length;
        if (roll < 0.25 && down < n - 1) sim.fleet.kill(unit);
        else if (roll < 0.5) sim.fleet.restart(unit);
        else if (roll < 0.6 && down < n - 1) sim.fleet.partition(unit);
        else if (roll < 0.7) sim.fleet.partition(unit, false);
        const kill = random() < 0.2 ? Math.floor(random() * n) : undefined;
        const outcome =
          kill === undefined
            ? await sim.check()
            : await sim.check(...killedAfter(sim.backend, kill));
        // A source cut off by a partition keeps read_only=0 until the leader reaches it again:
        // every check that completes leaves at most one writable server it can reach.
        if (outcome.ok) {
          expect(
            writable(sim).length,
            `round ${round}: at most one writable server`,
          ).toBeLessThanOrEqual(1);
        }
      }
      for (const unit of sim.units) {
        sim.fleet.restart(unit);
        sim.fleet.partition(unit, false);
      }
      expectOk(await sim.settle(40));
      expectConverged(sim);
      const final = sim.fleet.server(sim.record.source ?? '');
      for (const [k, v] of everywhere) expect(final.data.get(k), k).toBe(v);
      expect(everywhere.size, 'some writes replicated everywhere').toBeGreaterThan(0);
    },
  );
});

describe('writable servers that are not the source', () => {
  it('a source cut off by a partition, failed over, is fenced when it is reachable again and its partition writes discarded', async () => {
    const sim = await settledTopology(3);
    writeRows(sim, 'p', 3);
    sim.fleet.tick();
    sim.fleet.partition('mysql/0');
    // A client on its side of the partition still writes to it (read_only=0 there); the
    // fleet's partitions are total, so the write is modelled between two cuts.
    sim.fleet.partition('mysql/0', false);
    expect(sim.fleet.write('mysql/0', 'split', 'brain').ok).toBe(true);
    sim.fleet.partition('mysql/0');
    await checksUntilFailover(sim);
    expect(sim.record.source).toBe('mysql/1');
    sim.fleet.partition('mysql/0', false);
    expect(writable(sim)).toEqual(['mysql/0', 'mysql/1']);
    const outcome = await sim.check();
    expectOk(outcome);
    expect(outcome.result.decision.steps.slice(0, 2)).toEqual([
      { kind: 'fence', server: 'mysql/0' },
      expect.objectContaining({ kind: 'rebuild', server: 'mysql/0', source: 'mysql/1' }),
    ]);
    expectConverged(sim);
    for (const unit of sim.units)
      expect(sim.fleet.server(unit).data.has('split'), unit).toBe(false);
  });

  it('a server made writable by hand while the source is healthy is fenced and rejoined, never promoted', async () => {
    const sim = await settledTopology(3);
    writeRows(sim, 'w', 3);
    sim.fleet.tick();
    await sim.backend.configureAsSource('mysql/2');
    const outcome = await sim.check();
    expectOk(outcome);
    expect(outcome.result.decision.steps[0]).toEqual({ kind: 'fence', server: 'mysql/2' });
    expect(sim.record).toMatchObject({ source: 'mysql/0', generation: 1 });
    expectOk(await sim.settle());
    expectConverged(sim);
  });

  it('an interrupted failover is finished when the old source comes back read-only holding no more', async () => {
    const sim = await settledTopology(3);
    writeRows(sim, 'i', 3);
    sim.fleet.tick();
    sim.fleet.kill('mysql/0');
    expectOk(await sim.check());
    expectOk(await sim.check());
    // The third check promotes mysql/1 and dies before repointing mysql/2.
    expect((await sim.check(...killedAfter(sim.backend, 2))).ok).toBe(false);
    sim.fleet.restart('mysql/0');
    expectOk(await sim.settle());
    expect(sim.record).toMatchObject({ source: 'mysql/1', generation: 2 });
    expectConverged(sim);
  });

  it('a writable server behind the restarted source is not promoted: the source gets writes back', async () => {
    const sim = await settledTopology(3);
    writeRows(sim, 'b', 3);
    sim.fleet.tick();
    // mysql/2 loses its replication and is made writable by hand while mysql/0 restarts.
    sim.fleet.partition('mysql/2');
    writeRows(sim, 'b2', 3);
    sim.fleet.partition('mysql/2', false);
    sim.fleet.server('mysql/2').replica = undefined;
    sim.fleet.setReadOnly('mysql/2', false);
    sim.fleet.kill('mysql/0');
    sim.fleet.restart('mysql/0');
    // With mysql/1 out of reach, the writable mysql/2 is the best candidate there is.
    sim.fleet.partition('mysql/1');
    const outcome = await sim.check();
    expectOk(outcome);
    expect(outcome.result.decision.steps).toEqual([{ kind: 'promote', server: 'mysql/0' }]);
    sim.fleet.partition('mysql/1', false);
    expectOk(await sim.settle());
    for (let i = 0; i < 3; i++)
      expect(sim.fleet.server('mysql/2').data.get(`b2-${i}`)).toBe(`v-${i}`);
    expect(sim.record).toMatchObject({ source: 'mysql/0', generation: 1 });
    expectConverged(sim);
  });
});
