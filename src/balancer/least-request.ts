import type { Endpoint } from './endpoint.ts'
import type { Picker, PickerFactory } from './picker.ts'

/**
 * leastRequest picks the less loaded of two endpoints chosen at random ("power of two choices",
 * Envoy's LEAST_REQUEST default): nearly as good as scanning every endpoint for the fewest
 * requests in flight, in constant time, and without every proxy worker piling onto the same one.
 */
export const leastRequest: PickerFactory = {
  type: 'least-request',
  create(): Picker {
    return {
      pick(candidates) {
        const n = candidates.length
        if (n <= 1) return candidates[0]
        const i = (Math.random() * n) | 0
        let j = (Math.random() * (n - 1)) | 0
        if (j >= i) j++
        const a = candidates[i] as Endpoint
        const b = candidates[j] as Endpoint
        return b.inflight < a.inflight ? b : a
      },
    }
  },
}
