import { parseArgs } from 'node:util'
import type { Server } from 'bun'
import { bodyContent } from './upstream.ts'

/**
 * The upstream for what a static-file nginx cannot do: server-sent events on a fixed schedule
 * and uploads it must read to the end. Run by the harness as its own process, pinned like the
 * static upstream: `bun bench/stream-upstream.ts --port 18201`.
 */

/** Wall-clock milliseconds with sub-millisecond precision, comparable across local processes. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now()
}

/** One event as sent: its index, when it was due, and when it was actually written. */
export interface SseEventData {
  readonly i: number
  readonly scheduled: number
  readonly sent: number
}

/** Formats event i of a stream as one SSE message (id + a JSON data line). */
export function formatEvent(data: SseEventData): string {
  return `id: ${data.i}\ndata: ${JSON.stringify(data)}\n\n`
}

/** `events` events, the first at once and then one every `intervalMs`, on a fixed schedule. */
function eventStream(events: number, intervalMs: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let timer: ReturnType<typeof setTimeout> | undefined
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const start = nowMs()
      const send = (i: number): void => {
        const scheduled = start + i * intervalMs
        controller.enqueue(encoder.encode(formatEvent({ i, scheduled, sent: nowMs() })))
        if (i + 1 >= events) {
          controller.close()
          return
        }
        // Aimed at the schedule, not "interval after the last send", so delays never add up.
        timer = setTimeout(() => send(i + 1), Math.max(0, start + (i + 1) * intervalMs - nowMs()))
      }
      send(0)
    },
    cancel() {
      clearTimeout(timer)
    },
  })
}

/** Reads a request body to the end without keeping it; returns its length. */
async function drain(body: ReadableStream<Uint8Array> | null): Promise<number> {
  if (body === null) return 0
  let bytes = 0
  for await (const chunk of body) bytes += chunk.byteLength
  return bytes
}

/** Serves `/13b` (readiness), `/sse?events=N&interval=MS` and `POST /upload`. */
export function startStreamUpstream(port: number, hostname = '127.0.0.1'): Server<undefined> {
  const probe = bodyContent(13)
  return Bun.serve({
    hostname,
    port,
    // Proxies pool connections to it for the whole run; never close them for idleness.
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url)
      if (url.pathname === '/sse') {
        const events = Number(url.searchParams.get('events') ?? '10')
        const intervalMs = Number(url.searchParams.get('interval') ?? '100')
        if (!(Number.isInteger(events) && events > 0 && intervalMs >= 0)) {
          return new Response('bad events or interval\n', { status: 400 })
        }
        return new Response(eventStream(events, intervalMs), {
          headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
        })
      }
      if (url.pathname === '/upload' && request.method === 'POST') {
        return new Response(`${await drain(request.body)}\n`)
      }
      if (url.pathname === '/13b') return new Response(probe)
      return new Response('not found\n', { status: 404 })
    },
  })
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { port: { type: 'string' } }, strict: true })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port <= 0) throw new Error('usage: stream-upstream.ts --port N')
  startStreamUpstream(port)
}
