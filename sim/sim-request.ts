import type { Sequence } from './sequence.ts'

/** SequenceHooks are called at the end of the engine step where the event happened. */
export interface SequenceHooks {
  /** The prefill finished and produced the first output token (the TTFT moment). */
  onFirstToken?(seq: Sequence, now: number): void
  /** One more output token exists (also called for the first one). */
  onToken?(seq: Sequence, now: number): void
  /** The sequence generated max_tokens and left the engine. */
  onFinish?(seq: Sequence, now: number): void
}

/** SimRequest is one generation request as the engine sees it (already tokenized and hashed). */
export interface SimRequest {
  readonly id: string
  /** Served model name the request asked for: the base model or a LoRA adapter. */
  readonly model: string
  /** LoRA adapter that needs a slot; undefined for the base model. */
  readonly adapter?: string
  readonly promptTokens: number
  /** Chained hashes of the prompt's full token blocks (tokenBlockHashes), seeded by `model`. */
  readonly blockHashes: readonly bigint[]
  /** Exactly this many tokens are generated (vLLM with ignore_eos). */
  readonly maxTokens: number
  readonly hooks?: SequenceHooks
}
