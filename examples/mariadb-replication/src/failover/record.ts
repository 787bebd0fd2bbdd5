// The leader's topology record: which unit is the source, which are replicas, how many
// consecutive health checks the source failed, and each replica's last known lag. Kept in
// leader settings (committed with the hook, survives a leader change); parsed, never trusted.
import * as z from 'zod/mini';

/** The topology as the leader last committed it. */
export interface TopologyRecord {
  /** Unit whose server takes writes; undefined before the initial setup. */
  readonly source: string | undefined;
  /** Every other unit, sorted. */
  readonly replicas: readonly string[];
  /** Consecutive failed health checks of the source (reset by a good one and by a failover). */
  readonly failures: number;
  /** Seconds_Behind_Master per replica, as last seen while the source was healthy. */
  readonly lastLag: Readonly<Record<string, number>>;
  /** Number of promotions so far (1 after the initial setup). */
  readonly generation: number;
}

/** The record before the initial setup. */
export const EMPTY_RECORD: TopologyRecord = {
  source: undefined,
  replicas: [],
  failures: 0,
  lastLag: {},
  generation: 0,
};

/** The record once `next` has been promoted: every other server a replica, counts reset. */
export function afterPromotion(
  record: TopologyRecord,
  servers: readonly string[],
  next: string,
): TopologyRecord {
  return {
    source: next,
    replicas: servers.filter((s) => s !== next),
    failures: 0,
    lastLag: {},
    generation: record.generation + 1,
  };
}

const UNIT = z.string().check(z.regex(/^[a-z][a-z0-9-]{0,62}\/\d{1,6}$/));
const COUNT = z.number().check(z.int(), z.gte(0), z.lte(1_000_000_000));

const SCHEMA = z.object({
  source: z.optional(UNIT),
  replicas: z.array(UNIT).check(z.maxLength(1024)),
  failures: COUNT,
  lastLag: z.record(UNIT, COUNT),
  generation: COUNT,
});

/**
 * Parse a record read back from leader settings. Throws an error naming what is wrong (never a
 * value) so the leader does not act on a corrupted topology.
 */
export function parseTopologyRecord(value: unknown): TopologyRecord {
  if (value === undefined || value === null) return EMPTY_RECORD;
  const parsed = SCHEMA.safeParse(value);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join('.') || '(record)').join(', ');
    throw new Error(`the leader's topology record is malformed at: ${where}`);
  }
  return { ...parsed.data, source: parsed.data.source };
}
