import type { BackendModel } from '../model.ts'
import type { BackendRef } from '../translate/backends.ts'
import type { Filter, FilterFactory } from './filter.ts'

/** MirrorConfig is a parsed HTTPRequestMirrorFilter: where to copy requests, and how often. */
export interface MirrorConfig {
  /** Undefined when the backendRef cannot be used: the mirror is dropped, the rule still works. */
  readonly backend?: BackendModel
  /** Share of requests mirrored, 0..1. */
  readonly probability: number
}

/**
 * requestMirror copies requests (head and body) to another backend and discards its answers. The
 * filter only says where and how often; compile builds the mirror backend, and the proxy samples
 * and sends the copy beside the real request, so a slow or failing mirror never changes the
 * client's response or its timing.
 */
export const requestMirror: FilterFactory<MirrorConfig> = {
  type: 'RequestMirror',
  parse(raw, { reportRef, resolveBackendRef }) {
    const m = raw.requestMirror ?? {}
    let probability = 1
    if (typeof m.percent === 'number') probability = m.percent / 100
    else if (m.fraction) probability = (m.fraction.numerator ?? 0) / (m.fraction.denominator ?? 100)
    const { backend, error } = resolveBackendRef(m.backendRef as BackendRef)
    if (error) {
      reportRef(error)
      return { probability }
    }
    return { backend, probability: Math.max(0, Math.min(1, probability)) }
  },
  create(config): Filter {
    if (!config.backend || config.probability <= 0) return {}
    return { mirror: { backend: config.backend, probability: config.probability } }
  },
}

/**
 * sampleMirrors adds to `out` the mirrors one request goes to: each with its own probability.
 * It runs per request, beside the forwarded request (the proxy calls it).
 */
export function sampleMirrors<M extends { readonly probability: number }>(mirrors: readonly M[], out: M[] | undefined): M[] | undefined {
  for (const m of mirrors) if (m.probability >= 1 || Math.random() < m.probability) (out ??= []).push(m)
  return out
}
