// Routing: read-write work to the PRIMARY, read-only work to SECONDARY members by weight.
import { type ClusterMember, candidates, WeightedRoundRobin } from 'juju-reactive/client';
import { describe, expect, it } from 'vitest';
import { member } from './builders.js';

function shares(members: readonly ClusterMember[], picks: number): Record<string, number> {
  const rr = new WeightedRoundRobin();
  const counts: Record<string, number> = {};
  const pool = candidates(members, 'read_only');
  for (let i = 0; i < picks; i++) {
    const m = rr.pick(pool);
    if (m) counts[m.name] = (counts[m.name] ?? 0) + 1;
  }
  return counts;
}

describe('read-only balancing', () => {
  it.each([[[1, 1, 1]], [[1, 2, 7]], [[0.5, 3, 1.5]], [[5, 1]]])(
    'over 1,000 picks gives each secondary its weight share within 5%% (weights %j)',
    (weights) => {
      const members = [
        member(0, 'PRIMARY'),
        ...weights.map((w, i) => member(i + 1, 'SECONDARY', { weight: w })),
      ];
      const counts = shares(members, 1000);
      const total = weights.reduce((a, b) => a + b, 0);
      weights.forEach((w, i) => {
        const expected = (1000 * w) / total;
        expect(Math.abs((counts[`db/${i + 1}`] ?? 0) - expected)).toBeLessThanOrEqual(
          0.05 * expected,
        );
      });
      expect(counts['db/0']).toBeUndefined();
    },
  );

  it('interleaves picks instead of sending bursts to the heaviest member', () => {
    const rr = new WeightedRoundRobin();
    const pool = [member(1, 'SECONDARY', { weight: 2 }), member(2, 'SECONDARY', { weight: 1 })];
    expect(Array.from({ length: 6 }, () => rr.pick(pool)?.name)).toEqual([
      'db/1',
      'db/2',
      'db/1',
      'db/1',
      'db/2',
      'db/1',
    ]);
  });

  it('goes to the primary when no secondary serves', () => {
    const members = [
      member(0, 'PRIMARY'),
      member(1, 'SECONDARY', { hidden: true }),
      member(2, 'SPARE'),
    ];
    expect(candidates(members, 'read_only').map((m) => m.name)).toEqual(['db/0']);
  });

  it('never picks a hidden, disconnecting, SPARE or FAULTY member', () => {
    const members = [
      member(0, 'PRIMARY'),
      member(1, 'SECONDARY', { hidden: true }),
      member(2, 'SECONDARY', { disconnect: true }),
      member(3, 'SPARE'),
      member(4, 'FAULTY'),
      member(5, 'SECONDARY'),
    ];
    expect(Object.keys(shares(members, 100))).toEqual(['db/5']);
  });
});

describe('read-write routing', () => {
  it('goes to the PRIMARY only', () => {
    expect(
      candidates([member(1, 'SECONDARY'), member(0, 'PRIMARY')], 'read_write').map((m) => m.name),
    ).toEqual(['db/0']);
  });

  it('has no candidate when the primary is hidden or disconnecting', () => {
    expect(
      candidates([member(0, 'PRIMARY', { hidden: true }), member(1, 'SECONDARY')], 'read_write'),
    ).toEqual([]);
    expect(candidates([member(0, 'PRIMARY', { disconnect: true })], 'read_write')).toEqual([]);
  });
});
