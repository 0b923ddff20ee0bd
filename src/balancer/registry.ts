import { consistentHash } from './consistent-hash.ts'
import { leastRequest } from './least-request.ts'
import type { PickerFactory } from './picker.ts'
import { random } from './random.ts'
import { roundRobin } from './round-robin.ts'

/** PICKERS is the list of built-in load-balancing policies, keyed by type. */
export const PICKERS: ReadonlyMap<string, PickerFactory> = registry([leastRequest, roundRobin, random, consistentHash])

/** DEFAULT_PICKER is the policy a Service backend gets unless configured otherwise. */
export const DEFAULT_PICKER = 'least-request'

function registry(list: readonly PickerFactory[]): Map<string, PickerFactory> {
  const m = new Map<string, PickerFactory>()
  for (const f of list) {
    if (m.has(f.type)) throw new Error(`picker ${f.type} registered twice`)
    m.set(f.type, f)
  }
  return m
}
