// Deterministic randomness for tests: a failing run is replayed by its seed.

/** A deterministic pseudo-random source (mulberry32), so a failing case can be replayed by its seed. */
export function seeded(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    /** Skewed toward the front of `xs` (a few get most of the picks). */
    skewed: <T>(xs: readonly T[]): T => xs[Math.floor(xs.length * next() ** 3)]!,
  }
}
