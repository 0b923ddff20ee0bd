import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js'
import { mergeStreams, renderStreams, type StreamSnapshot } from './stream-metrics.ts'

/** Quantiles reported for latency summaries. */
const QUANTILES = [0.5, 0.9, 0.99, 0.999] as const
/** Latencies are recorded in microseconds, up to an hour, with 2 significant digits (1% error). */
export const MAX_LATENCY_US = 3_600_000_000

/**
 * newLatencyHistogram is the histogram every route records its latencies in. It grows with the
 * largest value recorded (3.5 KiB while latencies stay in milliseconds, 14 KiB at an hour), so a
 * configuration with ten thousand routes does not cost a fixed 140 MiB of counters; callers
 * clamp values to MAX_LATENCY_US.
 */
export function newLatencyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: 2, autoResize: true })
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

/** PoolSnapshot is one InferencePool's picker counters. */
export interface PoolSnapshot {
  readonly pool: string
  readonly picks: number
  /** Prompt blocks the picker predicted cached on the endpoint it chose, and all prompt blocks. */
  readonly predictedHitBlocks: number
  readonly totalBlocks: number
  /** Requests answered 503 because every endpoint was saturated (negative priority only). */
  readonly sheds: number
  /** Time spent choosing an endpoint, in microseconds (compressed histogram). */
  readonly pickLatency: string
}

/** MetricsSnapshot is everything /metrics shows, from one process or merged from several. */
export interface MetricsSnapshot {
  readonly routes: readonly RouteSnapshot[]
  readonly pools: readonly PoolSnapshot[]
  readonly reloadsSucceeded: number
  readonly reloadsFailed: number
  readonly generation: number
  readonly lastReloadSuccessSeconds: number
  /** TCP, TLS and UDP listener counters; absent when none has ended a connection. */
  readonly streams?: readonly StreamSnapshot[]
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
  if (!first) return { routes: [], pools: [], reloadsSucceeded: 0, reloadsFailed: 0, generation: 0, lastReloadSuccessSeconds: 0 }
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
    pools: mergePools(snapshots.flatMap((s) => s.pools)),
    reloadsSucceeded: first.reloadsSucceeded,
    reloadsFailed: first.reloadsFailed,
    generation: Math.min(...snapshots.map((s) => s.generation)),
    lastReloadSuccessSeconds: Math.max(...snapshots.map((s) => s.lastReloadSuccessSeconds)),
    streams: mergeStreams(snapshots.flatMap((s) => s.streams ?? [])),
  }
}

function mergePools(pools: readonly PoolSnapshot[]): PoolSnapshot[] {
  const merged = new Map<string, { pool: string; picks: number; hit: number; total: number; sheds: number; latency: Histogram }>()
  for (const p of pools) {
    let m = merged.get(p.pool)
    if (!m) merged.set(p.pool, (m = { pool: p.pool, picks: 0, hit: 0, total: 0, sheds: 0, latency: newLatencyHistogram() }))
    m.picks += p.picks
    m.hit += p.predictedHitBlocks
    m.total += p.totalBlocks
    m.sheds += p.sheds
    if (p.pickLatency !== '') m.latency.add(decodeFromCompressedBase64(p.pickLatency))
  }
  return [...merged.values()].map((m) => ({
    pool: m.pool,
    picks: m.picks,
    predictedHitBlocks: m.hit,
    totalBlocks: m.total,
    sheds: m.sheds,
    pickLatency: encodeLatency(m.latency),
  }))
}

/** renderPools writes the inference-pool series. */
function renderPools(pools: readonly PoolSnapshot[]): string[] {
  if (pools.length === 0) return []
  const out = [
    '# HELP weir_inference_picks_total Endpoints chosen by the inference picker, by pool.',
    '# TYPE weir_inference_picks_total counter',
    ...pools.map((p) => `weir_inference_picks_total{pool="${escape(p.pool)}"} ${p.picks}`),
    '# HELP weir_inference_prefix_blocks_total Prompt blocks, and those predicted cached on the chosen endpoint (the prefix hit estimate).',
    '# TYPE weir_inference_prefix_blocks_total counter',
    ...pools.flatMap((p) => [
      `weir_inference_prefix_blocks_total{pool="${escape(p.pool)}",kind="predicted_hit"} ${p.predictedHitBlocks}`,
      `weir_inference_prefix_blocks_total{pool="${escape(p.pool)}",kind="all"} ${p.totalBlocks}`,
    ]),
    '# HELP weir_inference_shed_total Requests of negative priority answered 503 because every endpoint was saturated.',
    '# TYPE weir_inference_shed_total counter',
    ...pools.map((p) => `weir_inference_shed_total{pool="${escape(p.pool)}"} ${p.sheds}`),
    '# HELP weir_inference_pick_duration_seconds Time the picker took to choose an endpoint.',
    '# TYPE weir_inference_pick_duration_seconds summary',
  ]
  for (const p of pools) {
    if (p.pickLatency === '') continue
    const h = decodeFromCompressedBase64(p.pickLatency)
    for (const q of QUANTILES) out.push(`weir_inference_pick_duration_seconds{pool="${escape(p.pool)}",quantile="${q}"} ${h.getValueAtPercentile(q * 100) / 1e6}`)
    out.push(`weir_inference_pick_duration_seconds_count{pool="${escape(p.pool)}"} ${h.totalCount}`)
  }
  return out
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
      ...renderPools(s.pools),
      ...renderStreams(s.streams ?? []),
    ].join('\n') + '\n'
  )
}

function escape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
