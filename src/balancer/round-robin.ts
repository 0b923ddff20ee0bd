import type { Attempt } from './attempt.ts'
import type { Endpoint } from './endpoint.ts'
import { countOnlyStats, type Picker, type PickerFactory, type PickerStats } from './picker.ts'

/** roundRobin takes the candidates in turn (nginx's default upstream balancing). */
export const roundRobin: PickerFactory = {
  type: 'round-robin',
  create: () => new RoundRobin(),
}

class RoundRobin implements Picker {
  #next = 0
  #picks = 0

  pick(candidates: readonly Endpoint[]): Attempt | undefined {
    const n = candidates.length
    if (n === 0) return undefined
    this.#picks++
    const e = candidates[this.#next % n] as Endpoint
    this.#next = (this.#next + 1) % 1_000_000_007
    return e.attempt
  }

  stats(): PickerStats {
    return countOnlyStats(this.#picks)
  }
}
