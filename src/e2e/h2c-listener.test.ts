import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import http2 from 'node:http2'
import type { Gateway } from '../gateway.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, type ConfigDir } from '../testing/harness.ts'
import { openRaw, rawExchange, statusCodes } from '../testing/raw-client.ts'
import { startRawUpstream, type RawUpstream } from '../testing/raw-upstream.ts'
import { startUpstream, type Upstream } from '../testing/upstream.ts'

// Cleartext HTTP/2 with prior knowledge on an HTTP listener: a connection that opens with the
// HTTP/2 preface is served as HTTP/2 (routing and forwarding as for HTTP/1.1); any other
// connection stays HTTP/1.1.
let upstream: Upstream
// An HTTP/1.1 upstream that ends its chunked body with trailers.
let chunkedUpstream: RawUpstream
// An h2c upstream that answers with trailers, or trailers-only.
let h2Upstream: http2.Http2Server
let dir: ConfigDir
let gateway: Gateway
let port: number

beforeAll(async () => {
  upstream = startUpstream('app')
  chunkedUpstream = startRawUpstream(
    () => 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ntrailer: x-checksum\r\n\r\n5\r\nhello\r\n0\r\nx-checksum: abc\r\ncontent-length: 99\r\n\r\n'
  )
  h2Upstream = http2.createServer()
  h2Upstream.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    if (headers[':path'] === '/h2up/only') {
      stream.respond({ ':status': 200, 'x-status': 'only', 'x-te': String(headers.te) }, { endStream: true })
      return
    }
    stream.respond({ ':status': 200, 'x-te': String(headers.te) }, { waitForTrailers: true })
    stream.on('wantTrailers', () => stream.sendTrailers({ 'x-result': 'done' }))
    stream.end('body')
  })
  await new Promise<void>((resolve) => h2Upstream.listen(0, '127.0.0.1', resolve))
  const h2Port = (h2Upstream.address() as { port: number }).port
  port = freePort()
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
    'app.yaml': serviceYaml('app', [upstream.port]),
    'chunked.yaml': serviceYaml('chunked', [chunkedUpstream.port]),
    'h2.yaml': serviceYaml('h2', [h2Port], { appProtocol: 'kubernetes.io/h2c' }),
    'route.yaml': `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app}
spec:
  parentRefs: [{name: gw}]
  hostnames: [app.example]
  rules:
  - backendRefs: [{name: app, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /chunked}}]
    backendRefs: [{name: chunked, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /h2up}}]
    backendRefs: [{name: h2, port: 80}]
`,
  })
  gateway = await startTestGateway(dir.path)
})

afterAll(async () => {
  await gateway.stop()
  await upstream.stop()
  chunkedUpstream.stop()
  h2Upstream.close()
  await dir.cleanup()
})

interface H2Answer {
  status: number
  body: string
  headers: http2.IncomingHttpHeaders
  trailers: http2.IncomingHttpHeaders | undefined
  /** The response HEADERS frame ended the stream (no DATA frame followed). */
  endAfterHeaders: boolean
}

function h2Request(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: string): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    const req = session.request(headers)
    let out = ''
    let status = 0
    let head: http2.IncomingHttpHeaders = {}
    let trailers: http2.IncomingHttpHeaders | undefined
    let endAfterHeaders = false
    req.on('response', (h) => {
      status = Number(h[':status'])
      head = h
      endAfterHeaders = (req as { endAfterHeaders?: boolean }).endAfterHeaders === true
    })
    req.on('trailers', (t) => (trailers = t))
    req.on('data', (d: Buffer) => (out += d.toString()))
    req.on('end', () => resolve({ status, body: out, headers: head, trailers, endAfterHeaders }))
    req.on('error', reject)
    req.end(body)
  })
}

