import { parseArgs } from 'node:util'
import type { Socket } from 'bun'
import { DueQueue } from './due-queue.ts'
import { ResponseReader } from './http1-response-reader.ts'
import { type LatencySummary, microsHistogram, recordMs, summarizeHistogram } from './latency-histogram.ts'

/**
 * A constant-rate HTTP/1.1 loader in the manner of wrk2: every connection has a fixed schedule
 * of intended send times, and latency is measured from the intended time, so a stall counts
 * for every request it delayed (coordinated omission corrected), not just the one caught in
 * it. One request in flight per keep-alive connection; raw TCP sockets, no fetch, so the
 * loader's own overhead stays small. Run as `bun bench/rate-loader.ts --url ... --rate ...`.
 */

export interface RateLoadOptions {
  /** Where to connect and what to request: `http://127.0.0.1:18080/13b`. */
  readonly url: string
  /** Requests per second over all connections. */
  readonly rate: number
  readonly connections: number
  readonly durationS: number
  /** Extra request headers, e.g. `[['x-tenant', 't1']]`. */
  readonly headers?: readonly (readonly [string, string])[]
  /** How long to wait after the schedule ends for late responses before counting timeouts. */
  readonly drainS?: number
}

export interface RateLoadErrors {
  readonly connect: number
  /** Connections closed by the server mid-response or while a request was out. */
  readonly read: number
  /** Responses outside 2xx/3xx. */
  readonly status: number
  /** Scheduled requests never answered by the end of the drain time. */
  readonly timeout: number
}

export interface RateLoadResult {
  readonly offeredRate: number
  readonly achievedRate: number
  readonly connections: number
  readonly durationS: number
  /** Requests the schedule asked for. */
  readonly scheduled: number
  readonly completed: number
  readonly errors: RateLoadErrors
  /** Latency from each request's intended send time to its response's end. */
  readonly latencyMs: LatencySummary
  /**
   * How late the loader itself sent requests whose connection was idle at the intended time:
   * its timer and event-loop lateness, which ends up in latencyMs too. Small is good.
   */
  readonly timerLagMs: LatencySummary
  /** The loader's CPU over the run as % of one core; near 100 means it may be the bottleneck. */
  readonly loaderCpuPercent: number
}

