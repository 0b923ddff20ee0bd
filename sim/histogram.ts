/** Histogram is a Prometheus-style cumulative histogram with fixed upper bounds (seconds). */
export class Histogram {
  readonly counts: number[]
  sum = 0
  count = 0

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length).fill(0)
  }

  /** observe records one value into the first bucket whose bound is ≥ it (and +Inf). */
  observe(value: number): void {
    this.sum += value
    this.count++
    for (let i = 0; i < this.bounds.length; i++) {
      if (value <= (this.bounds[i] as number)) {
        this.counts[i] = (this.counts[i] as number) + 1
        return
      }
    }
  }
}

/** TTFT_BUCKETS are vLLM's time_to_first_token_seconds bounds. */
export const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
  160, 640, 2560,
]
/** ITL_BUCKETS are vLLM's inter_token_latency_seconds bounds. */
export const ITL_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
]
/** E2E_BUCKETS are vLLM's e2e_request_latency_seconds (and queue time) bounds. */
export const E2E_BUCKETS = [
  0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
]

/** EngineStats are the monotonic counters and histograms a simulated server exports. */
export class EngineStats {
  prefixCacheQueries = 0
  prefixCacheHits = 0
  promptTokens = 0
  generationTokens = 0
  preemptions = 0
  requestsFinished = 0
  readonly ttft = new Histogram(TTFT_BUCKETS)
  readonly itl = new Histogram(ITL_BUCKETS)
  readonly e2e = new Histogram(E2E_BUCKETS)
  readonly queueTime = new Histogram(E2E_BUCKETS)
}
