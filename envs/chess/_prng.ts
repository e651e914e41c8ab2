/**
 * A small seeded pseudo-random generator (mulberry32), so seeded episodes
 * replay exactly (internal).
 *
 * @module
 */

/** A generator of floats in [0, 1). */
export type Prng = () => number;

/** Creates a generator from a 32-bit seed; without one, from `Math.random`. */
export function createPrng(seed?: number): Prng {
  let a = (seed ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks one element. */
export function pick<T>(prng: Prng, items: readonly T[]): T {
  return items[Math.floor(prng() * items.length)];
}
