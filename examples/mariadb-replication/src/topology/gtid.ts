// MariaDB GTID positions as values: parse, compare, and decide whether one server's history is a
// prefix of another's. Pure functions; never touches a server.
//
// A MariaDB GTID is `domain-server_id-seq_no`; a *position* (gtid_current_pos, gtid_slave_pos,
// gtid_binlog_pos) holds the last GTID per replication domain, and gtid_binlog_state the last
// GTID per (domain, server_id) pair in the binlog. With gtid_strict_mode the seq_no of a domain
// only grows, so within a domain histories are linear and comparable by seq_no
// (https://mariadb.com/kb/en/gtid/, "gtid_strict_mode").

/** One GTID: `domain-server-seq`. */
export interface Gtid {
  readonly domain: number;
  readonly server: number;
  readonly seq: bigint;
}

/** A GTID position: the last GTID per domain (or, for a binlog state, per domain and server). */
export type GtidPosition = readonly Gtid[];

const GTID = /^(\d{1,10})-(\d{1,10})-(\d{1,20})$/;
const MAX_UINT32 = 4294967295;
const MAX_UINT64 = 18446744073709551615n;
/** Bound on the number of GTIDs read from one server: positions are small; anything else is refused. */
const MAX_GTIDS = 1024;

/**
 * Parse a position as MariaDB prints it (`0-1-100,1-2-7`, possibly empty). Throws a clear error on
 * anything else: a position comes from a server or a peer and is checked, never trusted.
 */
export function parseGtidPosition(text: string): GtidPosition {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const parts = trimmed.split(',').map((p) => p.trim());
  if (parts.length > MAX_GTIDS)
    throw new Error(`GTID position has ${parts.length} GTIDs (max ${MAX_GTIDS})`);
  return parts.map((part) => {
    const m = GTID.exec(part);
    const [domain, server, seq] = [Number(m?.[1]), Number(m?.[2]), BigInt(m?.[3] ?? -1)];
    if (!m || domain > MAX_UINT32 || server > MAX_UINT32 || seq > MAX_UINT64 || seq < 0n) {
      throw new Error(`not a MariaDB GTID: ${JSON.stringify(part.slice(0, 64))}`);
    }
    return { domain, server, seq };
  });
}

/** Print a position as MariaDB does: GTIDs sorted by domain then server, comma-separated. */
export function formatGtidPosition(position: GtidPosition): string {
  return [...position]
    .sort((a, b) => a.domain - b.domain || a.server - b.server)
    .map((g) => `${g.domain}-${g.server}-${g.seq}`)
    .join(',');
}

/** The highest seq_no per domain in `position` (a binlog state may hold several per domain). */
function lastPerDomain(position: GtidPosition): Map<number, Gtid> {
  const last = new Map<number, Gtid>();
  for (const g of position) {
    const seen = last.get(g.domain);
    if (!seen || g.seq > seen.seq) last.set(g.domain, g);
  }
  return last;
}

/** The union of positions: per domain, the GTID with the highest seq_no. */
export function mergePositions(...positions: GtidPosition[]): GtidPosition {
  return [...lastPerDomain(positions.flat()).values()];
}

/** How position `a` relates to `b`, domain by domain. */
export type GtidOrder = 'equal' | 'ahead' | 'behind' | 'diverged';

/** Compare two positions by seq_no per domain (a missing domain counts as seq_no 0). */
export function compareGtidPositions(a: GtidPosition, b: GtidPosition): GtidOrder {
  const la = lastPerDomain(a);
  const lb = lastPerDomain(b);
  let ahead = false;
  let behind = false;
  for (const domain of new Set([...la.keys(), ...lb.keys()])) {
    const sa = la.get(domain)?.seq ?? 0n;
    const sb = lb.get(domain)?.seq ?? 0n;
    if (sa > sb) ahead = true;
    if (sa < sb) behind = true;
  }
  if (ahead && behind) return 'diverged';
  return ahead ? 'ahead' : behind ? 'behind' : 'equal';
}

/** Total of seq_no over domains: a ranking key among positions of one linear history. */
export function positionWeight(position: GtidPosition): bigint {
  let total = 0n;
  for (const g of lastPerDomain(position).values()) total += g.seq;
  return total;
}

/** Why a server's history is not a prefix of a source's. */
export interface ErrantTransaction {
  /** The server's last GTID in the domain that the source does not hold. */
  readonly gtid: Gtid;
  readonly reason: string;
}

/**
 * The GTIDs of `history` (a server's gtid_current_pos or gtid_binlog_pos) that are not in the
 * source's binlog, judged from the source's gtid_binlog_state: `d-s-n` is in it when the state
 * holds `d-s-m` with m >= n. Under gtid_strict_mode server s issues seq_no n at most once in
 * domain d, so this is exact; an empty result means `history` is a prefix and the server may
 * replicate from the source with MASTER_USE_GTID=slave_pos. MariaDB itself refuses a non-prefix:
 * the source answers error 1236 (requested GTID not in its binlog), and a replica in strict mode
 * stops with error 1950 (ER_GTID_STRICT_OUT_OF_ORDER) rather than binlog an out-of-order GTID
 * (https://mariadb.com/docs/server/ref/mdb/error-codes/ER_GTID_STRICT_OUT_OF_ORDER).
 */
export function errantTransactions(
  history: GtidPosition,
  sourceBinlogState: GtidPosition,
): ErrantTransaction[] {
  const held = new Map<string, bigint>();
  for (const g of sourceBinlogState) {
    const key = `${g.domain}-${g.server}`;
    const seen = held.get(key);
    if (seen === undefined || g.seq > seen) held.set(key, g.seq);
  }
  const errant: ErrantTransaction[] = [];
  for (const g of lastPerDomain(history).values()) {
    const seq = held.get(`${g.domain}-${g.server}`);
    if (seq === undefined) {
      errant.push({
        gtid: g,
        reason: `the source's binlog has no transaction from server ${g.server} in domain ${g.domain}`,
      });
    } else if (seq < g.seq) {
      errant.push({
        gtid: g,
        reason: `the source's binlog stops at ${g.domain}-${g.server}-${seq} in that server's history`,
      });
    }
  }
  return errant;
}
