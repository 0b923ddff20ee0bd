/**
 * RATE_EWMA_WEIGHT: each prefill-rate sample moves the estimate 10% of the way, so one outlier
 * (a request that waited for a batch slot) shifts it little while ~20 samples adapt it fully.
 */
const RATE_EWMA_WEIGHT = 0.1
/**
 * MIN_RATE_SAMPLE_TOKENS: samples with less prefill work ahead than this are dominated by the
 * fixed step time (12 ms = 190 tokens at 16k tok/s) and would make the rate look far too low.
 */
const MIN_RATE_SAMPLE_TOKENS = 512
/** Prefill rates are clamped to 1k–2M tok/s so a broken sample can never zero or explode a cost. */
const MIN_RATE = 1_000
const MAX_RATE = 2_000_000

/**
 * EndpointLoad is the picker's own, synchronously updated view of one endpoint: prefill it has
 * sent there that has not produced a first token, sequences decoding there, the learned prefill
 * rate, and when it was last chosen (to spread prefixes no endpoint holds yet).
 */
export class EndpointLoad {
  /** Σ estimated uncached prompt tokens of requests sent here still waiting for a first token. */
  pendingPrefillTokens = 0
  /** Requests sent here that have not produced a first token. */
  pendingRequests = 0
  /** Requests sent here that are past their first token and not finished. */
  decoding = 0
  lastPickedAt = -Infinity
  lastSeenAt = 0
  /** The metrics epoch the index contents belong to (a restart empties the server's cache). */
  epoch = 0

  constructor(public prefillRate: number) {}

  /** addPending counts a request sent here with `tokens` estimated uncached prompt tokens. */
  addPending(tokens: number): void {
    this.pendingPrefillTokens += tokens
    this.pendingRequests++
  }

  /** removePending undoes addPending (first token arrived, or the request failed). */
  removePending(tokens: number): void {
    this.pendingPrefillTokens = Math.max(0, this.pendingPrefillTokens - tokens)
    this.pendingRequests = Math.max(0, this.pendingRequests - 1)
  }

  /** observePrefill learns tokens/s from a request's prefill work and its time to first token. */
  observePrefill(workTokens: number, ttftMs: number): void {
    if (workTokens < MIN_RATE_SAMPLE_TOKENS || ttftMs <= 0) return
    const sample = Math.min(MAX_RATE, Math.max(MIN_RATE, (workTokens * 1000) / ttftMs))
    this.prefillRate += RATE_EWMA_WEIGHT * (sample - this.prefillRate)
  }
}
