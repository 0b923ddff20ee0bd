import type { Endpoint } from '../balancer/endpoint.ts'
import type { InferenceRequest } from './inference-request.ts'
import type { ServerStateSource } from '../balancer/server-state.ts'
import { DEFAULT_PREFIX_OPTIONS, type PrefixPickerOptions } from '../balancer/prefix-cache/options.ts'
import { PrefixCachePicker } from '../balancer/prefix-cache/prefix-cache-picker.ts'
import { LeastRequestPicker, RandomPicker, RoundRobinPicker } from './simple-pickers.ts'

export type { PrefixPickerOptions }

/** InferencePolicy names the endpoint-picking policies of an InferencePool. */
export type InferencePolicy = 'prefix-cache' | 'least-request' | 'round-robin' | 'random'

/** DispatchTicket follows one dispatched request through firstToken/finished/failed. */
export interface DispatchTicket {
  readonly endpoint: Endpoint
}

/** ResponseUsage is the token accounting of a finished response, when the response carried it. */
export interface ResponseUsage {
  promptTokens?: number
  cachedTokens?: number
  completionTokens?: number
}

/** PickerStats is the picker's observability for /metrics. */
export interface PickerStats {
  picks: number
  /** Σ over dispatches of the blocks the index predicted cached on the chosen endpoint. */
  predictedHitBlocks: number
  /** Σ over dispatches of the prompt's blocks. */
  totalBlocks: number
}

/** InferencePicker chooses model-server endpoints for inference requests and learns from them. */
export interface InferencePicker {
  /** pick chooses among candidates (never empty when called; already filtered for health/tried). */
  pick(candidates: readonly Endpoint[], req: InferenceRequest): Endpoint
  /** saturated tells whether every candidate is saturated (GIE utilization-detector semantics). */
  saturated(candidates: readonly Endpoint[]): boolean
  /** dispatched: the request was sent to `endpoint` (index the prompt; count pending prefill). */
  dispatched(endpoint: Endpoint, req: InferenceRequest): DispatchTicket
  /** firstToken: the first response byte/token arrived. */
  firstToken(ticket: DispatchTicket): void
  /** finished: the response ended; usage lets the picker learn chars/token and prefill rate. */
  finished(ticket: DispatchTicket, usage?: ResponseUsage): void
  /** failed: the request failed before any token (its prefix is not kept in the index). */
  failed(ticket: DispatchTicket): void
  /** stats is observability for /metrics. */
  stats(): PickerStats
}

/**
 * createInferencePicker builds a picker for one pool. `metrics` may be undefined (no scraping:
 * in-process counters only); options tune the prefix-cache policy and inject clock/randomness.
 */
export function createInferencePicker(
  policy: InferencePolicy,
  metrics: ServerStateSource | undefined,
  options: Partial<PrefixPickerOptions> = {}
): InferencePicker {
  const o: PrefixPickerOptions = { ...DEFAULT_PREFIX_OPTIONS, ...options }
  switch (policy) {
    case 'prefix-cache':
      return new PrefixCachePicker(metrics, o)
    case 'least-request':
      return new LeastRequestPicker(metrics, o)
    case 'round-robin':
      return new RoundRobinPicker(metrics, o)
    case 'random':
      return new RandomPicker(metrics, o)
  }
}
