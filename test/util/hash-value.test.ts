// hashValue's digests are stored in unit state (dataChanged, automatic flags, leadership): the
// one-shot node:crypto hash must give the digest createHash gave, or every stored hash would
// read as a change after an upgrade.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashValue, stableStringify } from '../../src/util/json.js';

describe('hashValue', () => {
  it('is the hex sha256 of the stable encoding, as stored by earlier versions', () => {
    for (const value of [null, 0, 'x', 'ünïcode ✓', [1, 'a'], { b: 1, a: [true, { c: null }] }]) {
      const expected = createHash('sha256').update(stableStringify(value)).digest('hex');
      expect(hashValue(value)).toBe(expected);
    }
  });

  it('ignores key order and tells different values apart', () => {
    expect(hashValue({ a: 1, b: 2 })).toBe(hashValue({ b: 2, a: 1 }));
    expect(hashValue({ a: 1 })).not.toBe(hashValue({ a: 2 }));
  });
});
