/**
 * seededRandom returns a deterministic uniform generator on [0, 1) (mulberry32): the lab and the
 * simulator must give the same numbers for the same seed so runs are reproducible bit for bit.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** exponentialSample draws from an exponential distribution with the given mean (Poisson gaps). */
export function exponentialSample(random: () => number, mean: number): number {
  return -Math.log(1 - random()) * mean
}
