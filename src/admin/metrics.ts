import type { Histogram } from 'hdr-histogram-js'
import type { Exchange } from '../listeners/exchange.ts'
import { StreamMetrics } from './stream-metrics.ts'
import { encodeLatency, MAX_LATENCY_US, newLatencyHistogram, renderSnapshot, type MetricsSnapshot, type PoolSnapshot, type RouteSnapshot } from './metrics-snapshot.ts'

/**
 * RouteStats counts the requests of one (listener, route) pair: by status code, and their
 * latency in an HdrHistogram. Compiled routes hold their RouteStats, so recording a request is an
 * array increment and a histogram update, with no lookup.
 */
export class RouteStats {
  /** Status codes seen and their counts, in first-seen order: a route sees only a few codes. */
  readonly #codes: number[] = []
  readonly #counts: number[] = []
  /** Created on the first request, so routes that get none cost no histogram (14 KiB each). */
  #latency: Histogram | undefined
  #latencySumUs = 0

  constructor(
    readonly listener: string,
    readonly route: string
  ) {}

  /** record counts one finished request. */
  record(status: number, startedAt: number): void {
    const code = status >= 100 && status < 600 ? status : 0
    const codes = this.#codes
    let i = 0
    while (i < codes.length && codes[i] !== code) i++
    if (i === codes.length) {
      codes.push(code)
      this.#counts.push(1)
    } else {
      this.#counts[i]!++
    }
    const us = Math.max(1, Math.min(MAX_LATENCY_US, Math.round((performance.now() - startedAt) * 1000)))
    ;(this.#latency ??= newLatencyHistogram()).recordValue(us)
    this.#latencySumUs += us
  }

  /** snapshot copies the counters, or returns undefined when nothing was recorded. */
  snapshot(): RouteSnapshot | undefined {
    if (!this.#latency) return undefined
    const codes: Record<string, number> = {}
    this.#codes.forEach((code, i) => (codes[code] = this.#counts[i]!))
    return { listener: this.listener, route: this.route, codes, latency: encodeLatency(this.#latency), latencySumUs: this.#latencySumUs }
  }
}

/**
 * Metrics holds what the gateway counts. Route counters are kept per (listener, route) across
 * reloads, so they never reset when a file changes. Latencies go into HdrHistograms
 * (hdr-histogram-js): constant-time recording on the request path, exact percentiles at scrape
 * time, exported as Prometheus summaries. A snapshot can cross processes (`--workers`), where the
 * supervisor merges the workers' snapshots.
 */
export class Metrics {
  readonly #routes = new Map<string, RouteStats>()
  readonly #unmatched = this.statsFor('', '')
  reloadsSucceeded = 0
  reloadsFailed = 0
  generation = 0
  lastReloadSuccessSeconds = 0
  /** Ended TCP/TLS connections and UDP sessions. */
  readonly streams = new StreamMetrics()
  /** poolSnapshots reports the inference pools' counters (set by the runtime that owns them). */
  poolSnapshots: () => readonly PoolSnapshot[] = () => []

  /** statsFor returns the counters of a listener and route ('' for requests no route matched). */
  statsFor(listener: string, route: string): RouteStats {
    const key = `${listener}\u0000${route}`
    let s = this.#routes.get(key)
    if (!s) this.#routes.set(key, (s = new RouteStats(listener, route)))
    return s
  }

  /** record counts a finished exchange under the stats routing assigned to it. */
  record(ex: Exchange): void {
    ;(ex.stats ?? this.#unmatched).record(ex.status, ex.startedAt)
  }

  /** snapshot copies every counter. */
  snapshot(): MetricsSnapshot {
    const routes: RouteSnapshot[] = []
    for (const s of this.#routes.values()) {
      const r = s.snapshot()
      if (r) routes.push(r)
    }
    return {
      routes,
      pools: this.poolSnapshots(),
      reloadsSucceeded: this.reloadsSucceeded,
      reloadsFailed: this.reloadsFailed,
      generation: this.generation,
      lastReloadSuccessSeconds: this.lastReloadSuccessSeconds,
      streams: this.streams.snapshot(),
    }
  }

  /** render returns every metric in the Prometheus text exposition format. */
  render(): string {
    return renderSnapshot(this.snapshot())
  }
}
