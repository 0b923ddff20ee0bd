import { build, type Histogram } from 'hdr-histogram-js'
import type { Exchange } from '../listeners/exchange.ts'

/** Quantiles reported for latency summaries. */
const QUANTILES = [0.5, 0.9, 0.99, 0.999] as const
/** Latencies are recorded in microseconds, up to an hour, with 2 significant digits (1% error). */
const MAX_LATENCY_US = 3_600_000_000

interface RouteStats {
  readonly listener: string
  readonly route: string
  readonly byStatus: Map<number, number>
  readonly latency: Histogram
  latencySumUs: number
}

/**
 * Metrics counts what the gateway does and renders it in the Prometheus text format. Counters are
 * kept per listener and route name across reloads, so they never reset when a file changes.
 * Latencies go into HdrHistograms (hdr-histogram-js): constant-time recording on the request path,
 * exact percentiles at scrape time, exported as Prometheus summaries.
 */
export class Metrics {
  readonly #routes = new Map<string, RouteStats>()
  reloadsSucceeded = 0
  reloadsFailed = 0
  generation = 0
  lastReloadSuccessSeconds = 0

  /** record counts a finished exchange. */
  record(ex: Exchange): void {
    const route = ex.route?.name ?? ''
    const key = ex.listener + '\u0000' + route
    let s = this.#routes.get(key)
    if (!s) {
      s = {
        listener: ex.listener,
        route,
        byStatus: new Map(),
        latency: build({ lowestDiscernibleValue: 1, highestTrackableValue: MAX_LATENCY_US, numberOfSignificantValueDigits: 2, autoResize: false }),
        latencySumUs: 0,
      }
      this.#routes.set(key, s)
    }
    s.byStatus.set(ex.status, (s.byStatus.get(ex.status) ?? 0) + 1)
    const us = Math.max(1, Math.min(MAX_LATENCY_US, Math.round((performance.now() - ex.startedAt) * 1000)))
    s.latency.recordValue(us)
    s.latencySumUs += us
  }

  /** render returns every metric in the Prometheus text exposition format. */
  render(extra: readonly string[] = []): string {
    const out: string[] = []
    out.push('# HELP weir_requests_total Requests answered, by listener, route and status code.')
    out.push('# TYPE weir_requests_total counter')
    for (const s of this.#routes.values()) {
      for (const [code, n] of s.byStatus) {
        out.push(`weir_requests_total{${labels(s)},code="${code}"} ${n}`)
      }
    }
    out.push('# HELP weir_request_duration_seconds Time from request head to the end of the response, by listener and route.')
    out.push('# TYPE weir_request_duration_seconds summary')
    for (const s of this.#routes.values()) {
      for (const q of QUANTILES) {
        const v = s.latency.getValueAtPercentile(q * 100) / 1e6
        out.push(`weir_request_duration_seconds{${labels(s)},quantile="${q}"} ${v}`)
      }
      out.push(`weir_request_duration_seconds_sum{${labels(s)}} ${s.latencySumUs / 1e6}`)
      out.push(`weir_request_duration_seconds_count{${labels(s)}} ${s.latency.totalCount}`)
    }
    out.push('# HELP weir_config_reloads_total Configuration reloads, by result.')
    out.push('# TYPE weir_config_reloads_total counter')
    out.push(`weir_config_reloads_total{result="success"} ${this.reloadsSucceeded}`)
    out.push(`weir_config_reloads_total{result="failure"} ${this.reloadsFailed}`)
    out.push('# HELP weir_config_generation Generation of the configuration being served.')
    out.push('# TYPE weir_config_generation gauge')
    out.push(`weir_config_generation ${this.generation}`)
    out.push('# HELP weir_config_last_reload_success_timestamp_seconds When the served configuration was applied.')
    out.push('# TYPE weir_config_last_reload_success_timestamp_seconds gauge')
    out.push(`weir_config_last_reload_success_timestamp_seconds ${this.lastReloadSuccessSeconds}`)
    out.push(...extra)
    return out.join('\n') + '\n'
  }
}

function labels(s: RouteStats): string {
  return `listener="${escape(s.listener)}",route="${escape(s.route)}"`
}

function escape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
