import { build, type Histogram } from 'hdr-histogram-js'
import type { Exchange } from '../listeners/exchange.ts'

/** Quantiles reported for latency summaries. */
const QUANTILES = [0.5, 0.9, 0.99, 0.999] as const
/** Latencies are recorded in microseconds, up to an hour, with 2 significant digits (1% error). */
const MAX_LATENCY_US = 3_600_000_000

/**
 * RouteStats counts the requests of one (listener, route) pair: by status code, and their
 * latency in an HdrHistogram. Compiled routes hold their RouteStats, so recording a request is an
 * array increment and a histogram update, with no lookup.
 */
export class RouteStats {
  readonly #byStatus = new Float64Array(600)
  readonly #latency: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_LATENCY_US,
    numberOfSignificantValueDigits: 2,
    autoResize: false,
  })
  #latencySumUs = 0

  constructor(
    readonly listener: string,
    readonly route: string
  ) {}

  /** record counts one finished request. */
  record(status: number, startedAt: number): void {
    this.#byStatus[status >= 100 && status < 600 ? status : 0]!++
    const us = Math.max(1, Math.min(MAX_LATENCY_US, Math.round((performance.now() - startedAt) * 1000)))
    this.#latency.recordValue(us)
    this.#latencySumUs += us
  }

  /** render appends this route's series to `out`. */
  render(counts: string[], latency: string[]): void {
    const labels = `listener="${escape(this.listener)}",route="${escape(this.route)}"`
    for (let code = 0; code < 600; code++) {
      const n = this.#byStatus[code]!
      if (n > 0) counts.push(`weir_requests_total{${labels},code="${code}"} ${n}`)
    }
    if (this.#latency.totalCount === 0) return
    for (const q of QUANTILES) {
      latency.push(`weir_request_duration_seconds{${labels},quantile="${q}"} ${this.#latency.getValueAtPercentile(q * 100) / 1e6}`)
    }
    latency.push(`weir_request_duration_seconds_sum{${labels}} ${this.#latencySumUs / 1e6}`)
    latency.push(`weir_request_duration_seconds_count{${labels}} ${this.#latency.totalCount}`)
  }
}

/**
 * Metrics holds what the gateway counts and renders it in the Prometheus text format. Route
 * counters are kept per (listener, route) across reloads, so they never reset when a file changes.
 * Latencies go into HdrHistograms (hdr-histogram-js): constant-time recording on the request path,
 * exact percentiles at scrape time, exported as Prometheus summaries.
 */
export class Metrics {
  readonly #routes = new Map<string, RouteStats>()
  readonly #unmatched = this.statsFor('', '')
  reloadsSucceeded = 0
  reloadsFailed = 0
  generation = 0
  lastReloadSuccessSeconds = 0

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

  /** render returns every metric in the Prometheus text exposition format. */
  render(): string {
    const counts: string[] = []
    const latency: string[] = []
    for (const s of this.#routes.values()) s.render(counts, latency)
    return [
      '# HELP weir_requests_total Requests answered, by listener, route and status code.',
      '# TYPE weir_requests_total counter',
      ...counts,
      '# HELP weir_request_duration_seconds Time from request head to the end of the response, by listener and route.',
      '# TYPE weir_request_duration_seconds summary',
      ...latency,
      '# HELP weir_config_reloads_total Configuration reloads, by result.',
      '# TYPE weir_config_reloads_total counter',
      `weir_config_reloads_total{result="success"} ${this.reloadsSucceeded}`,
      `weir_config_reloads_total{result="failure"} ${this.reloadsFailed}`,
      '# HELP weir_config_generation Generation of the configuration being served.',
      '# TYPE weir_config_generation gauge',
      `weir_config_generation ${this.generation}`,
      '# HELP weir_config_last_reload_success_timestamp_seconds When the served configuration was applied.',
      '# TYPE weir_config_last_reload_success_timestamp_seconds gauge',
      `weir_config_last_reload_success_timestamp_seconds ${this.lastReloadSuccessSeconds}`,
    ].join('\n') + '\n'
  }
}

function escape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
