import type { Server } from 'bun'

/** Upstream is a real HTTP server for tests and the demo, answering with what it saw. */
export interface Upstream {
  readonly name: string
  readonly port: number
  readonly url: string
  /** Requests received, newest last. */
  readonly seen: SeenRequest[]
  stop(): Promise<void>
}

/** EchoBody is the JSON the upstream answers with by default. */
export interface EchoBody {
  upstream: string
  method: string
  path: string
  query: string
  headers: Record<string, string>
  body: string
}

/** SeenRequest is a request as the upstream received it. */
export interface SeenRequest {
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string>
  readonly body: string
}

/**
 * startUpstream serves on 127.0.0.1 (a free port unless given). The behaviour is chosen by how
 * the path ends, so a route prefix can be put in front (`/a/status/404`):
 * - any path: JSON {upstream, method, path, query, headers, body} with header `x-upstream: NAME`
 * - `/status/CODE`: answers CODE
 * - `/slow?ms=N`: answers after N ms
 * - `/bytes?n=N`: N bytes of 'x'
 * - `/sse?events=N&interval=MS`: a text/event-stream of N events, MS apart
 * - `/chunks?n=N&interval=MS`: N chunks of unknown total length (chunked framing)
 * With `delayMs`, every answer waits that long first (a slow backend).
 */
export function startUpstream(name: string, port = 0, options: { delayMs?: number } = {}): Upstream {
  const seen: SeenRequest[] = []
  const server: Server<undefined> = Bun.serve({
    hostname: '127.0.0.1',
    port,
    idleTimeout: 30,
    async fetch(req) {
      const url = new URL(req.url)
      const body = await req.text()
      const headers: Record<string, string> = {}
      req.headers.forEach((v, k) => (headers[k] = v))
      seen.push({ method: req.method, path: url.pathname + url.search, headers, body })
      if (options.delayMs) await Bun.sleep(options.delayMs)
      const base = { 'x-upstream': name }
      const q = (k: string, d: number) => Number(url.searchParams.get(k) ?? d)
      const ending = url.pathname.slice(url.pathname.lastIndexOf('/'))
      const status = /\/status\/(\d{3})$/.exec(url.pathname)
      if (status) {
        return new Response(`status ${status[1]}\n`, { status: Number(status[1]), headers: base })
      }
      if (ending === '/slow') {
        await Bun.sleep(q('ms', 100))
        return new Response('slow\n', { headers: base })
      }
      if (ending === '/bytes') {
        return new Response('x'.repeat(q('n', 1024)), { headers: base })
      }
      if (ending === '/sse' || ending === '/chunks') {
        const sse = ending === '/sse'
        const n = q(sse ? 'events' : 'n', 3)
        const interval = q('interval', 50)
        const stream = new ReadableStream({
          async pull(controller) {
            for (let i = 0; i < n; i++) {
              controller.enqueue(new TextEncoder().encode(sse ? `data: event ${i}\n\n` : `chunk ${i}\n`))
              await Bun.sleep(interval)
            }
            controller.close()
          },
        })
        return new Response(stream, {
          headers: { ...base, 'content-type': sse ? 'text/event-stream' : 'text/plain', 'cache-control': 'no-cache' },
        })
      }
      return Response.json(
        { upstream: name, method: req.method, path: url.pathname, query: url.search, headers, body },
        { headers: base }
      )
    },
  })
  return {
    name,
    port: server.port as number,
    url: `http://127.0.0.1:${server.port}`,
    seen,
    stop: async () => {
      await server.stop(true)
    },
  }
}
