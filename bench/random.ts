/**
 * Seeded randomness for the benchmarks: the same seed gives the same numbers on every machine and
 * Node version (nothing here touches `Math.random`). mulberry32 is a 32-bit generator by Tommy Ettinger
 * (public domain): tiny, fast, and good enough for traffic that only has to look realistic.
 */

/** A source of uniform numbers in [0, 1) plus the draws the generator needs. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** true with probability `p`. */
  chance(p: number): boolean;
  /** Integer uniform in [min, max], both included. */
  int(min: number, max: number): number;
  /** A uniformly chosen element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** An element chosen with probability proportional to its weight. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T;
  /**
   * A log-normal duration in ms with the given median, clamped to [min, max]: reply times and gaps of
   * human conversations are heavy-tailed (most within minutes, a few after hours).
   */
  duration(medianMs: number, spread: number, minMs: number, maxMs: number): number;
}

/** mulberry32: a 32-bit state, period 2^32. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mixes two integers into one well-spread 32-bit seed (the murmur3 finaliser), so conversation `n` of
 * seed `s` gets its own independent stream: `mixSeeds(s, n)`.
 */
export function mixSeeds(a: number, b: number): number {
  let h = (Math.imul(a >>> 0, 0x9e3779b1) ^ (b >>> 0)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  const random: Random = {
    next,
    chance: (p) => next() < p,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T,
    weighted<T>(choices: readonly (readonly [T, number])[]): T {
      let total = 0;
      for (const [, weight] of choices) total += weight;
      let draw = next() * total;
      for (const [value, weight] of choices) {
        draw -= weight;
        if (draw < 0) return value;
      }
      return (choices[choices.length - 1] as readonly [T, number])[0];
    },
    duration(medianMs, spread, minMs, maxMs) {
      // Box–Muller: one standard normal from two uniforms (1 − u keeps the logarithm finite).
      const normal = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      const value = medianMs * Math.exp(spread * normal);
      return Math.round(Math.min(maxMs, Math.max(minMs, value)));
    },
  };
  return random;
}
