// The model's seeded pseudo-random source (mulberry32): same seed, same sequence, on every
// platform. The simulator never calls Math.random, so a seeded run replays byte for byte.

/** A seeded generator of floats in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: a small, fast 32-bit generator, good enough to shuffle hook interleavings.
 * @example const next = mulberry32(42); next(); // 0.6011037519201636, always
 */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number in [0, n). */
export function randomIndex(random: Random, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}
