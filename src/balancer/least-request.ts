import type { Attempt } from './attempt.ts'
import type { Endpoint } from './endpoint.ts'
import { countOnlyStats, type Picker, type PickerFactory, type PickerStats } from './picker.ts'

/**
 * leastRequest picks the endpoint with fewer requests in flight. With `choices: 2` (the default)
 * it compares two endpoints chosen at random ("power of two choices", Envoy's LEAST_REQUEST
 * default): nearly as good as a full scan, in constant time, and without every proxy worker
 * piling onto the same endpoint. With `choices: 'all'` (InferencePools, nginx least_conn) it
 * scans every candidate and breaks ties at random.
 */
export const leastRequest: PickerFactory = {
  type: 'least-request',
  create(_endpoints, params): Picker {
    const random = params.options?.random ?? Math.random
    return params.choices === 'all' ? new FewestInFlight(random) : new TwoChoices(random)
  },
}

class TwoChoices implements Picker {
  #picks = 0

  constructor(private readonly random: () => number) {}

  pick(candidates: readonly Endpoint[]): Attempt | undefined {
    const n = candidates.length
    if (n === 0) return undefined
    this.#picks++
    if (n === 1) return (candidates[0] as Endpoint).attempt
    const i = (this.random() * n) | 0
    let j = (this.random() * (n - 1)) | 0
    if (j >= i) j++
    const a = candidates[i] as Endpoint
    const b = candidates[j] as Endpoint
    return (b.inflight < a.inflight ? b : a).attempt
  }

  stats(): PickerStats {
    return countOnlyStats(this.#picks)
  }
}

class FewestInFlight implements Picker {
  #picks = 0

  constructor(private readonly random: () => number) {}

  pick(candidates: readonly Endpoint[]): Attempt | undefined {
    if (candidates.length === 0) return undefined
    this.#picks++
    let fewest = Infinity
    let tied: Endpoint[] = []
    for (const e of candidates) {
      if (e.inflight < fewest) {
        fewest = e.inflight
        tied = [e]
      } else if (e.inflight === fewest) tied.push(e)
    }
    return (tied[Math.floor(this.random() * tied.length)] as Endpoint).attempt
  }

  stats(): PickerStats {
    return countOnlyStats(this.#picks)
  }
}
