import type { StreamRecord } from '../listeners/stream-handler.ts'

/** StreamSnapshot is one (protocol, listener, route, end) series of TCP/TLS/UDP counters, in a form that can cross processes. */
export interface StreamSnapshot {
  readonly protocol: string
  readonly listener: string
  readonly route: string
  readonly end: string
  readonly connections: number
  readonly bytesUp: number
  readonly bytesDown: number
}

/**
 * StreamMetrics counts ended TCP and TLS connections and UDP sessions per listener, route and
 * how they ended, with the bytes they carried each way. Counted once a connection ends, so a
 * long-lived one shows up when it closes.
 */
export class StreamMetrics {
  readonly #series = new Map<string, { -readonly [K in keyof StreamSnapshot]: StreamSnapshot[K] }>()

  record(r: StreamRecord): void {
    const key = seriesKey(r)
    let s = this.#series.get(key)
    if (!s) {
      s = { protocol: r.protocol, listener: r.listener, route: r.route, end: r.end, connections: 0, bytesUp: 0, bytesDown: 0 }
      this.#series.set(key, s)
    }
    s.connections++
    s.bytesUp += r.bytesUp
    s.bytesDown += r.bytesDown
  }

  snapshot(): StreamSnapshot[] {
    return [...this.#series.values()].map((s) => ({ ...s }))
  }
}

/** mergeStreams adds up the stream series of several worker processes. */
export function mergeStreams(all: readonly StreamSnapshot[]): StreamSnapshot[] {
  const sums = new Map<string, StreamSnapshot>()
  for (const s of all) {
    const key = seriesKey(s)
    const prev = sums.get(key)
    sums.set(
      key,
      prev
        ? { ...prev, connections: prev.connections + s.connections, bytesUp: prev.bytesUp + s.bytesUp, bytesDown: prev.bytesDown + s.bytesDown }
        : s
    )
  }
  return [...sums.values()]
}

/** renderStreams writes the stream series in the Prometheus text format. */
export function renderStreams(series: readonly StreamSnapshot[]): string[] {
  if (series.length === 0) return []
  const labels = (s: StreamSnapshot): string =>
    `protocol="${s.protocol}",listener="${escape(s.listener)}",route="${escape(s.route)}"`
  return [
    '# HELP weir_stream_connections_total TCP and TLS connections and UDP sessions that ended, by listener, route and how they ended.',
    '# TYPE weir_stream_connections_total counter',
    ...series.map((s) => `weir_stream_connections_total{${labels(s)},end="${s.end}"} ${s.connections}`),
    '# HELP weir_stream_bytes_total Bytes relayed by ended TCP and TLS connections and UDP sessions, by direction (up: client to upstream).',
    '# TYPE weir_stream_bytes_total counter',
    ...series.flatMap((s) => [
      `weir_stream_bytes_total{${labels(s)},end="${s.end}",direction="up"} ${s.bytesUp}`,
      `weir_stream_bytes_total{${labels(s)},end="${s.end}",direction="down"} ${s.bytesDown}`,
    ]),
  ]
}

function seriesKey(s: { protocol: string; listener: string; route: string; end: string }): string {
  return `${s.protocol}\u0000${s.listener}\u0000${s.route}\u0000${s.end}`
}

function escape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
