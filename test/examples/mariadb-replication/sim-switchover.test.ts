// A planned switchover on the simulated backend: no acknowledged write lost, refused with a
// reason when it cannot be done safely, and converging when killed at any point.
import { describe, expect, it } from 'vitest';
import {
  expectConverged,
  expectOk,
  killedAfter,
  settledTopology,
  writable,
  writeRows,
} from './sim-helpers.js';

describe.each([3, 5])('switchover on %i simulated servers', (n) => {
  it('moves the source to the named unit with every write, the old source becoming a read-only replica', async () => {
    const sim = await settledTopology(n);
    const keys = writeRows(sim, 'sw', 10);
    // The target is behind when the switchover starts: it must catch up before promotion.
    sim.fleet.lag('mysql/2', 3);
    writeRows(sim, 'late', 3);
    sim.fleet.lag('mysql/2', undefined);
    const outcome = await sim.switchover('mysql/2');
    expectOk(outcome);
    expect(outcome.result.decision.steps.slice(0, 3)).toEqual([
      { kind: 'fence', server: 'mysql/0', required: true },
      { kind: 'catch-up', server: 'mysql/2', source: 'mysql/0' },
      { kind: 'promote', server: 'mysql/2' },
    ]);
    expect(sim.record).toMatchObject({ source: 'mysql/2', generation: 2 });
    for (const key of [...keys, 'late-2'])
      expect(sim.fleet.server('mysql/2').data.has(key), key).toBe(true);
    expectOk(await sim.settle());
    expectConverged(sim);
  });

  it('picks the best replica when no unit is named', async () => {
    const sim = await settledTopology(n);
    sim.fleet.partition('mysql/1');
    writeRows(sim, 'b', 2);
    sim.fleet.tick();
    sim.fleet.partition('mysql/1', false);
    expectOk(await sim.switchover());
    expect(sim.record.source).toBe('mysql/2');
  });

  it('is refused, with the reason, for the source itself, an unknown unit, a broken replica or a failed source', async () => {
    const sim = await settledTopology(n);
    expect(await sim.switchover('mysql/0')).toEqual({
      ok: false,
      error: 'mysql/0 is already the source',
    });
    expect(await sim.switchover('mysql/9')).toEqual({
      ok: false,
      error: 'mysql/9 is not a unit of this application',
    });
    sim.fleet.partition('mysql/1');
    expect(await sim.switchover('mysql/1')).toMatchObject({
      ok: false,
      error: 'mysql/1 is not replicating from mysql/0 (unreachable)',
    });
    sim.fleet.partition('mysql/1', false);
    sim.fleet.kill('mysql/0');
    expect(await sim.switchover('mysql/1')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^source mysql\/0 unreachable/),
    });
    expect(sim.backend.log.filter((l) => !l.startsWith('create-user'))).toEqual([
      'promote mysql/0',
      ...sim.units.slice(1).map((u) => `replicate ${u} from mysql/0`),
    ]);
  });

  it.each([0, 1, 2, 3])(
    'killed after %i operations, the next regular checks converge on one source',
    async (k) => {
      const sim = await settledTopology(n);
      writeRows(sim, 'k', 5);
      sim.fleet.tick();
      const outcome = await sim.switchover('mysql/1', ...killedAfter(sim.backend, k));
      expect(outcome.ok).toBe(false);
      expect(writable(sim).length).toBeLessThanOrEqual(1);
      expectOk(await sim.settle());
      // Killed before the promotion: undone (mysql/0 writable again); after it: finished.
      expect(sim.record.source).toBe(k >= 3 ? 'mysql/1' : 'mysql/0');
      expectConverged(sim);
      for (let i = 0; i < 5; i++)
        expect(sim.fleet.server(sim.record.source ?? '').data.get(`k-${i}`)).toBe(`v-${i}`);
    },
  );
});
