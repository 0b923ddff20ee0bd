import type { Attempt } from './attempt.ts'
import type { Endpoint } from './endpoint.ts'
import { countOnlyStats, type Picker, type PickerFactory, type PickerStats } from './picker.ts'

/** random picks a candidate uniformly at random. */
export const random: PickerFactory = {
  type: 'random',
  create: (_endpoints, params) => new Random(params.options?.random ?? Math.random),
}

class Random implements Picker {
  #picks = 0

  constructor(private readonly random: () => number) {}

  pick(candidates: readonly Endpoint[]): Attempt | undefined {
    if (candidates.length === 0) return undefined
    this.#picks++
    return (candidates[Math.floor(this.random() * candidates.length)] as Endpoint).attempt
  }

  stats(): PickerStats {
    return countOnlyStats(this.#picks)
  }
}
