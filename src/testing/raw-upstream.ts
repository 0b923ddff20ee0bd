/** RawUpstreamRequest is one request head (and body) exactly as the bytes reached the upstream. */
export interface RawUpstreamRequest {
  /** The head, CRLFCRLF included, as latin1 (one character per byte). */
  readonly head: string
  readonly body: Buffer
}

/** RawUpstream is a byte-level HTTP/1.1 upstream: it records the wire and answers with `reply`. */
export interface RawUpstream {
  readonly port: number
  readonly requests: RawUpstreamRequest[]
  stop(): void
}

/**
 * startRawUpstream serves HTTP/1.1 on 127.0.0.1 with its own minimal framing (Content-Length or
 * chunked request bodies, trailers included), so tests can see exactly which bytes Weir sent.
 * `reply` returns the raw response bytes for a request; the default is a 2-byte 200 `ok`.
 */
export function startRawUpstream(reply: (r: RawUpstreamRequest) => string = () => OK): RawUpstream {
  const requests: RawUpstreamRequest[] = []
  const server = Bun.listen<{ buf: Buffer; out: Buffer }>({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(s) {
        s.data = { buf: Buffer.alloc(0), out: Buffer.alloc(0) }
      },
      drain(s) {
        // Bun's write takes what the kernel accepts; the rest waits for the next drain.
        const written = s.write(s.data.out)
        s.data.out = s.data.out.subarray(Math.max(0, written))
      },
      data(s, chunk) {
        s.data.buf = Buffer.concat([s.data.buf, chunk])
        for (;;) {
          const r = takeRequest(s.data.buf)
          if (!r) return
          s.data.buf = s.data.buf.subarray(r.length)
          requests.push(r.request)
          const out = Buffer.concat([s.data.out, Buffer.from(reply(r.request), 'latin1')])
          const written = s.data.out.length > 0 ? 0 : s.write(out)
          s.data.out = out.subarray(Math.max(0, written))
        }
      },
    },
  })
  return { port: server.port, requests, stop: () => server.stop(true) }
}

const OK = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'

function takeRequest(buf: Buffer): { request: RawUpstreamRequest; length: number } | undefined {
  const end = buf.indexOf('\r\n\r\n')
  if (end < 0) return undefined
  const head = buf.subarray(0, end + 4).toString('latin1')
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)
  if (length) {
    const total = end + 4 + Number(length[1])
    if (buf.length < total) return undefined
    return { request: { head, body: buf.subarray(end + 4, total) }, length: total }
  }
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
    // The body runs to the last chunk and its trailer section, which ends with an empty line.
    let p = end + 4
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', p)
      if (lineEnd < 0) return undefined
      const size = parseInt(buf.subarray(p, lineEnd).toString('latin1'), 16)
      if (size === 0) {
        const trailerEnd = buf.indexOf('\r\n\r\n', lineEnd - 2)
        if (trailerEnd < 0) return undefined
        return { request: { head, body: buf.subarray(end + 4, trailerEnd + 4) }, length: trailerEnd + 4 }
      }
      p = lineEnd + 2 + size + 2
      if (buf.length < p) return undefined
    }
  }
  return { request: { head, body: Buffer.alloc(0) }, length: end + 4 }
}
