// The flags' inputs as counts over the kept peer summaries: how many there are, how many are
// ready, clustered or carry a rejected key, and which password secrets they reference. Kept in
// the unit state next to the summaries and changed with them, from the one summary that
// changed (old → new), so a hook about one peer neither decodes nor counts the others. Always
// equal to `aggregateOf` over every kept summary; rebuilt from scratch when it cannot be vouched
// for (none stored, another version, summaries missing).
import type { JsonValue, UnitState } from 'juju-reactive';
import { isReadySummary, type PeerSummary, SUMMARY_VERSION } from './summaries.js';

/** Counts over a set of peer summaries. */
export interface PeerAggregate {
  /** Summaries counted. */
  n: number;
  /** Of them, ready (valid address, user and password). */
  ready: number;
  /** Of them, `unit-clustered: true`. */
  clustered: number;
  /** Of them, with a rejected key (to warn about each relation hook). */
  problems: number;
  /** Password secret id → how many summaries reference it. */
  secrets: Map<string, number>;
}

/** No summary counted. */
export function emptyAggregate(): PeerAggregate {
  return { n: 0, ready: 0, clustered: 0, problems: 0, secrets: new Map() };
}

/** Count `s` in (`sign` 1) or out (`sign` -1) of `agg`. */
export function count(agg: PeerAggregate, s: PeerSummary, sign: 1 | -1): void {
  agg.n += sign;
  if (isReadySummary(s)) agg.ready += sign;
  if (s.clustered) agg.clustered += sign;
  if (s.problems.length > 0) agg.problems += sign;
  if (s.secret !== undefined) {
    const left = (agg.secrets.get(s.secret) ?? 0) + sign;
    if (left === 0) agg.secrets.delete(s.secret);
    else agg.secrets.set(s.secret, left);
  }
}

/** The counts over `summaries`, from scratch. */
export function aggregateOf(summaries: Iterable<PeerSummary>): PeerAggregate {
  const agg = emptyAggregate();
  for (const s of summaries) count(agg, s, 1);
  return agg;
}

/** Two aggregates count the same. */
export function sameAggregate(a: PeerAggregate, b: PeerAggregate): boolean {
  return JSON.stringify(encode(a)) === JSON.stringify(encode(b));
}

/** The aggregate stored under `key`, or undefined when none is (or one of another version). */
export function loadAggregate(state: UnitState, key: string): PeerAggregate | undefined {
  return decode(state.get(key));
}

/** Store `agg` under `key` (no write when the state already holds it). */
export function saveAggregate(state: UnitState, key: string, agg: PeerAggregate): void {
  state.set(key, encode(agg));
}

// Stored as [summary version, n, ready, clustered, problems, [secret id, count]...], secrets
// sorted by id: the same counts always store the same text.
function encode(agg: PeerAggregate): JsonValue {
  const secrets = [...agg.secrets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [SUMMARY_VERSION, agg.n, agg.ready, agg.clustered, agg.problems, ...secrets];
}

function decode(stored: unknown): PeerAggregate | undefined {
  if (!Array.isArray(stored) || stored[0] !== SUMMARY_VERSION) return undefined;
  const [, n, ready, clustered, problems, ...secrets] = stored as unknown[];
  const whole = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  if (!whole(n) || !whole(ready) || !whole(clustered) || !whole(problems)) return undefined;
  if (ready > n || clustered > n || problems > n) return undefined;
  const map = new Map<string, number>();
  for (const pair of secrets) {
    if (!Array.isArray(pair) || pair.length !== 2) return undefined;
    const [id, times] = pair as unknown[];
    if (typeof id !== 'string' || !whole(times) || times === 0 || times > n) return undefined;
    map.set(id, times);
  }
  return { n, ready, clustered, problems, secrets: map };
}
