// sha256Hex gives what node:crypto gives for every text: the unit state's stored hashes (of
// dataChanged, leader settings, config, relation values) stay the same whichever computes them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DIGEST_MAX_TEXT,
  DIGESTS_MAX_CHARS,
  JS_SHA256_BUDGET_BYTES,
  keptDigests,
  sha256Hex,
  sha256HexInJs,
} from '../../src/util/sha256.js';

const native = (text: string) => createHash('sha256').update(text).digest('hex');

describe('sha256Hex', () => {
  it('gives the FIPS 180-4 example digests (NIST CSRC SHA256.pdf: "abc" and the 448-bit message)', () => {
    expect(sha256HexInJs('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256HexInJs('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(sha256HexInJs('')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('equals node:crypto at every padding boundary (55, 56, 63, 64 bytes and on) and for UTF-8', () => {
    const texts: string[] = [];
    for (let n = 0; n <= 200; n++) texts.push('x'.repeat(n));
    texts.push('é', 'ü€😀', `{"address":"10.0.0.${'٣'.repeat(30)}"}`, '\u0000', 'a\nb\tc');
    // Lone surrogates: both encode them as U+FFFD.
    texts.push('\ud800', 'a\udc00b', `${'y'.repeat(54)}\ud83d`);
    for (const text of texts) expect(sha256HexInJs(text), JSON.stringify(text)).toBe(native(text));
  });

  it('equals node:crypto before and after its JavaScript budget is spent, and for a text longer than it', () => {
    // A fresh process: the budget is per process.
    const script = `
      import { createHash } from 'node:crypto';
      import { JS_SHA256_BUDGET_BYTES, sha256Hex } from ${JSON.stringify(new URL('../../src/util/sha256.ts', import.meta.url).pathname)};
      const native = (t) => createHash('sha256').update(t).digest('hex');
      let bad = 0;
      // A text longer than the whole budget, while it is unspent; then the budget spent.
      const long = 'z'.repeat(JS_SHA256_BUDGET_BYTES * 2);
      if (sha256Hex(long) !== native(long)) bad++;
      for (let i = 0; i < 2000; i++) {
        const t = '{"k' + i + '":"' + 'v'.repeat(i % 150) + '"}';
        if (sha256Hex(t) !== native(t)) bad++;
      }
      process.stdout.write(String(bad));
    `;
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('0');
    // And in this process, whichever computes it.
    expect(sha256Hex('abc')).toBe(native('abc'));
    expect(JS_SHA256_BUDGET_BYTES).toBeGreaterThan(0);
  });

  it('equals node:crypto on pseudo-random texts of every length up to a few blocks', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let n = 0; n < 300; n++) {
      const text = Array.from({ length: n }, () => String.fromCharCode(32 + (next() % 95))).join(
        '',
      );
      expect(sha256HexInJs(text)).toBe(native(text));
    }
  });
});

describe('digests kept for texts hashed again', () => {
  it('answer a text hashed again with its own digest, and keep no text longer than DIGEST_MAX_TEXT', () => {
    const texts = ['a', 'b', '{"k":"v"}', 'é', ''];
    for (const text of texts) expect(sha256Hex(text)).toBe(native(text));
    const kept = keptDigests().count;
    for (const text of texts) expect(sha256Hex(text)).toBe(native(text));
    expect(keptDigests().count).toBe(kept);
    const long = 'L'.repeat(DIGEST_MAX_TEXT + 1);
    expect(sha256Hex(long)).toBe(native(long));
    expect(keptDigests().count).toBe(kept);
  });

  it('hold at most DIGESTS_MAX_CHARS characters, and stay right once emptied and refilled', () => {
    const text = (i: number) => `${i}:${'x'.repeat(DIGEST_MAX_TEXT - 16)}`;
    const n = Math.ceil(DIGESTS_MAX_CHARS / DIGEST_MAX_TEXT) + 8;
    for (let i = 0; i < n; i++) {
      sha256Hex(text(i));
      expect(keptDigests().chars).toBeLessThanOrEqual(DIGESTS_MAX_CHARS);
    }
    expect(keptDigests().count).toBeLessThan(n);
    for (const i of [0, n - 1]) expect(sha256Hex(text(i))).toBe(native(text(i)));
  });
});
