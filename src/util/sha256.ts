// SHA-256 of a string's UTF-8 bytes, hex: what createHash('sha256').update(text).digest('hex')
// gives, computed in JavaScript for a process's first few kilobytes and by node:crypto after.
// A hook hashes a few hundred bytes (unit state keys, leader settings, relation values);
// loading node:crypto for that costs a hook process about 5 ms (it loads streams and a dozen
// crypto modules with it), hashing them here well under 1 ms (FIPS 180-4, section 6.2).
import * as nodeCrypto from 'node:crypto';

/**
 * Bytes hashed in JavaScript before node:crypto takes over for the rest of the process. In a
 * new process each 64-byte block costs about 35 µs here (the code is not optimised yet), so
 * this budget spends at most about what loading node:crypto costs; a long-lived process (the
 * simulator) then hashes natively.
 */
export const JS_SHA256_BUDGET_BYTES = 8 * 1024;

let jsBytesLeft = JS_SHA256_BUDGET_BYTES;

/**
 * SHA-256 of `text` (UTF-8, lone surrogates as U+FFFD, as Buffer and node:crypto encode them),
 * as 64 lowercase hex digits: the same string createHash('sha256').update(text).digest('hex')
 * returns.
 * @example
 * sha256Hex('abc'); // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export function sha256Hex(text: string): string {
  const known = digests.get(text);
  if (known !== undefined) return known;
  let hex: string;
  // text.length is at most its UTF-8 length: a long text goes to node:crypto unencoded.
  if (text.length <= jsBytesLeft) {
    const length = encode(text);
    jsBytesLeft -= length;
    hex = digest(length);
  } else {
    jsBytesLeft = 0;
    hex = nativeSha256(text);
  }
  keep(text, hex);
  return hex;
}

/**
 * Digests made in this process, by text: the same text always has the same digest, so a text
 * hashed again (a long-lived process, the simulator, hashes the same relation values, leader
 * settings and state keys hook after hook) is answered from here. Bounded: at most
 * DIGESTS_MAX_CHARS characters of texts of at most DIGEST_MAX_TEXT characters each; when full
 * it is emptied and fills again.
 */
const digests = new Map<string, string>();
/** Longest text whose digest is kept. */
export const DIGEST_MAX_TEXT = 16 * 1024;
/** Characters of texts kept at most (about 2 bytes each, plus 64 for each digest). */
export const DIGESTS_MAX_CHARS = 4 * 1024 * 1024;
let digestsChars = 0;

function keep(text: string, hex: string): void {
  if (text.length > DIGEST_MAX_TEXT) return;
  const chars = text.length + hex.length;
  if (digestsChars + chars > DIGESTS_MAX_CHARS) {
    digests.clear();
    digestsChars = 0;
  }
  digests.set(text, hex);
  digestsChars += chars;
}

/** @internal How many digests are kept now, and their texts' characters (tests). */
export function keptDigests(): { readonly count: number; readonly chars: number } {
  return { count: digests.size, chars: digestsChars };
}

/**
 * node:crypto's sha256, chosen on first use (reading node:crypto loads it in a hook bundle):
 * the one-shot `hash` (Node >= 20.12), a third of createHash's cost for the short texts hashed
 * here; createHash on older Node. Same digest either way.
 */
let nativeSha256 = (text: string): string => {
  const oneShot = (nodeCrypto as Partial<Pick<typeof nodeCrypto, 'hash'>>).hash;
  nativeSha256 =
    oneShot === undefined
      ? (t) => nodeCrypto.createHash('sha256').update(t).digest('hex')
      : (t) => oneShot('sha256', t, 'hex');
  return nativeSha256(text);
};

/** {@link sha256Hex} always computed in JavaScript (whatever the budget), for tests. */
export function sha256HexInJs(text: string): string {
  return digest(encode(text));
}

/** The round constants (FIPS 180-4, 4.2.2). */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
/** The message schedule of one block. */
const W = new Int32Array(64);
/** The hash value (FIPS 180-4, 5.3.3 for its initial value). */
const H = new Int32Array(8);
/** The message, padded: reused from one hash to the next, grown when needed. */
let bytes = new Uint8Array(256);

/** Room for `length` message bytes and their padding (at most 72 bytes). */
function reserve(length: number): void {
  if (bytes.length < length + 72) bytes = new Uint8Array(2 * (length + 72));
}

/** Put `text`'s UTF-8 bytes at the start of `bytes`; returns their count. */
function encode(text: string): number {
  const n = text.length;
  reserve(n);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) {
      // Not ASCII: Buffer encodes it exactly as node:crypto would.
      const utf8 = Buffer.from(text, 'utf8');
      reserve(utf8.length);
      bytes.set(utf8);
      return utf8.length;
    }
    bytes[i] = c;
  }
  return n;
}

