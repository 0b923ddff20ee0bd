/** EngineProfile holds every cost and capacity constant of one simulated model server. */
export interface EngineProfile {
  readonly name: string
  /** Fixed cost of one engine step (kernel launches, sampling, scheduling), ms. */
  readonly c0Ms: number
  /** Cost per uncached prompt token computed in a step, ms (1 / prefill throughput). */
  readonly cPrefillMsPerToken: number
  /** Attention over context: ms per 1000 context tokens of each sequence in the step. */
  readonly cAttnMsPer1kCtx: number
  /** Cost per decoding sequence in a step, ms (memory traffic per sequence). */
  readonly cDecodeMsPerSeq: number
  /** vLLM --max-num-seqs: most sequences running at once. */
  readonly maxNumSeqs: number
  /** vLLM --max-num-batched-tokens: token budget per step (chunked prefill). */
  readonly maxNumBatchedTokens: number
  /** vLLM --block-size: tokens per KV block. */
  readonly blockSize: number
  /** KV capacity in blocks (vLLM's num_gpu_blocks). */
  readonly numGpuBlocks: number
  /** vLLM --max-loras: distinct adapters a batch may hold. */
  readonly maxLoras: number
  /** Time to load an adapter that is not resident, ms. */
  readonly cLoraLoadMs: number
  /** vLLM --max-model-len: prompt + output tokens a request may use. */
  readonly maxModelLen: number
  /** Relative step-time jitter: 0 = deterministic, 0.1 = uniform ±10%. */
  readonly jitter: number
}

/**
 * qwen32b-h100-tp2 is the Tier A profile: 15 928 prefill tok/s (llm-d-router's
 * peakPrefillThroughput for Qwen-32B on 2×H100) and a 12 ms step floor that puts ITL in the
 * 11–28 ms band of llm-d's 73-capacity tables; 307 328 KV tokens as in that benchmark.
 */
const qwen32bH100Tp2: EngineProfile = {
  name: 'qwen32b-h100-tp2',
  c0Ms: 12,
  cPrefillMsPerToken: 0.0628,
  cAttnMsPer1kCtx: 0.002,
  cDecodeMsPerSeq: 0.05,
  maxNumSeqs: 64,
  maxNumBatchedTokens: 8192,
  blockSize: 16,
  numGpuBlocks: 19_208,
  maxLoras: 2,
  cLoraLoadMs: 50,
  maxModelLen: 32_768,
  jitter: 0,
}

/**
 * small-fast is the Tier B / demo profile: a 4 ms step and 20 000 prefill tok/s make one server
 * saturate at tens of requests/s of a ÷8 workload while the process only runs ~250 timer
 * callbacks per second per server; 1024 blocks is llm-d-inference-sim's default kv-cache-size.
 */
const smallFast: EngineProfile = {
  name: 'small-fast',
  c0Ms: 4,
  cPrefillMsPerToken: 0.05,
  cAttnMsPer1kCtx: 0.001,
  cDecodeMsPerSeq: 0.05,
  maxNumSeqs: 64,
  maxNumBatchedTokens: 2048,
  blockSize: 16,
  numGpuBlocks: 1024,
  maxLoras: 2,
  cLoraLoadMs: 20,
  maxModelLen: 8192,
  jitter: 0,
}

/**
 * h100-measured comes from the one-off H100 run in the design note (0.85B Llama, eager HF):
 * ~10 ms launch floor, 5.5 µs per uncached token, decode flat until batch×context ≈ 64k tokens,
 * then ≈ 0.09 ms per 1000 context tokens per sequence; 1 ms over 63 extra sequences at 1k context.
 */
const h100Measured: EngineProfile = {
  name: 'h100-measured',
  c0Ms: 10,
  cPrefillMsPerToken: 0.0055,
  cAttnMsPer1kCtx: 0.09,
  cDecodeMsPerSeq: 0.016,
  maxNumSeqs: 64,
  maxNumBatchedTokens: 8192,
  blockSize: 16,
  numGpuBlocks: 4096,
  maxLoras: 2,
  cLoraLoadMs: 50,
  maxModelLen: 16_384,
  jitter: 0,
}

/** PROFILES lists the built-in engine profiles by name. */
export const PROFILES: Readonly<Record<string, EngineProfile>> = {
  [qwen32bH100Tp2.name]: qwen32bH100Tp2,
  [smallFast.name]: smallFast,
  [h100Measured.name]: h100Measured,
}

/** profileByName returns a built-in profile, or throws naming the known ones. */
export function profileByName(name: string): EngineProfile {
  const profile = PROFILES[name]
  if (!profile)
    throw new Error(`unknown profile "${name}" (known: ${Object.keys(PROFILES).join(', ')})`)
  return profile
}