/** The request bytes sent for every request. */
export function requestBytes(url: URL, headers: readonly (readonly [string, string])[] = []): Buffer {
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`]
  for (const [name, value] of headers) lines.push(`${name}: ${value}`)
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
}

interface Connection {
  socket: Socket<undefined> | null
  readonly reader: ResponseReader
  /** Offset of this connection's schedule, so connections do not send in lockstep. */
  readonly phase: number
  /** Index of the next request in this connection's schedule. */
  k: number
  /** Intended send time of the request in flight, or null when idle. */
  inFlight: number | null
  /** When the connection last became free to send (response end or connect). */
  idleSince: number
  done: boolean
}

/** Runs the schedule once and resolves with the figures; never throws for server failures. */
export async function runRateLoad(options: RateLoadOptions): Promise<RateLoadResult> {
  const url = new URL(options.url)
  const request = requestBytes(url, options.headers)
  const port = Number(url.port || 80)
  const n = options.connections
  const periodMs = (1000 * n) / options.rate
  const latency = microsHistogram()
  const timerLag = microsHistogram()
  const errors = { connect: 0, read: 0, status: 0, timeout: 0 }
  const queue = new DueQueue<Connection>()
  let start = 0
  let end = 0
  let completed = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let timerDue = Number.POSITIVE_INFINITY
  let finish: () => void = () => {}
  const finished = new Promise<void>((resolve) => (finish = resolve))
  const dueOf = (c: Connection): number => start + c.phase + c.k * periodMs

  const send = (c: Connection, now: number): void => {
    const due = dueOf(c)
    if (c.socket === null) return
    // Idle before its due time: any lateness is the loader's, not the server's.
    if (c.idleSince <= due) recordMs(timerLag, now - due)
    c.inFlight = due
    c.socket.write(request)
  }
  const pump = (): void => {
    const now = performance.now()
    while (queue.peekDue() <= now) {
      const c = queue.pop()
      if (c) send(c, now)
    }
    const next = queue.peekDue()
    // Timers have millisecond granularity; busy connections pump on every response anyway.
    if (next < timerDue - 0.5) {
      clearTimeout(timer)
      timerDue = next
      timer = setTimeout(() => {
        timerDue = Number.POSITIVE_INFINITY
        pump()
      }, Math.max(0, next - now))
    }
  }
  const schedule = (c: Connection): void => {
    const due = dueOf(c)
    if (due >= end) {
      c.done = true
      if (conns.every((each) => each.done)) finish()
      return
    }
    queue.push(due, c)
  }
  const onResponse = (c: Connection, status: number): void => {
    const now = performance.now()
    if (c.inFlight === null) return
    recordMs(latency, now - c.inFlight)
    completed++
    if (status < 200 || status >= 400) errors.status++
    c.inFlight = null
    c.idleSince = now
    c.k++
    schedule(c)
    pump()
  }
  const connect = async (c: Connection): Promise<void> => {
    try {
      c.socket = await Bun.connect({
        hostname: url.hostname,
        port,
        socket: {
          data: (_socket, data) => c.reader.feed(data),
          close: () => onClose(c),
          error: () => {},
        },
      })
    } catch {
      errors.connect++
      c.socket = null
      if (performance.now() < end) setTimeout(() => void reopen(c), 100)
    }
  }
  const onClose = (c: Connection): void => {
    c.reader.end()
    c.socket = null
    if (c.inFlight !== null || c.reader.midResponse) errors.read++
    if (!c.done && performance.now() < end) void reopen(c)
  }
  const reopen = async (c: Connection): Promise<void> => {
    const lost = c.inFlight !== null
    c.inFlight = null
    await connect(c)
    if (c.socket === null) return
    c.idleSince = performance.now()
    // The lost request is skipped, not resent: the schedule moves on as wrk2's does.
    if (lost) c.k++
    schedule(c)
    pump()
  }
  const conns: Connection[] = Array.from({ length: n }, (_, i) => {
    const c: Connection = {
      socket: null,
      reader: new ResponseReader((status) => onResponse(c, status)),
      phase: (i * periodMs) / n,
      k: 0,
      inFlight: null,
      idleSince: 0,
      done: false,
    }
    return c
  })
  const cpuBefore = process.cpuUsage()
  start = Number.POSITIVE_INFINITY
  end = Number.POSITIVE_INFINITY
  await Promise.all(conns.map(connect))
  // The schedule starts once every connection is open, so connects never count as latency.
  start = performance.now() + 1
  end = start + options.durationS * 1000
  for (const c of conns) {
    c.idleSince = start
    schedule(c)
  }
  pump()
  const drainMs = (options.drainS ?? 2) * 1000
  const deadline = setTimeout(finish, end - performance.now() + drainMs)
  await finished
  const stoppedAt = performance.now()
  clearTimeout(deadline)
  clearTimeout(timer)
  const cpu = process.cpuUsage(cpuBefore)
  let scheduled = 0
  for (const c of conns) {
    // Less a hair: `end` and the due times are large floats, and 25.000000001 slots are 25.
    const unsent = Math.max(0, Math.ceil((end - dueOf(c)) / periodMs - 1e-6))
    scheduled += c.k + unsent
    if (!c.done) errors.timeout += unsent
    c.socket?.end()
  }
  const elapsedS = Math.max(options.durationS, (stoppedAt - start) / 1000)
  return {
    offeredRate: options.rate,
    achievedRate: completed / elapsedS,
    connections: n,
    durationS: options.durationS,
    scheduled,
    completed,
    errors,
    latencyMs: summarizeHistogram(latency),
    timerLagMs: summarizeHistogram(timerLag),
    loaderCpuPercent: (100 * (cpu.user + cpu.system)) / 1e6 / ((stoppedAt - start) / 1000),
  }
}

/** Parses the CLI flags; `--header 'name: value'` may repeat. */
export function parseRateArgs(argv: readonly string[]): RateLoadOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      url: { type: 'string' },
      rate: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      header: { type: 'string', multiple: true },
    },
    strict: true,
  })
  const number = (flag: string, raw: string | undefined): number => {
    const value = Number(raw)
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${flag} wants a positive number`)
    return value
  }
  if (values.url === undefined) throw new Error('--url is required')
  return {
    url: values.url,
    rate: number('rate', values.rate),
    connections: Math.round(number('connections', values.connections ?? '1')),
    durationS: number('duration', values.duration),
    headers: (values.header ?? []).map((line) => {
      const colon = line.indexOf(':')
      if (colon < 1) throw new Error(`--header wants "name: value", got "${line}"`)
      return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()] as const
    }),
  }
}

if (import.meta.main) {
  const result = await runRateLoad(parseRateArgs(process.argv.slice(2)))
  console.log(JSON.stringify(result))
  process.exit(0)
}
