// Peer summaries: what the flags need from each peer (address, user, whether its password was
// valid, configure-ready, clustered), kept in the unit state between hooks so that a peer's
// -changed hook re-reads that peer only. Never a password: only whether one was valid, and
// the id of the secret it came from. The summaries commit with the hook like all unit state,
// so a killed or failed hook leaves the previous ones.
import type { JsonValue, UnitState } from 'juju-reactive';
import type { PeerDataProblem } from './schema.js';

/** Bump when the shape or the rules behind a summary change: older summaries are re-read. */
const SUMMARY_VERSION = 1;

/** One peer as last read, validated; never its password. */
export interface PeerSummary {
  readonly address?: string;
  readonly user?: string;
  /** The peer published a valid password (plaintext or through its secret). */
  readonly hasPassword: boolean;
  readonly passwordFrom?: 'relation' | 'secret';
  /** The id of the password secret it referenced (also when that could not be read). */
  readonly secret?: string;
  readonly configureReady: boolean;
  readonly clustered: boolean;
  readonly problems: readonly PeerDataProblem[];
}

interface StoredSummaries {
  v: number;
  /** relation id -> unit name -> summary */
  relations: Record<string, Record<string, PeerSummary>>;
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** Summaries by `relationId\0unit`, as the unit state holds them (others are ignored). */
export function loadSummaries(state: UnitState, key: string): Map<string, PeerSummary> {
  const out = new Map<string, PeerSummary>();
  const stored = state.get(key) as unknown;
  if (!isRecord(stored) || stored['v'] !== SUMMARY_VERSION || !isRecord(stored['relations']))
    return out;
  for (const [relationId, units] of Object.entries(stored['relations'])) {
    if (!isRecord(units)) continue;
    for (const [unit, summary] of Object.entries(units)) {
      if (isSummary(summary)) out.set(summaryKey(relationId, unit), summary);
    }
  }
  return out;
}

/** Store `summaries` under `key`, only when they differ from what the state holds. */
export function saveSummaries(
  state: UnitState,
  key: string,
  summaries: ReadonlyMap<string, PeerSummary>,
): void {
  if (summaries.size === 0) {
    if (state.get(key) !== undefined) state.unset(key);
    return;
  }
  const relations: StoredSummaries['relations'] = {};
  for (const [k, summary] of [...summaries].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [relationId, unit] = k.split('\u0000') as [string, string];
    relations[relationId] ??= {};
    relations[relationId][unit] = summary;
  }
  const next: StoredSummaries = { v: SUMMARY_VERSION, relations };
  if (JSON.stringify(state.get(key)) === JSON.stringify(next)) return;
  state.set(key, next as unknown as JsonValue);
}

export const summaryKey = (relationId: string, unit: string): string =>
  `${relationId}\u0000${unit}`;

function isSummary(x: unknown): x is PeerSummary {
  if (!isRecord(x)) return false;
  const optionalString = (k: string) => x[k] === undefined || typeof x[k] === 'string';
  return (
    optionalString('address') &&
    optionalString('user') &&
    optionalString('secret') &&
    (x['passwordFrom'] === undefined ||
      x['passwordFrom'] === 'relation' ||
      x['passwordFrom'] === 'secret') &&
    typeof x['hasPassword'] === 'boolean' &&
    typeof x['configureReady'] === 'boolean' &&
    typeof x['clustered'] === 'boolean' &&
    Array.isArray(x['problems']) &&
    x['problems'].every(
      (p) => isRecord(p) && typeof p['field'] === 'string' && typeof p['problem'] === 'string',
    )
  );
}
