import type { Histogram } from 'hdr-histogram-js'
import { encodeLatency, MAX_LATENCY_US, newLatencyHistogram, type PoolSnapshot } from '../admin/metrics-snapshot.ts'
import type { Attempt } from '../balancer/attempt.ts'
import type { Endpoint } from '../balancer/endpoint.ts'
import type { Picker, PickRequest } from '../balancer/picker.ts'
import { DEFAULT_PREFIX_OPTIONS } from '../balancer/prefix-cache/options.ts'
import { createPicker } from '../balancer/registry.ts'
import { poolSaturated } from '../balancer/saturation.ts'
import type { InferencePolicyName } from '../model.ts'
import { ModelServerMetrics } from './model-server-metrics.ts'

/**
 * InferencePoolRuntime is the long-lived state of one InferencePool: its picker (whose prefix
 * indexes must survive reloads, or every reload would forget what each server has cached), the
 * scraper of its servers' /metrics, and its counters.
 */
export class InferencePoolRuntime {
  readonly key: string
  readonly policy: InferencePolicyName
  readonly picker: Picker
  readonly #scraper = new ModelServerMetrics()
  readonly #pickLatency: Histogram = newLatencyHistogram()
  sheds = 0

  constructor(key: string, policy: InferencePolicyName) {
    this.key = key
    this.policy = policy
    // least-request scans every endpoint here: a pool has few, and its requests are long.
    this.picker = createPicker(policy, [], { choices: 'all', serverState: this.#scraper })
  }

  /** setEndpoints points the scraper at the pool's current endpoints. */
  setEndpoints(endpoints: readonly Endpoint[]): void {
    this.#scraper.setEndpoints(endpoints)
  }

  /** pick chooses an endpoint and records how long the choice took. */
  pick(candidates: readonly Endpoint[], req: PickRequest): Attempt | undefined {
    const started = performance.now()
    const attempt = this.picker.pick(candidates, req)
    this.#pickLatency.recordValue(Math.max(1, Math.min(MAX_LATENCY_US, Math.round((performance.now() - started) * 1000))))
    return attempt
  }

  /** saturated tells whether every candidate is saturated (GIE's utilization detector). */
  saturated(candidates: readonly Endpoint[]): boolean {
    return poolSaturated(candidates, this.#scraper, DEFAULT_PREFIX_OPTIONS)
  }

  stop(): void {
    this.#scraper.setEndpoints([])
  }

  snapshot(): PoolSnapshot {
    const s = this.picker.stats()
    return {
      pool: this.key,
      picks: s.picks,
      predictedHitBlocks: s.predictedHitBlocks,
      totalBlocks: s.totalBlocks,
      sheds: this.sheds,
      pickLatency: encodeLatency(this.#pickLatency),
    }
  }
}

/** InferencePools keeps one runtime per pool key across reloads. */
export class InferencePools {
  readonly #pools = new Map<string, InferencePoolRuntime>()

  /** ensure returns the pool's runtime, new when the pool is new or its policy changed. */
  ensure(key: string, policy: InferencePolicyName, endpoints: readonly Endpoint[]): InferencePoolRuntime {
    let pool = this.#pools.get(key)
    if (pool && pool.policy !== policy) {
      pool.stop()
      pool = undefined
    }
    if (!pool) this.#pools.set(key, (pool = new InferencePoolRuntime(key, policy)))
    pool.setEndpoints(endpoints)
    return pool
  }

  /** retain stops and drops the pools a new configuration no longer has. */
  retain(keys: ReadonlySet<string>): void {
    for (const [key, pool] of this.#pools) {
      if (keys.has(key)) continue
      pool.stop()
      this.#pools.delete(key)
    }
  }

  snapshots(): PoolSnapshot[] {
    return [...this.#pools.values()].map((p) => p.snapshot())
  }

  stopAll(): void {
    this.retain(new Set())
  }
}
