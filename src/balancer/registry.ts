import { consistentHash } from './consistent-hash.ts'
import { leastRequest } from './least-request.ts'
import type { Endpoint } from './endpoint.ts'
import type { Picker, PickerFactory, PickerParams } from './picker.ts'
import { prefixCache } from './prefix-cache/prefix-cache-picker.ts'
import { random } from './random.ts'
import { roundRobin } from './round-robin.ts'

/**
 * PICKERS is every load-balancing policy, keyed by type: Services and InferencePools use the
 * same ones (translation decides which a backend may name: prefix-cache is for pools only,
 * consistent-hash for Services only).
 */
export const PICKERS: ReadonlyMap<string, PickerFactory> = registry([leastRequest, roundRobin, random, consistentHash, prefixCache])

/** DEFAULT_PICKER is the policy a Service backend gets unless configured otherwise. */
export const DEFAULT_PICKER = 'least-request'

/** createPicker builds a registered picker; an unknown type is a bug in translation, so it throws. */
export function createPicker(type: string, endpoints: readonly Endpoint[], params: PickerParams): Picker {
  const factory = PICKERS.get(type)
  if (!factory) throw new Error(`picker ${type} is not registered`)
  return factory.create(endpoints, params)
}

function registry(list: readonly PickerFactory[]): Map<string, PickerFactory> {
  const m = new Map<string, PickerFactory>()
  for (const f of list) {
    if (m.has(f.type)) throw new Error(`picker ${f.type} registered twice`)
    m.set(f.type, f)
  }
  return m
}
