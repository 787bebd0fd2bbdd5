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
    return decode(this.state.get(this.key(relationId, unit)));
  }

  /** Whether a summary (of any version) is stored for this peer, without decoding it. */
  has(relationId: string, unit: string): boolean {
    return this.state.has(this.key(relationId, unit));
  }

  /** Drop this peer's summary. */
  unset(relationId: string, unit: string): void {
    this.state.unset(this.key(relationId, unit));
  }

  /** Store a summary; writes nothing when the state already holds this one. */
  set(relationId: string, unit: string, summary: PeerSummary): void {
    const key = this.key(relationId, unit);
    const next = encode(summary);
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

// Stored compactly, as every unit keeps one per peer (at 1,000 units, a million of them in a
// model): [version, address | null, user | null, bits, secret | null, ...problems], bits
// 1 = a valid password, 2 = it comes from the secret, 4 = configure-ready, 8 = clustered,
// problems as [field, problem] pairs.
const HAS_PASSWORD = 1;
const FROM_SECRET = 2;
const CONFIGURE_READY = 4;
const CLUSTERED = 8;

/** A summary as stored (compact, see above). */
export function encode(s: PeerSummary): JsonValue {
  const bits =
    (s.hasPassword ? HAS_PASSWORD : 0) |
    (s.passwordFrom === 'secret' ? FROM_SECRET : 0) |
    (s.configureReady ? CONFIGURE_READY : 0) |
    (s.clustered ? CLUSTERED : 0);
  return [
    SUMMARY_VERSION,
    s.address ?? null,
    s.user ?? null,
    bits,
    s.secret ?? null,
    ...s.problems.map((p) => [p.field, p.problem]),
  ];
}

/** A stored value as a summary; anything else (corrupt, hand-edited, older) is undefined. */
function decode(stored: unknown): PeerSummary | undefined {
  if (!Array.isArray(stored) || stored[0] !== SUMMARY_VERSION || stored.length < 5)
    return undefined;
  const address: unknown = stored[1];
  const user: unknown = stored[2];
  const bits: unknown = stored[3];
  const secret: unknown = stored[4];
  if (!isText(address) || !isText(user) || !isText(secret)) return undefined;
  if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 0 || bits > 15)
    return undefined;
  const problems: PeerDataProblem[] = [];
  for (let i = 5; i < stored.length; i++) {
    const p: unknown = stored[i];
    if (!Array.isArray(p) || p.length !== 2) return undefined;
    const [field, problem] = p as unknown[];
    if (typeof field !== 'string' || typeof problem !== 'string') return undefined;
    problems.push({ field, problem } as PeerDataProblem);
  }
  const hasPassword = (bits & HAS_PASSWORD) !== 0;
  // Built key by key in the order a summary is written elsewhere (the same shape every time).
  const summary: Mutable<PeerSummary> = {} as Mutable<PeerSummary>;
  if (address !== null) summary.address = address;
  if (user !== null) summary.user = user;
  summary.hasPassword = hasPassword;
  if (hasPassword) summary.passwordFrom = bits & FROM_SECRET ? 'secret' : 'relation';
  if (secret !== null) summary.secret = secret;
  summary.configureReady = (bits & CONFIGURE_READY) !== 0;
  summary.clustered = (bits & CLUSTERED) !== 0;
  summary.problems = problems;
  return summary;
}

const isText = (x: unknown): x is string | null => x === null || typeof x === 'string';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
