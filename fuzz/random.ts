import { seededRandom } from '../src/testing/seeded-random.ts'

/** Rng is the seeded generator every fuzz target draws from, so a seed replays a run exactly. */
export class Rng {
  readonly #next: () => number

  constructor(seed: number) {
    this.#next = seededRandom(seed)
  }

  /** float is uniform on [0, 1). */
  float(): number {
    return this.#next()
  }

  /** int is uniform on [0, n). */
  int(n: number): number {
    return Math.floor(this.#next() * n)
  }

  /** range is uniform on [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }

  /** chance is true with probability p. */
  chance(p: number): boolean {
    return this.#next() < p
  }

  /** pick returns one element of a non-empty list. */
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T
  }

  /** bytes returns n uniformly random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = this.int(256)
    return out
  }

  /** splits cuts [0, length) into 2..9 pieces at random points, or tiny pieces of 1..3 bytes. */
  splits(length: number): number[] {
    if (length <= 1) return [length]
    if (this.chance(0.1) && length <= 4096) {
      const sizes: number[] = []
      for (let left = length; left > 0; left -= sizes[sizes.length - 1]!) sizes.push(Math.min(left, this.range(1, 3)))
      return sizes
    }
    const cuts = new Set<number>()
    const n = this.range(1, Math.min(8, length - 1))
    for (let i = 0; i < n; i++) cuts.add(this.range(1, length - 1))
    const sorted = [...cuts].sort((a, b) => a - b)
    const sizes: number[] = []
    let last = 0
    for (const c of sorted) {
      sizes.push(c - last)
      last = c
    }
    sizes.push(length - last)
    return sizes
  }
}
