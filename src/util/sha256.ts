// SHA-256 of a string's UTF-8 bytes, hex: what createHash('sha256').update(text).digest('hex')
// gives, computed in JavaScript for a process's first few kilobytes and by node:crypto after.
// A hook hashes a few hundred bytes (unit state keys, leader settings, relation values);
// loading node:crypto for that costs a hook process about 5 ms (it loads streams and a dozen
// crypto modules with it), hashing them here well under 1 ms (FIPS 180-4, section 6.2).
import { createHash } from 'node:crypto';

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
  // text.length is at most its UTF-8 length: a long text goes to node:crypto unencoded.
  if (text.length <= jsBytesLeft) {
    const length = encode(text);
    jsBytesLeft -= length;
    return digest(length);
  }
  jsBytesLeft = 0;
  return createHash('sha256').update(text).digest('hex');
}

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
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + (g ^ (e & (f ^ g))) + (K[i] as number) + (W[i] as number)) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) | (c & (a | b)))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
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
