import type { Picker, PickerFactory } from './picker.ts'

/** random picks a candidate uniformly at random. */
export const random: PickerFactory = {
  type: 'random',
  create(): Picker {
    return {
      pick(candidates) {
        return candidates[(Math.random() * candidates.length) | 0]
      },
    }
  },
}
