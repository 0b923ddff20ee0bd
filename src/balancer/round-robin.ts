import type { Picker, PickerFactory } from './picker.ts'

/** roundRobin takes the candidates in turn. */
export const roundRobin: PickerFactory = {
  type: 'round-robin',
  create(): Picker {
    let next = 0
    return {
      pick(candidates) {
        const n = candidates.length
        if (n === 0) return undefined
        const e = candidates[next % n]
        next = (next + 1) % 1_000_000_007
        return e
      },
    }
  },
}
