import type { Exchange } from '../listeners/exchange.ts'
import type { Endpoint } from './endpoint.ts'

/**
 * Picker chooses an endpoint among candidates for one request. `candidates` never contains an
 * ejected or already tried endpoint; `pick` returns undefined only for an empty list. The
 * exchange is there for policies that key on the request (consistent hashing).
 */
export interface Picker {
  pick(candidates: readonly Endpoint[], ex?: Exchange): Endpoint | undefined
}

/** PickerParams are the per-backend settings of a picker (from a load-balancing policy). */
export interface PickerParams {
  readonly header?: string
  readonly cookie?: string
}

/** PickerFactory builds the picker of one backend; pickers may keep state (a round-robin index). */
export interface PickerFactory {
  readonly type: string
  create(endpoints: readonly Endpoint[], params: PickerParams): Picker
}
