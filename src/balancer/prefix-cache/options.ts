/** PrefixPickerOptions are the tuning knobs of the prefix-cache picker (see DEFAULT_PREFIX_OPTIONS). */
export interface PrefixPickerOptions {
  blockChars: number
  maxBlocks: number
  lruCapacityFactor: number
  fallbackGpuBlocks: number
  fallbackBlockSize: number
  alpha: number
  missWeight: number
  decodeMsPerSeq: number
  hotSpotAbs: number
  hotSpotRel: number
  tieTolerance: number
  initialPrefillRate: number
  initialCharsPerToken: number
  loraLoadMs: number
  loraFullMs: number
  queueDepthThreshold: number
  kvCacheUtilThreshold: number
  kvFilterThreshold: number
  waitingFilterThreshold: number
  maxConcurrency: number
  purgeAfterMs: number
  /** Monotonic clock, ms (the lab passes its virtual clock). */
  now: () => number
  /** Uniform [0, 1) source for the last tie-break (the lab passes a seeded one). */
  random: () => number
}

/** DEFAULT_PREFIX_OPTIONS are the tuned defaults; every value is explained where it is set. */
export const DEFAULT_PREFIX_OPTIONS: PrefixPickerOptions = {
  // 128 characters ≈ 2 vLLM blocks of 16 tokens at ~4 chars/token: fine enough to find a shared
  // system prompt's end within 32 tokens, coarse enough to hash a 32k-char prompt in 256 steps.
  // Lab W2 saturated hit rate: 64 → 0.826, 128 → 0.828, 256 → 0.822 (equal; 128 hashes half as
  // often as 64).
  blockChars: 128,
  // 1024 blocks × 128 chars = 128k chars ≈ 32k tokens: long system prompts are never truncated
  // (GIE's 256 × 64 chars cuts a 6000-token prompt at ~4000).
  maxBlocks: 1024,
  // The index holds as many characters as the server's KV (num_gpu_blocks × block_size × chars
  // per token); 1.0 = same size, the GIE guide's advice (smaller: false misses, larger: false hits).
  // Lab W2 saturated hit rate: ×0.5 → 0.79, ×1 → 0.83, ×2 → 0.81.
  lruCapacityFactor: 1,
  // Without vllm:cache_config_info: GIE's fallback 31 250 blocks of 16 tokens (Llama-3-8B, H100).
  fallbackGpuBlocks: 31_250,
  fallbackBlockSize: 16,
  // Weight of the decode term against prefill time (Dynamo's overlap weight is 1 too).
  alpha: 1,
  // Weight of this request's own uncached prefill against the prefill already queued there,
  // scaled by how full that endpoint's index is (a miss on a full cache also evicts someone
  // else's prefix: a future miss). Lab W2, hit rate / output tok/s at 120 req/s: 1 → 0.64 / 10.9k,
  // 2 → 0.80 / 16.5k, 4 → 0.86 / 18.9k, 8 → 0.87 / 19.4k but with 1.16 prefill imbalance and a
  // worse saturated TTFT p99; 4 is the knee.
  missWeight: 4,
  // Each decoding sequence there slows every step of a new request by vLLM's ~0.05 ms per
  // sequence, over ~40 steps of a short answer: 2 ms. Lab: 0.5 → 2 lifted W2's saturated tok/s
  // 17.2k → 17.5k and cut W3's TTFT p99 ~7%; it mostly breaks near-ties toward lighter batches.
  decodeMsPerSeq: 2,
  // Hot-spot cap: in-flight ≤ mean + max(8, 0.5 × mean). AIBrix's mean + 2σ and SGLang's 64 /
  // ×1.5 are too loose for 2–8 endpoints; 8 is one eighth of vLLM's default 64-sequence batch.
  // W2's groups are equally popular, so the lab shows no difference for 4/8/16 × 0.25/0.5/1; a
  // Zipf workload (W4) is what would tune it.
  hotSpotAbs: 8,
  hotSpotRel: 0.5,
  // Costs within 2% are equal: break the tie on load, not on noise in the estimates. 10% made
  // W5 (no sharing) 1–3% better but cut W2's saturated hit rate 0.83 → 0.78.
  tieTolerance: 0.02,
  // Before any observation: 10 000 tok/s (a 7–8B model on one GPU prefills ~10–20k tok/s).
  initialPrefillRate: 10_000,
  // GIE's average characters per token until responses report usage.prompt_tokens.
  initialCharsPerToken: 4,
  // Loading an adapter into a free slot: ~50 ms (vLLM LoRA load from host memory).
  loraLoadMs: 50,
  // All adapter slots busy with other adapters: the request waits for a running one to finish,
  // about one request's decode time (~256 tokens × 15 ms ≈ 4 s); 2 s is half that on average.
  loraFullMs: 2000,
  // GIE utilization-detector defaults: waiting queue 5, KV 80% means "full" for saturation.
  queueDepthThreshold: 5,
  kvCacheUtilThreshold: 0.8,
  // Filters before scoring drop an endpoint only when it is hopeless: a completely full KV cache,
  // or a whole vLLM batch (64) waiting. GIE-like 0.95 / 10 cut lab W2's saturated hit rate from
  // 0.83 to 0.68 and its output tok/s from 17.5k to 11.9k: they push a request away from its
  // prefix exactly when every server is busy, and the miss then evicts prefixes elsewhere.
  kvFilterThreshold: 1,
  waitingFilterThreshold: 64,
  // In-process saturation when metrics are stale: GIE concurrency-detector default of 100.
  maxConcurrency: 100,
  // Forget an endpoint not offered as a candidate for 2 minutes (GIE purges dead pods every 2 min).
  purgeAfterMs: 120_000,
  now: () => performance.now(),
  random: Math.random,
}
