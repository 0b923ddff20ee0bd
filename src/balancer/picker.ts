import type { Endpoint } from './endpoint.ts'

/**
 * Picker chooses an endpoint among candidates for one request. `candidates` never contains an
 * ejected or already tried endpoint; `pick` returns undefined only for an empty list.
 */
export interface Picker {
  pick(candidates: readonly Endpoint[]): Endpoint | undefined
}

/** PickerFactory builds a picker for one backend; pickers may keep state (a round-robin index). */
export interface PickerFactory {
  readonly type: string
  create(): Picker
}
