import { parseArgs } from 'node:util'
import { type LatencySummary, microsHistogram, recordMs, summarizeHistogram } from './latency-histogram.ts'
import { nowMs, type SseEventData } from './stream-upstream.ts'

/**
 * Opens K concurrent server-sent-event streams through a proxy and measures what a browser
 * would feel: time to the first event, and each event's delay between the upstream writing it
 * (its `sent` stamp) and the client reading it. wrk cannot see events, hence this client.
 * Run as `bun bench/sse-client.ts --url http://127.0.0.1:18080/sse --streams 64 ...`.
 */

export interface SseLoadOptions {
  /** The stream URL without query; `events` and `interval` are added. */
  readonly url: string
  readonly streams: number
  readonly events: number
  readonly intervalMs: number
}

export interface SseLoadResult {
  readonly streams: number
  readonly eventsExpected: number
  readonly eventsReceived: number
  /** Streams that failed or ended early. */
  readonly errors: number
  readonly durationS: number
  /** Request start to the first event's arrival. */
  readonly firstEventMs: LatencySummary
  /** Upstream write (`sent` stamp) to client read, per event: what the proxy adds. */
  readonly eventDelayMs: LatencySummary
  /** Upstream schedule (`scheduled` stamp) to client read: the upstream's own lateness too. */
  readonly scheduleLagMs: LatencySummary
  readonly loaderCpuPercent: number
}

/** Splits complete SSE messages off `buffer`; returns their data payloads and the rest. */
export function takeEvents(buffer: string): { data: string[]; rest: string } {
  const data: string[] = []
  let at = 0
  for (let end = buffer.indexOf('\n\n', at); end >= 0; end = buffer.indexOf('\n\n', at)) {
    const lines = buffer.slice(at, end).split('\n')
    const payload = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart())
    if (payload.length > 0) data.push(payload.join('\n'))
    at = end + 2
  }
  return { data, rest: buffer.slice(at) }
}

/** Runs every stream to its end and summarises; stream failures are counted, not thrown. */
export async function runSseLoad(options: SseLoadOptions): Promise<SseLoadResult> {
  const first = microsHistogram()
  const delay = microsHistogram()
  const lag = microsHistogram()
  let received = 0
  let errors = 0
  const url = `${options.url}?events=${options.events}&interval=${options.intervalMs}`
  const stream = async (index: number): Promise<void> => {
    // Staggered over one interval so the streams' events spread out instead of arriving together.
    await Bun.sleep((index * options.intervalMs) / options.streams)
    const started = nowMs()
    let count = 0
    try {
      const response = await fetch(url, { headers: { accept: 'text/event-stream' } })
      if (response.status !== 200 || response.body === null) throw new Error(`status ${response.status}`)
      const decoder = new TextDecoder()
      let buffer = ''
      for await (const chunk of response.body) {
        const arrived = nowMs()
        const { data, rest } = takeEvents(buffer + decoder.decode(chunk, { stream: true }))
        buffer = rest
        for (const payload of data) {
          const event = JSON.parse(payload) as SseEventData
          if (count === 0) recordMs(first, arrived - started)
          recordMs(delay, arrived - event.sent)
          recordMs(lag, arrived - event.scheduled)
          count++
        }
      }
    } catch {
      // Counted below as a short stream.
    }
    received += count
    if (count < options.events) errors++
  }
  const cpuBefore = process.cpuUsage()
  const startedAt = performance.now()
  await Promise.all(Array.from({ length: options.streams }, (_, i) => stream(i)))
  const seconds = (performance.now() - startedAt) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  return {
    streams: options.streams,
    eventsExpected: options.streams * options.events,
    eventsReceived: received,
    errors,
    durationS: seconds,
    firstEventMs: summarizeHistogram(first),
    eventDelayMs: summarizeHistogram(delay),
    scheduleLagMs: summarizeHistogram(lag),
    loaderCpuPercent: (100 * (cpu.user + cpu.system)) / 1e6 / seconds,
  }
}

/** Parses the CLI flags. */
export function parseSseArgs(argv: readonly string[]): SseLoadOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      url: { type: 'string' },
      streams: { type: 'string' },
      events: { type: 'string' },
      interval: { type: 'string' },
    },
    strict: true,
  })
  const integer = (flag: string, raw: string | undefined): number => {
    const value = Number(raw)
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${flag} wants a positive integer`)
    return value
  }
  if (values.url === undefined) throw new Error('--url is required')
  return {
    url: values.url,
    streams: integer('streams', values.streams),
    events: integer('events', values.events),
    intervalMs: integer('interval', values.interval),
  }
}

if (import.meta.main) {
  console.log(JSON.stringify(await runSseLoad(parseSseArgs(process.argv.slice(2)))))
  process.exit(0)
}
