import type { RetryBudgetModel } from '../model.ts'

/** BUCKET_MS is the resolution of the sliding window the budget counts over. */
const BUCKET_MS = 1000

/**
 * RetryBudget caps the retries sent to one backend (XBackendTrafficPolicy retryConstraint):
 * within the sliding `interval`, retries may make up at most `percent` of the requests, and
 * `minRetryRate` retries are always allowed so that a quiet backend can still be retried. Counts
 * live in one-second buckets, so recording is two array writes.
 */
export class RetryBudget {
  #config: RetryBudgetModel
  #requests: Float64Array
  #retries: Float64Array
  #bucket = -1

  constructor(config: RetryBudgetModel) {
    this.#config = config
    const n = Math.max(1, Math.ceil(config.intervalMs / BUCKET_MS))
    this.#requests = new Float64Array(n)
    this.#retries = new Float64Array(n)
  }

  /** update takes a new configuration (after a reload), keeping the counts when the window fits. */
  update(config: RetryBudgetModel): void {
    if (config.intervalMs !== this.#config.intervalMs) {
      const n = Math.max(1, Math.ceil(config.intervalMs / BUCKET_MS))
      this.#requests = new Float64Array(n)
      this.#retries = new Float64Array(n)
      this.#bucket = -1
    }
    this.#config = config
  }

  /** recordRequest counts a first attempt. */
  recordRequest(now = Date.now()): void {
    this.#requests[this.#advance(now)]!++
  }

  /** tryRetry counts a retry and returns true if the budget allows it, false if it is spent. */
  tryRetry(now = Date.now()): boolean {
    const i = this.#advance(now)
    const requests = sum(this.#requests)
    const retries = sum(this.#retries)
    const c = this.#config
    const minimum = c.minRetryCount * (c.intervalMs / Math.max(1, c.minRetryIntervalMs))
    const allowed = Math.max(minimum, (c.percent / 100) * requests)
    if (retries + 1 > allowed) return false
    this.#retries[i]!++
    return true
  }

  #advance(now: number): number {
    const bucket = Math.floor(now / BUCKET_MS)
    const n = this.#requests.length
    if (this.#bucket === -1) this.#bucket = bucket
    const steps = Math.min(bucket - this.#bucket, n)
    for (let k = 1; k <= steps; k++) {
      const slot = (this.#bucket + k) % n
      this.#requests[slot] = 0
      this.#retries[slot] = 0
    }
    if (bucket > this.#bucket) this.#bucket = bucket
    return bucket % n
  }
}

function sum(a: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] as number
  return s
}
