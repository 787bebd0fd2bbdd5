// The flags' inputs as counts over the kept peer summaries: how many there are, how many are
// ready, clustered or carry a rejected key, and which password secrets they reference. Kept in
// the unit state next to the summaries and changed with them, from the one summary that
// changed (old → new), so a hook about one peer neither decodes nor counts the others. Always
// equal to `aggregateOf` over every kept summary; rebuilt from scratch when it cannot be vouched
// for (none stored, another version, summaries missing).
import { hashValue, type JsonValue, type UnitState } from 'juju-reactive';
import {
  encode as encodeSummary,
  isReadySummary,
  type PeerSummary,
  SUMMARY_VERSION,
} from './summaries.js';

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
  /** Of them, with a valid password published in relation data (not in a secret). */
  plaintext: number;
  /**
   * A digest of every summary with its peer's name: the sum, lane by lane modulo 2^48, of two
   * 48-bit lanes of each one's SHA-256. A sum does not depend on the order, and moves by one
   * summary's hash when one summary changes. Equal digests mean equal summaries (but for a
   * collision of 96 bits): for handlers that skip work done for the same summaries.
   */
  digest: [number, number];
  /** The same kind of digest over the summaries' valid addresses (a multiset of them). */
  addresses: [number, number];
  /** The same kind of digest over the ready summaries' addresses only (a multiset of them). */
  readyAddresses: [number, number];
  /** The same over the addresses of the ready summaries that say `unit-configure-ready`. */
  configureReadyAddresses: [number, number];
  /** Password secret id → how many summaries reference it. */
  secrets: Map<string, number>;
}

/** No summary counted. */
export function emptyAggregate(): PeerAggregate {
  return {
    n: 0,
    ready: 0,
    clustered: 0,
    problems: 0,
    plaintext: 0,
    digest: [0, 0],
    addresses: [0, 0],
    readyAddresses: [0, 0],
    configureReadyAddresses: [0, 0],
    secrets: new Map(),
  };
}

const LANE = 2 ** 48;

/**
 * Two 48-bit lanes of the SHA-256 of `text` (as the library hashes a value: a hook's first few
 * kilobytes of hashing never load node:crypto).
 */
function lanes(text: string): [number, number] {
  const hex = hashValue(text);
  return [Number.parseInt(hex.slice(0, 12), 16), Number.parseInt(hex.slice(12, 24), 16)];
}

/** `digest` moved by `sign` times `by`, lane by lane, modulo 2^48. */
function moved(digest: [number, number], by: [number, number], sign: 1 | -1): [number, number] {
  return [(digest[0] + sign * by[0] + LANE) % LANE, (digest[1] + sign * by[1] + LANE) % LANE];
}

/** Count the summary `s` of peer `id` in (`sign` 1) or out (`sign` -1) of `agg`. */
export function count(agg: PeerAggregate, id: string, s: PeerSummary, sign: 1 | -1): void {
  agg.n += sign;
  if (s.hasPassword && s.passwordFrom === 'relation') agg.plaintext += sign;
  agg.digest = moved(agg.digest, lanes(`${id}\n${JSON.stringify(encodeSummary(s))}`), sign);
  if (s.address !== undefined) {
    const address = lanes(`address\n${s.address}`);
    agg.addresses = moved(agg.addresses, address, sign);
    if (isReadySummary(s)) agg.readyAddresses = moved(agg.readyAddresses, address, sign);
    if (isReadySummary(s) && s.configureReady)
      agg.configureReadyAddresses = moved(agg.configureReadyAddresses, address, sign);
  }
  if (isReadySummary(s)) agg.ready += sign;
  if (s.clustered) agg.clustered += sign;
  if (s.problems.length > 0) agg.problems += sign;
  if (s.secret !== undefined) {
    const left = (agg.secrets.get(s.secret) ?? 0) + sign;
    if (left === 0) agg.secrets.delete(s.secret);
    else agg.secrets.set(s.secret, left);
  }
}

/** The counts over `summaries` (by peer id), from scratch. */
export function aggregateOf(summaries: Iterable<readonly [string, PeerSummary]>): PeerAggregate {
  const agg = emptyAggregate();
  for (const [id, s] of summaries) count(agg, id, s, 1);
  return agg;
}

/**
 * The texts of digests made in this process, by digest: a digest moves as a new pair (moved()),
 * so a pair's text never changes, and the counts' view, made again each time a summary moves,
 * asks for the same pairs' texts over and over.
 */
const digestTexts = new WeakMap<readonly [number, number], string>();

/** A digest as text. */
export function digestText(digest: readonly [number, number]): string {
  let text = digestTexts.get(digest);
  if (text === undefined) {
    text = digest[0].toString(16).padStart(12, '0') + digest[1].toString(16).padStart(12, '0');
    digestTexts.set(digest, text);
  }
  return text;
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

// Stored as [summary version, n, ready, clustered, problems, plaintext, digest lane 1, lane 2,
// addresses, ready addresses and configure-ready addresses (two lanes each), [secret id,
// count]...], secrets sorted by id: the same counts always store the same text.
function encode(agg: PeerAggregate): JsonValue {
  const secrets = [...agg.secrets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    SUMMARY_VERSION,
    agg.n,
    agg.ready,
    agg.clustered,
    agg.problems,
    agg.plaintext,
    agg.digest[0],
    agg.digest[1],
    agg.addresses[0],
    agg.addresses[1],
    agg.readyAddresses[0],
    agg.readyAddresses[1],
    agg.configureReadyAddresses[0],
    agg.configureReadyAddresses[1],
    ...secrets,
  ];
}

function decode(stored: unknown): PeerAggregate | undefined {
  if (!Array.isArray(stored) || stored[0] !== SUMMARY_VERSION) return undefined;
  const [, n, ready, clustered, problems, plaintext, d0, d1, b0, b1, a0, a1, c0, c1, ...secrets] =
    stored as unknown[];
  const whole = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  if (!whole(n) || !whole(ready) || !whole(clustered) || !whole(problems) || !whole(plaintext))
    return undefined;
  if (ready > n || clustered > n || problems > n || plaintext > n) return undefined;
  const lane = (x: unknown): x is number => whole(x) && x < LANE;
  if (![d0, d1, b0, b1, a0, a1, c0, c1].every(lane)) return undefined;
  const map = new Map<string, number>();
  for (const pair of secrets) {
    if (!Array.isArray(pair) || pair.length !== 2) return undefined;
    const [id, times] = pair as unknown[];
    if (typeof id !== 'string' || !whole(times) || times === 0 || times > n) return undefined;
    map.set(id, times);
  }
  return {
    n,
    ready,
    clustered,
    problems,
    plaintext,
    digest: [d0 as number, d1 as number],
    addresses: [b0 as number, b1 as number],
    readyAddresses: [a0 as number, a1 as number],
    configureReadyAddresses: [c0 as number, c1 as number],
    secrets: map,
  };
}
