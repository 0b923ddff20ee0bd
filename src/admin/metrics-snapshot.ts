import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js'

/** Quantiles reported for latency summaries. */
const QUANTILES = [0.5, 0.9, 0.99, 0.999] as const
/** Latencies are recorded in microseconds, up to an hour, with 2 significant digits (1% error). */
export const MAX_LATENCY_US = 3_600_000_000

/** newLatencyHistogram is the histogram every route records its latencies in. */
export function newLatencyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: MAX_LATENCY_US, numberOfSignificantValueDigits: 2, autoResize: false })
}

/** RouteSnapshot is one (listener, route) pair's counters, in a form that can cross processes. */
export interface RouteSnapshot {
  readonly listener: string
  readonly route: string
  /** Requests by status code (only codes seen). */
  readonly codes: Readonly<Record<string, number>>
  /** The latency histogram, compressed (HdrHistogram's base64 encoding). */
  readonly latency: string
  readonly latencySumUs: number
}

/** MetricsSnapshot is everything /metrics shows, from one process or merged from several. */
export interface MetricsSnapshot {
  readonly routes: readonly RouteSnapshot[]
  readonly reloadsSucceeded: number
  readonly reloadsFailed: number
  readonly generation: number
  readonly lastReloadSuccessSeconds: number
}

/** encodeLatency compresses a histogram for a snapshot. */
export function encodeLatency(h: Histogram): string {
  return h.totalCount === 0 ? '' : encodeIntoCompressedBase64(h)
}

/**
 * mergeSnapshots adds up the snapshots of several worker processes: request counts and
 * histograms are summed per (listener, route); reload counters are the first worker's (every
 * worker applies every reload), the generation the lowest (what all of them serve).
 */
export function mergeSnapshots(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const first = snapshots[0]
  if (!first) return { routes: [], reloadsSucceeded: 0, reloadsFailed: 0, generation: 0, lastReloadSuccessSeconds: 0 }
  const merged = new Map<string, { listener: string; route: string; codes: Record<string, number>; latency: Histogram; sum: number }>()
  for (const s of snapshots) {
    for (const r of s.routes) {
      const key = `${r.listener}\u0000${r.route}`
      let m = merged.get(key)
      if (!m) merged.set(key, (m = { listener: r.listener, route: r.route, codes: {}, latency: newLatencyHistogram(), sum: 0 }))
      for (const [code, n] of Object.entries(r.codes)) m.codes[code] = (m.codes[code] ?? 0) + n
      if (r.latency !== '') m.latency.add(decodeFromCompressedBase64(r.latency))
      m.sum += r.latencySumUs
    }
  }
  return {
    routes: [...merged.values()].map((m) => ({ listener: m.listener, route: m.route, codes: m.codes, latency: encodeLatency(m.latency), latencySumUs: m.sum })),
    reloadsSucceeded: first.reloadsSucceeded,
    reloadsFailed: first.reloadsFailed,
    generation: Math.min(...snapshots.map((s) => s.generation)),
    lastReloadSuccessSeconds: Math.max(...snapshots.map((s) => s.lastReloadSuccessSeconds)),
  }
}

/** renderSnapshot writes a snapshot in the Prometheus text exposition format. */
export function renderSnapshot(s: MetricsSnapshot): string {
  const counts: string[] = []
  const latency: string[] = []
  for (const r of s.routes) {
    const labels = `listener="${escape(r.listener)}",route="${escape(r.route)}"`
    const codes = Object.keys(r.codes).map(Number).sort((a, b) => a - b)
    for (const code of codes) counts.push(`weir_requests_total{${labels},code="${code}"} ${r.codes[code]}`)
    if (r.latency === '') continue
    const h = decodeFromCompressedBase64(r.latency)
    for (const q of QUANTILES) latency.push(`weir_request_duration_seconds{${labels},quantile="${q}"} ${h.getValueAtPercentile(q * 100) / 1e6}`)
    latency.push(`weir_request_duration_seconds_sum{${labels}} ${r.latencySumUs / 1e6}`)
    latency.push(`weir_request_duration_seconds_count{${labels}} ${h.totalCount}`)
  }
  return (
    [
      '# HELP weir_requests_total Requests answered, by listener, route and status code.',
      '# TYPE weir_requests_total counter',
      ...counts,
      '# HELP weir_request_duration_seconds Time from request head to the end of the response, by listener and route.',
      '# TYPE weir_request_duration_seconds summary',
      ...latency,
      '# HELP weir_config_reloads_total Configuration reloads, by result.',
      '# TYPE weir_config_reloads_total counter',
      `weir_config_reloads_total{result="success"} ${s.reloadsSucceeded}`,
      `weir_config_reloads_total{result="failure"} ${s.reloadsFailed}`,
      '# HELP weir_config_generation Generation of the configuration being served.',
      '# TYPE weir_config_generation gauge',
      `weir_config_generation ${s.generation}`,
      '# HELP weir_config_last_reload_success_timestamp_seconds When the served configuration was applied.',
      '# TYPE weir_config_last_reload_success_timestamp_seconds gauge',
      `weir_config_last_reload_success_timestamp_seconds ${s.lastReloadSuccessSeconds}`,
    ].join('\n') + '\n'
  )
}

function escape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
