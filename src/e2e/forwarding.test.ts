import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Gateway } from '../gateway.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, type ConfigDir } from '../testing/harness.ts'
import { rawExchange, statusCodes } from '../testing/raw-client.ts'
import { startUpstream, type EchoBody, type Upstream } from '../testing/upstream.ts'

// One gateway, several routes: forwarding behaviour over real sockets with real upstream servers.
let a: Upstream
let b: Upstream
let dir: ConfigDir
let gateway: Gateway
let port: number
let base: string
const closedPort = freePort()

beforeAll(async () => {
  a = startUpstream('a')
  b = startUpstream('b')
  port = freePort()
  base = `http://127.0.0.1:${port}`
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
    'services.yaml': [
      serviceYaml('svc-a', [a.port]),
      serviceYaml('svc-b', [b.port]),
      serviceYaml('svc-none', []),
      serviceYaml('svc-down', [closedPort]),
      serviceYaml('svc-notready', [a.port], { notReady: [a.port] }),
    ].join('---\n'),
    'routes.yaml': `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: main}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /a}}]
    backendRefs: [{name: svc-a, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /split}}]
    backendRefs: [{name: svc-a, port: 80, weight: 1}, {name: svc-b, port: 80, weight: 1}]
  - matches: [{path: {type: PathPrefix, value: /half-broken}}]
    backendRefs: [{name: svc-a, port: 80, weight: 1}, {name: does-not-exist, port: 80, weight: 1}]
  - matches: [{path: {type: PathPrefix, value: /zero}}]
    backendRefs: [{name: svc-a, port: 80, weight: 1}, {name: svc-b, port: 80, weight: 0}]
  - matches: [{path: {type: PathPrefix, value: /none}}]
    backendRefs: [{name: svc-none, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /notready}}]
    backendRefs: [{name: svc-notready, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /down}}]
    backendRefs: [{name: svc-down, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /timeout}}]
    backendRefs: [{name: svc-a, port: 80}]
    timeouts: {request: 300ms}
  - matches: [{path: {type: PathPrefix, value: /stream}}]
    backendRefs: [{name: svc-a, port: 80}]
`,
  })
  gateway = await startTestGateway(dir.path)
})

afterAll(async () => {
  await gateway.stop()
  await a.stop()
  await b.stop()
  await dir.cleanup()
})

