import type { SimRequest } from './sim-request.ts'

/** SequenceStatus is where a sequence is in the engine. */
export type SequenceStatus = 'waiting' | 'running' | 'finished' | 'aborted'

/**
 * Sequence is the engine's state for one request: KV blocks held, tokens computed and generated,
 * and the timestamps the server's latency histograms are built from.
 */
export class Sequence {
  status: SequenceStatus = 'waiting'
  /** Output tokens generated so far. */
  generated = 0
  /** Tokens whose KV is computed (prompt, then generated tokens as they are fed back). */
  numComputed = 0
  /** Tokens to prefill before decoding: the prompt, or prompt + output after a preemption. */
  prefillTarget: number
  /** KV blocks held, in order. */
  readonly blocks: number[] = []
  /** Prompt tokens served from the prefix cache at first admission; -1 before it. */
  cachedTokens = -1
  admittedAt = -1
  firstTokenAt = -1
  lastTokenAt = -1
  finishedAt = -1
  /** Aborted while a step that includes it was in flight; freed when the step ends. */
  abortRequested = false

  constructor(
    readonly request: SimRequest,
    readonly arrivedAt: number
  ) {
    this.prefillTarget = request.promptTokens
  }

  /** inPrefill tells whether the sequence still has prompt (or recompute) tokens to compute. */
  get inPrefill(): boolean {
    return this.numComputed < this.prefillTarget
  }
}
