import type { ServerState } from '../server-state.ts'
import type { PrefixPickerOptions } from './options.ts'

/** CostInputs are one endpoint's numbers for one request, all in tokens, sequences or tok/s. */
export interface CostInputs {
  /** Prefill already sent there and not yet answered with a first token. */
  readonly pendingPrefillTokens: number
  /** This request's prompt tokens the endpoint does not hold (estimated). */
  readonly uncachedTokens: number
  /** How full the endpoint's prefix index is, 0–1: new blocks there evict others' prefixes. */
  readonly cacheFill: number
  /** Learned prefill throughput, tokens/s. */
  readonly prefillRate: number
  /** Sequences decoding there. */
  readonly decodingSeqs: number
  /** Extra wait for a LoRA adapter slot, ms. */
  readonly loraMs: number
}

/**
 * dispatchCost estimates, in ms, what sending the request to an endpoint costs (Dynamo-style, in
 * work rather than normalized scores): the prefill queued ahead plus its own uncached prefill at
 * the endpoint's rate (weighted up when it would evict), plus α × decoding sequences ×
 * per-sequence slowdown, plus the wait for an adapter slot.
 */
export function dispatchCost(
  i: CostInputs,
  o: Pick<PrefixPickerOptions, 'alpha' | 'decodeMsPerSeq' | 'missWeight'>
): number {
  // A miss on a full cache also evicts another prefix (a future miss): weigh it up to missWeight.
  const missWeight = 1 + (o.missWeight - 1) * Math.min(1, Math.max(0, i.cacheFill))
  const prefillMs =
    ((i.pendingPrefillTokens + missWeight * i.uncachedTokens) * 1000) / i.prefillRate
  return prefillMs + o.alpha * i.decodingSeqs * o.decodeMsPerSeq + i.loraMs
}

/**
 * loraWaitMs is GIE's LoRA affinity as a cost: 0 when the adapter is running there (or the model
 * is the base model, or nothing is known), a load when a slot is free, half a wait when the
 * adapter is queued there, and a long wait when every slot is held by other adapters.
 */
export function loraWaitMs(
  model: string,
  state: ServerState | undefined,
  o: Pick<PrefixPickerOptions, 'loraLoadMs' | 'loraFullMs'>
): number {
  if (!state?.fresh || state.baseModel === undefined || model === state.baseModel) return 0
  if (state.runningLoras.includes(model)) return 0
  if (state.maxLora === undefined || state.runningLoras.length < state.maxLora) return o.loraLoadMs
  // Already queued there: it gets the next free slot, on average half a full wait away.
  if (state.waitingLoras.includes(model)) return o.loraFullMs / 2
  return o.loraFullMs
}
