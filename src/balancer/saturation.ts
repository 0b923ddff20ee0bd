import type { Endpoint } from './endpoint.ts'
import type { PrefixPickerOptions } from './prefix-cache/options.ts'
import type { ServerStateSource } from './server-state.ts'

/** SaturationOptions are the thresholds of the saturation detector (tuned with the picker's). */
export type SaturationOptions = Pick<PrefixPickerOptions, 'queueDepthThreshold' | 'kvCacheUtilThreshold' | 'maxConcurrency'>

/**
 * poolSaturated is GIE's utilization detector: per endpoint max(waiting / queueDepthThreshold,
 * kv / kvCacheUtilThreshold) from fresh metrics, or in-flight / maxConcurrency from the proxy's
 * own count when metrics are stale or absent (the larger of the two); saturated when the mean ≥ 1.
 */
export function poolSaturated(
  candidates: readonly Endpoint[],
  metrics: ServerStateSource | undefined,
  o: SaturationOptions
): boolean {
  if (candidates.length === 0) return true
  let sum = 0
  for (const e of candidates) {
    let score = e.inflight / o.maxConcurrency
    const s = metrics?.get(e.key)
    if (s?.fresh) {
      score = Math.max(score, s.waiting / o.queueDepthThreshold, s.kvUsage / o.kvCacheUtilThreshold)
    }
    sum += score
  }
  return sum / candidates.length >= 1
}
