import type { Endpoint } from '../endpoint.ts'
import type { ServerStateSource } from '../server-state.ts'
import type { PrefixPickerOptions } from './options.ts'

type GuardOptions = Pick<PrefixPickerOptions, 'kvFilterThreshold' | 'waitingFilterThreshold' | 'hotSpotAbs' | 'hotSpotRel'>

/**
 * filterOverloaded drops endpoints whose fresh metrics say they are full (KV ≥ kvFilterThreshold
 * or waiting ≥ waitingFilterThreshold) and, when some endpoints are fresh, those with stale
 * metrics; if that would drop every endpoint it returns all of them (fail open, like GIE).
 */
export function filterOverloaded(
  candidates: readonly Endpoint[],
  metrics: ServerStateSource | undefined,
  o: GuardOptions
): readonly Endpoint[] {
  if (!metrics || candidates.length < 2) return candidates
  const fresh: Endpoint[] = []
  const ok: Endpoint[] = []
  for (const e of candidates) {
    const s = metrics.get(e.key)
    if (!s?.fresh) continue
    fresh.push(e)
    if (s.kvUsage < o.kvFilterThreshold && s.waiting < o.waitingFilterThreshold) ok.push(e)
  }
  if (ok.length > 0) return ok
  return fresh.length > 0 ? fresh : candidates
}

/**
 * withinHotSpotCap keeps endpoints whose in-flight count is below mean + max(abs, rel × mean),
 * so affinity cannot pile a hot prefix's traffic onto one endpoint; all when none qualifies.
 */
export function withinHotSpotCap(
  candidates: readonly Endpoint[],
  o: GuardOptions
): readonly Endpoint[] {
  if (candidates.length < 2) return candidates
  let total = 0
  for (const e of candidates) total += e.inflight
  const mean = total / candidates.length
  const cap = mean + Math.max(o.hotSpotAbs, o.hotSpotRel * mean)
  const kept = candidates.filter((e) => e.inflight < cap)
  return kept.length > 0 ? kept : candidates
}
