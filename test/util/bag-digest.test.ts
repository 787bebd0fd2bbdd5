// Bag digests (src/util/bag-digest.ts): one per bag object, and a copy of a bag that never
// changes carries the bag's digest (the simulator's leader-get answers).
import { describe, expect, it } from 'vitest';
import { bagDigest, copyOfBag } from '../../src/util/bag-digest.js';
import { sha256Hex } from '../../src/util/sha256.js';

describe('bagDigest and copyOfBag', () => {
  it('digest the JSON text as it is: equal bags in the same order digest the same', () => {
    expect(bagDigest({ a: '1', b: '2' })).toBe(sha256Hex('{"a":"1","b":"2"}'));
    expect(bagDigest({ a: '1', b: '2' })).toBe(bagDigest({ a: '1', b: '2' }));
    expect(bagDigest({ b: '2', a: '1' })).not.toBe(bagDigest({ a: '1', b: '2' }));
  });

  it('copy a bag into a fresh object, with the same keys (a key named __proto__ too) and digest', () => {
    const bag: Record<string, string> = { z: '1', a: '2', '10': 'x' };
    Object.defineProperty(bag, '__proto__', { value: 'p', enumerable: true, writable: true });
    const copy = copyOfBag(bag);
    expect(copy).not.toBe(bag);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(bag));
    expect(bagDigest(copy)).toBe(sha256Hex(JSON.stringify(bag)));
    copy['a'] = 'changed';
    expect(bag['a']).toBe('2');
    // A new copy of the unchanged bag: still the bag's digest.
    expect(bagDigest(copyOfBag(bag))).toBe(bagDigest(bag));
  });
});