describe('h2c with prior knowledge on an HTTP listener', () => {
  test('a node:http2 client is routed and proxied; the upstream sees http, the route host and the body', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`)
    try {
      const r = await h2Request(session, { ':method': 'POST', ':path': '/h2c?q=1', ':authority': 'app.example' }, 'ping')
      expect(r.status).toBe(200)
      const seen = JSON.parse(r.body)
      expect(seen.path).toBe('/h2c')
      expect(seen.query).toBe('?q=1')
      expect(seen.headers.host).toBe('app.example')
      expect(seen.headers['x-forwarded-proto']).toBe('http')
      expect(seen.headers['x-forwarded-for']).toContain('127.0.0.1')
      expect(seen.body).toBe('ping')
      // Streams share the connection.
      const many = await Promise.all([1, 2, 3].map((i) => h2Request(session, { ':path': `/s${i}`, ':authority': 'app.example' })))
      expect(many.map((m) => m.status)).toEqual([200, 200, 200])
      const other = await h2Request(session, { ':path': '/', ':authority': 'nobody.example' })
      expect(other.status).toBe(404)
    } finally {
      session.close()
    }
  })

  test('trailers of an HTTP/1.1 chunked upstream reach an HTTP/2 client (framing fields dropped)', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`)
    try {
      const r = await h2Request(session, { ':path': '/chunked', ':authority': 'app.example', te: 'trailers' })
      expect(r.body).toBe('hello')
      expect(r.trailers?.['x-checksum']).toBe('abc')
      expect(r.trailers?.['content-length']).toBeUndefined()
      // A client that did not ask for trailers still gets those the upstream announced.
      const plain = await h2Request(session, { ':path': '/chunked', ':authority': 'app.example' })
      expect(plain.trailers?.['x-checksum']).toBe('abc')
    } finally {
      session.close()
    }
  })

  test('an h2c upstream: trailers pass on, te: trailers reaches it, a trailers-only answer stays one HEADERS frame', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`)
    try {
      const r = await h2Request(session, { ':path': '/h2up/t', ':authority': 'app.example', te: 'trailers' })
      expect(r.body).toBe('body')
      expect(r.headers['x-te']).toBe('trailers')
      expect(r.trailers?.['x-result']).toBe('done')
      const only = await h2Request(session, { ':path': '/h2up/only', ':authority': 'app.example', te: 'trailers' })
      expect(only.status).toBe(200)
      expect(only.headers['x-status']).toBe('only')
      expect(only.endAfterHeaders).toBe(true)
      expect(only.body).toBe('')
    } finally {
      session.close()
    }
  })

  test('an HTTP/1.1 client gets an h2c upstream\'s trailers in the last chunk', async () => {
    const r = await rawExchange(port, 'GET /h2up/t HTTP/1.1\r\nHost: app.example\r\nTE: trailers\r\nConnection: close\r\n\r\n')
    expect(statusCodes(r.text)).toEqual([200])
    expect(r.text).toContain('transfer-encoding: chunked')
    expect(r.text.endsWith('4\r\nbody\r\n0\r\nx-result: done\r\n\r\n')).toBe(true)
  })

  test('SETTINGS: at most 128 concurrent streams and a 32 KiB header list; a larger list resets the stream', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`)
    try {
      const settings = await new Promise<http2.Settings>((resolve) => session.once('remoteSettings', resolve))
      expect(settings.maxConcurrentStreams).toBe(128)
      expect(settings.maxHeaderListSize).toBe(32 * 1024)
      const code = await new Promise<number>((resolve) => {
        const req = session.request({ ':path': '/', ':authority': 'app.example', 'x-big': 'y'.repeat(40 * 1024) })
        req.on('error', () => {})
        req.on('close', () => resolve(req.rstCode))
        req.end()
      })
      expect(code).not.toBe(http2.constants.NGHTTP2_NO_ERROR)
      // The connection survives for other streams.
      const ok = await h2Request(session, { ':path': '/', ':authority': 'app.example' })
      expect(ok.status).toBe(200)
    } finally {
      session.close()
    }
  })

  test('the preface split over several writes is still recognised', async () => {
    const conn = await openRaw(port)
    const preface = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
    conn.write(preface.slice(0, 3))
    await Bun.sleep(30)
    conn.write(preface.slice(3, 17))
    await Bun.sleep(30)
    conn.write(preface.slice(17))
    // An empty SETTINGS frame: the server answers with its own SETTINGS (frame type 4), not a 505.
    conn.write(new Uint8Array([0, 0, 0, 4, 0, 0, 0, 0, 0]))
    const got = await conn.waitFor((t) => t.length >= 9, 2000)
    conn.destroy()
    expect(got.charCodeAt(3)).toBe(4)
    expect(got).not.toContain('505')
  })

  test('garbage after the preface ends the connection; the listener keeps serving', async () => {
    const conn = await openRaw(port)
    conn.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')
    conn.write('this is not an HTTP/2 frame at all, just bytes\r\n\r\n')
    const closedAfter = await Promise.race([conn.closed, Bun.sleep(3_000).then(() => -1)])
    conn.destroy()
    expect(closedAfter).toBeGreaterThanOrEqual(0)
    const r = await rawExchange(port, 'GET /x HTTP/1.1\r\nHost: app.example\r\nConnection: close\r\n\r\n')
    expect(statusCodes(r.text)).toEqual([200])
  })

  test('curl --http2-prior-knowledge gets 200 over HTTP/2', async () => {
    const p = Bun.spawn(['curl', '-s', '--max-time', '5', '--http2-prior-knowledge', '-o', '/dev/null', '-w', '%{http_version} %{http_code}', '-H', 'Host: app.example', `http://127.0.0.1:${port}/curl`])
    const out = await new Response(p.stdout).text()
    expect(out).toBe('2 200')
  })

  test('HTTP/1.1 connections are unchanged, and a lone "PRI" request line is still HTTP/1.1', async () => {
    const r = await rawExchange(port, 'GET /x HTTP/1.1\r\nHost: app.example\r\nConnection: close\r\n\r\n')
    expect(statusCodes(r.text)).toEqual([200])
    const pri = await rawExchange(port, 'PRI * HTTP/1.1\r\nHost: app.example\r\n\r\n')
    expect(statusCodes(pri.text)).toEqual([400])
  })

  test('a 2 MiB body goes up and comes back whole (flow control, partial socket writes), and the next request is answered', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`)
    try {
      const big = 'x'.repeat(2 * 1024 * 1024)
      const r = await h2Request(session, { ':method': 'POST', ':path': '/big', ':authority': 'app.example' }, big)
      expect(r.status).toBe(200)
      expect(JSON.parse(r.body).body.length).toBe(big.length)
      // Regression: the 2 MiB answer outran the client, so the upstream connection was paused
      // when its response ended; it went back to the pool paused and the next request hung.
      const next = await Promise.race([
        h2Request(session, { ':path': '/after-big', ':authority': 'app.example' }),
        Bun.sleep(2_000).then(() => undefined),
      ])
      expect(next?.status).toBe(200)
    } finally {
      session.close()
    }
  })

})

describe('stopping with an h2c connection open', () => {
  test('a stream in flight finishes (GOAWAY), then the connection closes', async () => {
    const up = startUpstream('app')
    const p = freePort()
    const d = await tempConfig({
      'gateway.yaml': gatewayYaml('gw', [{ name: 'http', port: p }]),
      'app.yaml': serviceYaml('app', [up.port]),
      'route.yaml': `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: app, port: 80}]}]
`,
    })
    const gw = await startTestGateway(d.path)
    const session = http2.connect(`http://127.0.0.1:${p}`)
    try {
      const closed = new Promise<void>((resolve) => session.once('close', () => resolve()))
      const inFlight = h2Request(session, { ':path': '/slow?ms=300' })
      await Bun.sleep(100)
      const stopped = gw.stop()
      const r = await inFlight
      expect(r.status).toBe(200)
      expect(r.body).toBe('slow\n')
      await stopped
      await closed
    } finally {
      session.destroy()
      await up.stop()
      await d.cleanup()
    }
  })
})
