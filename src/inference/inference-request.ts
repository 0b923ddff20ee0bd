/** InferenceRequest is what the inference picker needs to know about one request. */
export interface InferenceRequest {
  /** Target model after rewrite/canary choice (may be a LoRA adapter name): seeds the prefix key. */
  readonly model: string
  readonly promptText: string
  /** From the InferenceObjective; 0 when none. Negative is sheddable. */
  readonly priority: number
  /** vLLM `cache_salt`, when the body has one: different salts never share a prefix. */
  readonly cacheSalt?: string
}
