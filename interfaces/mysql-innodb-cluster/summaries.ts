// Peer summaries: what the flags and the cheap listings need from each joined peer, validated,
// kept in the unit state between hooks (one key per peer), so that a peer's -changed hook
// re-reads that peer only. Never a password, in any transport: only whether a valid one was
// published, where it comes from and, for a secret, the secret's id. Summaries commit with the
// hook like all unit state: a failed or killed hook leaves the previous ones.
import type { JsonValue, UnitState } from 'juju-reactive';
import type { PeerDataProblem } from './schema.js';

/** Bump when the shape or the rules behind a summary change: older summaries are re-read. */
export const SUMMARY_VERSION = 1;

/** One peer as this unit last read it from the relation, validated; never its password. */
export interface PeerSummary {
  /** `cluster-address`, when valid. */
  readonly address?: string;
  /** `cluster-user`, when valid. */
  readonly user?: string;
  /** The peer published a valid password (plaintext, or in a secret this unit could read). */
  readonly hasPassword: boolean;
  /** Where that password comes from. */
  readonly passwordFrom?: 'relation' | 'secret';
  /** The id of the password secret it references (also when that could not be read). */
  readonly secret?: string;
  /** `unit-configure-ready` is `true`. */
  readonly configureReady: boolean;
  /** `unit-clustered` is `true`. */
  readonly clustered: boolean;
  /** Keys that were published but rejected, with why (never the value). */
  readonly problems: readonly PeerDataProblem[];
}

/** A summary has a valid address, user and password: the peer counts for `available`. */
export function isReadySummary(s: PeerSummary): boolean {
  return s.address !== undefined && s.user !== undefined && s.hasPassword;
}

/**
 * The summaries of one endpoint in the unit state: `<prefix><relation id> <unit>` → summary.
 * One key per peer, so a hook that refreshes one peer writes one key, and a hook whose
 * summaries did not change leaves the state unchanged (not saved at all).
 */
export class SummaryStore {
  constructor(
    private readonly state: UnitState,
    /** e.g. `endpoint.cluster.peer.` */
    private readonly prefix: string,
  ) {}

  private key(relationId: string, unit: string): string {
    return `${this.prefix}${relationId} ${unit}`;
  }

  /** The stored summary, or undefined when there is none (or it is of another version). */
  get(relationId: string, unit: string): PeerSummary | undefined {
    const stored = this.state.get(this.key(relationId, unit)) as unknown;
    if (!isRecord(stored) || stored['v'] !== SUMMARY_VERSION) return undefined;
    return isSummary(stored['s']) ? stored['s'] : undefined;
  }

  /** Store a summary; writes nothing when the state already holds this one. */
  set(relationId: string, unit: string, summary: PeerSummary): void {
    const key = this.key(relationId, unit);
    const next = { v: SUMMARY_VERSION, s: summary as unknown as JsonValue };
    if (JSON.stringify(this.state.get(key)) === JSON.stringify(next)) return;
    this.state.set(key, next);
  }

  /** Drop every stored summary whose peer is not in `keep` (`relation id` + ' ' + unit). */
  retain(keep: ReadonlySet<string>): void {
    for (const key of this.state.keys(this.prefix)) {
      if (!keep.has(key.slice(this.prefix.length))) this.state.unset(key);
    }
  }

  /** The `retain` name of a peer. */
  static id(relationId: string, unit: string): string {
    return `${relationId} ${unit}`;
  }
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** A stored value is a summary (a hand-edited or corrupt state is re-read, never trusted). */
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
