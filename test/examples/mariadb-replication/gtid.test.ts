import { describe, expect, it } from 'vitest';
import {
  compareGtidPositions,
  errantTransactions,
  formatGtidPosition,
  mergePositions,
  parseGtidPosition,
} from '../../../examples/mariadb-replication/src/topology/gtid.js';

const p = parseGtidPosition;

describe('MariaDB GTID positions', () => {
  it('parses what MariaDB prints, including the empty position, and prints it back sorted', () => {
    expect(p('')).toEqual([]);
    expect(formatGtidPosition(p('1-2-7, 0-1-18446744073709551615'))).toBe(
      '0-1-18446744073709551615,1-2-7',
    );
  });

  it.each(['0-1', '0-1-x', '-1-2-3', '0-1-2;DROP', '4294967296-1-1', '0-1-18446744073709551616'])(
    'refuses %j',
    (text) => {
      expect(() => p(text)).toThrow(/not a MariaDB GTID/);
    },
  );

  it('refuses an unbounded number of GTIDs', () => {
    expect(() => p(Array.from({ length: 2000 }, (_, i) => `${i}-1-1`).join(','))).toThrow(
      /max 1024/,
    );
  });

  it('compares positions per domain, a missing domain counting as zero', () => {
    expect(compareGtidPositions(p('0-1-5'), p('0-2-5'))).toBe('equal');
    expect(compareGtidPositions(p('0-1-6'), p('0-2-5'))).toBe('ahead');
    expect(compareGtidPositions(p('0-1-5'), p('0-1-5,1-1-1'))).toBe('behind');
    expect(compareGtidPositions(p('0-1-6,1-1-1'), p('0-1-5,1-1-2'))).toBe('diverged');
    expect(formatGtidPosition(mergePositions(p('0-1-6,1-1-1'), p('0-2-5,1-3-2')))).toBe(
      '0-1-6,1-3-2',
    );
  });

  describe('errant transactions (gtid_strict_mode: seq_no grows within a domain, ER_GTID_STRICT_OUT_OF_ORDER 1950)', () => {
    it('finds none when the history is a prefix of the source binlog state', () => {
      // Old source (server 1) stopped at 0-1-99; the new source (server 2) replicated it, then wrote on.
      expect(errantTransactions(p('0-1-99'), p('0-1-99,0-2-101'))).toEqual([]);
      expect(errantTransactions(p(''), p('0-2-101'))).toEqual([]);
    });

    it('finds the old source transaction that never reached the new source', () => {
      const errant = errantTransactions(p('0-1-100'), p('0-1-99,0-2-101'));
      expect(errant.map((e) => formatGtidPosition([e.gtid]))).toEqual(['0-1-100']);
      expect(errant[0]?.reason).toMatch(/stops at 0-1-99/);
    });

    it('finds a transaction from a server the source never heard of, and a domain it lacks', () => {
      expect(errantTransactions(p('0-3-7'), p('0-2-101'))).toHaveLength(1);
      expect(errantTransactions(p('0-2-100,5-2-1'), p('0-2-101'))).toHaveLength(1);
    });
  });
});