/** The digest of the `length` message bytes in `bytes` (FIPS 180-4, 5.1.1 and 6.2.2). */
function digest(length: number): string {
  const end = (((length + 8) >> 6) + 1) << 6;
  bytes.fill(0, length, end);
  bytes[length] = 0x80;
  const high = Math.floor(length / 0x20000000);
  const low = (length << 3) >>> 0;
  for (let i = 0; i < 4; i++) {
    bytes[end - 8 + i] = high >>> (24 - 8 * i);
    bytes[end - 4 + i] = low >>> (24 - 8 * i);
  }
  H.set([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  for (let offset = 0; offset < end; offset += 64) compress(offset);
  let hex = '';
  for (let i = 0; i < 8; i++) hex += ((H[i] as number) >>> 0).toString(16).padStart(8, '0');
  return hex;
}

/** One block of `bytes`, at `offset`, into H. */
function compress(offset: number): void {
  const m = bytes;
  for (let i = 0; i < 16; i++) {
    const j = offset + (i << 2);
    W[i] =
      ((m[j] as number) << 24) |
      ((m[j + 1] as number) << 16) |
      ((m[j + 2] as number) << 8) |
      (m[j + 3] as number);
  }
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15] as number;
    const y = W[i - 2] as number;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = s0 + s1 + (W[i - 16] as number) + (W[i - 7] as number);
  }
  let a = H[0] as number;
  let b = H[1] as number;
  let c = H[2] as number;
  let d = H[3] as number;
  let e = H[4] as number;
  let f = H[5] as number;
  let g = H[6] as number;
  let h = H[7] as number;
  let t = 0;
  // Sixteen rounds a pass, each variable taking the next role in turn (all back in place after
  // eight): a function this long is left to V8's interpreter and baseline compiler for about
  // 120 blocks before TurboFan optimizes it (a one-round loop: about 40), which a short hook
  // process paid in CPU and in peak RSS (~2 MiB at 32 peers).
  // biome-ignore format: one round per three lines
  for (let i = 0; i < 64; i += 16) {
    t = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + (K[i + 0] as number) + (W[i + 0] as number)) | 0;
    d = (d + t) | 0;
    h = (t + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)))) | 0;
    t = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + (K[i + 1] as number) + (W[i + 1] as number)) | 0;
    c = (c + t) | 0;
    g = (t + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) + ((h & a) | (b & (h | a)))) | 0;
    t = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + (K[i + 2] as number) + (W[i + 2] as number)) | 0;
    b = (b + t) | 0;
    f = (t + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & h) | (a & (g | h)))) | 0;
    t = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + (K[i + 3] as number) + (W[i + 3] as number)) | 0;
    a = (a + t) | 0;
    e = (t + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) | (h & (f | g)))) | 0;
    t = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + (K[i + 4] as number) + (W[i + 4] as number)) | 0;
    h = (h + t) | 0;
    d = (t + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) + ((e & f) | (g & (e | f)))) | 0;
    t = (c + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + (K[i + 5] as number) + (W[i + 5] as number)) | 0;
    g = (g + t) | 0;
    c = (t + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & e) | (f & (d | e)))) | 0;
    t = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + (K[i + 6] as number) + (W[i + 6] as number)) | 0;
    f = (f + t) | 0;
    b = (t + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) | (e & (c | d)))) | 0;
    t = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + (K[i + 7] as number) + (W[i + 7] as number)) | 0;
    e = (e + t) | 0;
    a = (t + (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) + ((b & c) | (d & (b | c)))) | 0;
    t = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + (K[i + 8] as number) + (W[i + 8] as number)) | 0;
    d = (d + t) | 0;
    h = (t + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)))) | 0;
    t = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + (K[i + 9] as number) + (W[i + 9] as number)) | 0;
    c = (c + t) | 0;
    g = (t + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) + ((h & a) | (b & (h | a)))) | 0;
    t = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + (K[i + 10] as number) + (W[i + 10] as number)) | 0;
    b = (b + t) | 0;
    f = (t + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & h) | (a & (g | h)))) | 0;
    t = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + (K[i + 11] as number) + (W[i + 11] as number)) | 0;
    a = (a + t) | 0;
    e = (t + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) | (h & (f | g)))) | 0;
    t = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + (K[i + 12] as number) + (W[i + 12] as number)) | 0;
    h = (h + t) | 0;
    d = (t + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) + ((e & f) | (g & (e | f)))) | 0;
    t = (c + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + (K[i + 13] as number) + (W[i + 13] as number)) | 0;
    g = (g + t) | 0;
    c = (t + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & e) | (f & (d | e)))) | 0;
    t = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + (K[i + 14] as number) + (W[i + 14] as number)) | 0;
    f = (f + t) | 0;
    b = (t + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) | (e & (c | d)))) | 0;
    t = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + (K[i + 15] as number) + (W[i + 15] as number)) | 0;
    e = (e + t) | 0;
    a = (t + (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) + ((b & c) | (d & (b | c)))) | 0;
  }
  H[0] = (H[0] as number) + a;
  H[1] = (H[1] as number) + b;
  H[2] = (H[2] as number) + c;
  H[3] = (H[3] as number) + d;
  H[4] = (H[4] as number) + e;
  H[5] = (H[5] as number) + f;
  H[6] = (H[6] as number) + g;
  H[7] = (H[7] as number) + h;
}
