// Which member gets the next piece of work: read-write work to the PRIMARY, read-only work to
// the SECONDARY members by smooth weighted round-robin (to the PRIMARY when no secondary
// serves). Hidden, disconnecting, SPARE and FAULTY members never get any.
import { type ClusterMember, isServing } from '../discovery/view.js';

/** The kind of work: writes (and reads that must see them) or reads only. */
export type AccessMode = 'read_write' | 'read_only';

/**
 * Smooth weighted round-robin (the scheme nginx uses): over any window of `sum(weights)` picks
 * every member gets exactly its weight's share, interleaved rather than in bursts.
 */
export class WeightedRoundRobin {
  private readonly current = new Map<string, number>();
  private key = '';

  /** Pick one of `members` by weight. */
  pick(members: readonly ClusterMember[]): ClusterMember | undefined {
    const key = members.map((m) => `${m.name}|${m.weight}`).join(',');
    if (key !== this.key) {
      this.current.clear();
      this.key = key;
    }
    let best: ClusterMember | undefined;
    let bestValue = Number.NEGATIVE_INFINITY;
    let total = 0;
    for (const m of members) {
      const value = (this.current.get(m.name) ?? 0) + m.weight;
      this.current.set(m.name, value);
      total += m.weight;
      if (value > bestValue) {
        best = m;
        bestValue = value;
      }
    }
    if (best !== undefined) this.current.set(best.name, bestValue - total);
    return best;
  }
}

/** The members that may take work of this mode, before balancing. */
export function candidates(members: readonly ClusterMember[], mode: AccessMode): ClusterMember[] {
  const serving = members.filter(isServing);
  const primary = serving.filter((m) => m.role === 'PRIMARY' && m.mode === 'read_write');
  if (mode === 'read_write') return primary.slice(0, 1);
  const secondaries = serving.filter((m) => m.role === 'SECONDARY');
  return secondaries.length > 0 ? secondaries : primary.slice(0, 1);
}