describe('forwarding', () => {
  test('a request reaches the backend with method, path, query, body and the client Host', async () => {
    const res = await fetch(`${base}/a/items?x=1&y=two`, {
      method: 'PUT',
      body: 'payload',
      headers: { host: 'shop.example.com:8443', 'x-custom': 'kept' },
    })
    expect(res.status).toBe(200)
    const seen = (await res.json()) as EchoBody
    expect(seen).toMatchObject({ upstream: 'a', method: 'PUT', path: '/a/items', query: '?x=1&y=two', body: 'payload' })
    expect(seen.headers.host).toBe('shop.example.com:8443')
    expect(seen.headers['x-custom']).toBe('kept')
  })

  test('X-Forwarded-For is extended with the client address and X-Forwarded-Proto is set', async () => {
    const res = await fetch(`${base}/a`, { headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' } })
    const seen = (await res.json()) as EchoBody
    expect(seen.headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1')
    expect(seen.headers['x-forwarded-proto']).toBe('http')
  })

  test('hop-by-hop headers, and headers named in Connection, are not forwarded', async () => {
    const r = await rawExchange(
      port,
      'GET /a/hop HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, x-secret-hop\r\nKeep-Alive: timeout=5\r\nX-Secret-Hop: 1\r\nTE: trailers\r\nX-End-To-End: yes\r\n\r\n'
    )
    const body = JSON.parse(r.text.slice(r.text.indexOf('\r\n\r\n') + 4))
    expect(body.headers['x-end-to-end']).toBe('yes')
    expect(body.headers['x-secret-hop']).toBeUndefined()
    expect(body.headers['keep-alive']).toBeUndefined()
    expect(body.headers.te).toBeUndefined()
  })

  test('the upstream response headers and status pass through', async () => {
    const res = await fetch(`${base}/a/status/418`)
    expect(res.status).toBe(418)
    expect(res.headers.get('x-upstream')).toBe('a')
  })

  test('a request no route matches gets 404', async () => {
    const res = await fetch(`${base}/nowhere`)
    expect(res.status).toBe(404)
  })
})

describe('backend failures', () => {
  test('a backendRef to a missing Service makes its share of traffic 500 and the rest works', async () => {
    const codes = await Promise.all(Array.from({ length: 200 }, () => fetch(`${base}/half-broken`).then((r) => r.status)))
    const failures = codes.filter((c) => c === 500).length
    expect(codes.filter((c) => c !== 500 && c !== 200)).toEqual([])
    expect(failures).toBeGreaterThan(60)
    expect(failures).toBeLessThan(140)
  })

  test('a Service without endpoints answers 503', async () => {
    expect((await fetch(`${base}/none`)).status).toBe(503)
  })

  test('endpoints whose ready condition is false are not used (503)', async () => {
    expect((await fetch(`${base}/notready`)).status).toBe(503)
  })

  test('an endpoint that refuses connections answers 502', async () => {
    expect((await fetch(`${base}/down`)).status).toBe(502)
  })

  test('an upstream slower than the route timeout answers 504', async () => {
    const started = performance.now()
    const res = await fetch(`${base}/timeout/slow?ms=2000`)
    expect(res.status).toBe(504)
    expect(performance.now() - started).toBeLessThan(1500)
  })
})

describe('weights', () => {
  test('equal weights spread requests over both backends', async () => {
    const names = await Promise.all(Array.from({ length: 200 }, () => fetch(`${base}/split`).then((r) => r.headers.get('x-upstream'))))
    const toA = names.filter((n) => n === 'a').length
    expect(toA).toBeGreaterThan(60)
    expect(toA).toBeLessThan(140)
    expect(names.filter((n) => n !== 'a' && n !== 'b')).toEqual([])
  })

  test('a backend with weight 0 never gets traffic', async () => {
    const names = await Promise.all(Array.from({ length: 100 }, () => fetch(`${base}/zero`).then((r) => r.headers.get('x-upstream'))))
    expect(new Set(names)).toEqual(new Set(['a']))
  })
})

describe('bodies and streaming', () => {
  test('a 1 MiB response arrives intact', async () => {
    const text = await (await fetch(`${base}/a/bytes?n=${1024 * 1024}`)).text()
    expect(text.length).toBe(1024 * 1024)
    expect(text).toBe('x'.repeat(1024 * 1024))
  })

  test('a 4 MiB upload arrives intact', async () => {
    const payload = 'abcdefgh'.repeat(512 * 1024)
    const seen = (await (await fetch(`${base}/a/upload`, { method: 'POST', body: payload })).json()) as EchoBody
    expect(seen.body.length).toBe(payload.length)
    expect(seen.body === payload).toBe(true)
  })

  test('a chunked request body is forwarded', async () => {
    const r = await rawExchange(
      port,
      'POST /a/chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'
    )
    expect(statusCodes(r.text)).toEqual([200])
    expect(JSON.parse(r.text.slice(r.text.indexOf('\r\n\r\n') + 4).replace(/^[0-9a-f]+\r\n/, '').replace(/\r\n0\r\n\r\n$/, '')).body).toBe('hello world')
  })

  test('server-sent events are forwarded event by event, not buffered', async () => {
    const started = performance.now()
    const res = await fetch(`${base}/stream/sse?events=3&interval=400`)
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const first = await reader.read()
    const firstAt = performance.now() - started
    expect(new TextDecoder().decode(first.value)).toContain('data: event 0')
    // The stream takes about 1.2 s; the first event must not wait for the rest.
    expect(firstAt).toBeLessThan(350)
    let rest = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      rest += new TextDecoder().decode(value)
    }
    expect(rest).toContain('data: event 2')
  })

  test('a response of unknown length is chunk-encoded for HTTP/1.1 clients', async () => {
    const r = await rawExchange(port, 'GET /stream/chunks?n=3&interval=10 HTTP/1.1\r\nHost: x\r\n\r\n', 500)
    expect(r.text).toMatch(/transfer-encoding: chunked/i)
    expect(r.text).toContain('chunk 2')
    expect(r.text.endsWith('0\r\n\r\n')).toBe(true)
  })

  test('an HTTP/1.0 client gets the response and the connection closes', async () => {
    const r = await rawExchange(port, 'GET /stream/chunks?n=2&interval=10 HTTP/1.0\r\nHost: x\r\n\r\n', 1000)
    expect(statusCodes(r.text)).toEqual([200])
    expect(r.text).not.toMatch(/transfer-encoding/i)
    expect(r.text).toContain('chunk 1')
    expect(r.closed).toBe(true)
  })
})

describe('connections', () => {
  test('pipelined requests are answered in order on one connection', async () => {
    const r = await rawExchange(
      port,
      'GET /a/status/201 HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\nGET /a/status/202 HTTP/1.1\r\nHost: x\r\n\r\n'
    )
    expect(statusCodes(r.text)).toEqual([201, 404, 202])
  })

  test('Expect: 100-continue gets 100 Continue once the request is forwarded', async () => {
    const r = await rawExchange(port, 'POST /a/expect HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n', 300)
    expect(r.text.startsWith('HTTP/1.1 100 Continue\r\n\r\n')).toBe(true)
  })

  test('Expect: 100-continue to a path with no route gets 404 and the connection closes', async () => {
    const r = await rawExchange(port, 'POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n', 2000)
    expect(statusCodes(r.text)).toEqual([404])
    expect(r.closed).toBe(true)
  })

  test('the body of a request answered without forwarding is skipped, and the next request is served', async () => {
    const r = await rawExchange(port, 'POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello worldGET /a/status/203 HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(statusCodes(r.text)).toEqual([404, 203])
  })

  test('Connection: close is honoured', async () => {
    const r = await rawExchange(port, 'GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 2000)
    expect(statusCodes(r.text)).toEqual([200])
    expect(r.closed).toBe(true)
  })

  test('a request with both Content-Length and Transfer-Encoding is refused and the connection closed', async () => {
    const r = await rawExchange(
      port,
      'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n',
      2000
    )
    expect(statusCodes(r.text)).toEqual([400])
    expect(r.closed).toBe(true)
    expect(a.seen.some((s) => s.method === 'POST' && s.path === '/a')).toBe(false)
  })

  test('a bad chunk size is refused with 400', async () => {
    const r = await rawExchange(port, 'POST /a/bad-chunk HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n', 2000)
    expect(statusCodes(r.text)).toEqual([400])
    expect(r.closed).toBe(true)
  })

  test('an oversized request head is refused with 431', async () => {
    const r = await rawExchange(port, `GET /a HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(40_000)}\r\n\r\n`, 2000)
    expect(statusCodes(r.text)).toEqual([431])
  })

  test('dot segments cannot reach a route they do not match: /a/../nowhere is 404', async () => {
    const r = await rawExchange(port, 'GET /a/../nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 2000)
    expect(statusCodes(r.text)).toEqual([404])
  })
})
