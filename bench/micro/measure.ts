import { median } from '../summary.ts'

/** How long to warm up and how many timed rounds of at least how long. */
export interface RoundPlan {
  readonly warmupMs: number
  readonly rounds: number
  readonly minRoundMs: number
}

export const DEFAULT_ROUNDS: RoundPlan = { warmupMs: 300, rounds: 7, minRoundMs: 200 }

/** Nanoseconds per operation: the median over rounds, plus every round for the spread. */
export interface Timing {
  readonly medianNs: number
  readonly roundsNs: readonly number[]
}

/**
 * Times `batch(n)`, which must do n operations, in rounds long enough for the clock and the JIT
 * to settle: warm-up first (until the optimiser has compiled the hot path), then several rounds
 * whose median resists a single preempted round on a shared machine.
 */
export function timeRounds(batch: (n: number) => void, plan: RoundPlan = DEFAULT_ROUNDS): Timing {
  let n = 1
  const warmupEnd = performance.now() + plan.warmupMs
  // Grow the batch until one takes about a tenth of a round, warming up meanwhile.
  while (performance.now() < warmupEnd) {
    const start = Bun.nanoseconds()
    batch(n)
    const ms = (Bun.nanoseconds() - start) / 1e6
    if (ms < plan.minRoundMs / 10) n *= 2
  }
  const roundsNs: number[] = []
  for (let round = 0; round < plan.rounds; round++) {
    let ops = 0
    const start = Bun.nanoseconds()
    let elapsed = 0
    while (elapsed < plan.minRoundMs * 1e6) {
      batch(n)
      ops += n
      elapsed = Bun.nanoseconds() - start
    }
    roundsNs.push(elapsed / ops)
  }
  return { medianNs: median(roundsNs), roundsNs }
}
