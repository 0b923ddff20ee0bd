import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Gateway } from '../gateway.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, type ConfigDir } from '../testing/harness.ts'
import { openRaw, rawExchange, statusCodes } from '../testing/raw-client.ts'
import { startRawUpstream, type RawUpstream } from '../testing/raw-upstream.ts'

// Clients that misbehave, over real sockets: slow or silent ones, bad requests on reused
// connections, header bytes that are not ASCII, h2c upgrades. The timeouts are short here so the
// tests are quick; their defaults are nginx's (README: Client timeouts).
const TIMEOUTS = { headerMs: 1_000, bodyMs: 1_000, keepAliveMs: 1_000, sendMs: 1_500 }
/** A deadline may fire up to one clock tick (a quarter of the shortest timeout) late, plus scheduling on a busy box. */
const SLACK_MS = 2_500
const BIG = 48 * 1024 * 1024
const OK = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'

const certs = join(import.meta.dir, '../testing/certs')
const pem = (name: string) => Buffer.from(readFileSync(join(certs, name), 'utf8')).toString('base64')

let upstream: RawUpstream
let dir: ConfigDir
let gateway: Gateway
let port: number
let tlsPort: number

beforeAll(async () => {
  upstream = startRawUpstream((r) => {
    if (/^upgrade: h2c/im.test(r.head)) return 'HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: h2c\r\n\r\n'
    if (r.head.startsWith('GET /early ')) return `HTTP/1.1 103 Early Hints\r\nlink: </app.css>; rel=preload\r\n\r\n${OK}`
    if (r.head.startsWith('GET /big ')) return `HTTP/1.1 200 OK\r\ncontent-length: ${BIG}\r\n\r\n${'x'.repeat(BIG)}`
    return OK
  })
  port = freePort()
  tlsPort = freePort()
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [
      { name: 'http', port },
      { name: 'https', port: tlsPort, protocol: 'HTTPS', extra: '    tls:\n      certificateRefs: [{name: cert}]\n' },
    ]),
    'secret.yaml': `apiVersion: v1
kind: Secret
metadata: {name: cert}
type: kubernetes.io/tls
data:
  tls.crt: ${pem('a.example.com.crt')}
  tls.key: ${pem('a.example.com.key')}
`,
    'services.yaml': serviceYaml('raw', [upstream.port]),
    'routes.yaml': `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: main}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /configured}}]
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier: {set: [{name: x-configured, value: "café ☕"}]}
    backendRefs: [{name: raw, port: 80}]
  - backendRefs: [{name: raw, port: 80}]
`,
  })
  gateway = await startTestGateway(dir.path, { clientTimeouts: TIMEOUTS })
})

afterAll(async () => {
  await gateway.stop()
  upstream.stop()
  await dir.cleanup()
})

const GOOD = 'GET /ok HTTP/1.1\r\nHost: x\r\n\r\n'
const answered = (n: number) => (t: string) => statusCodes(t).length >= n && t.endsWith('ok')

describe('client timeouts end the socket', () => {
  test('an idle kept-alive connection is closed after the keep-alive timeout', async () => {
    const c = await openRaw(port)
    c.write(GOOD)
    await c.waitFor(answered(1))
    const at = Date.now()
    await c.closed
    const idle = Date.now() - at
    expect(idle).toBeGreaterThanOrEqual(TIMEOUTS.keepAliveMs - 300)
    expect(idle).toBeLessThan(TIMEOUTS.keepAliveMs + SLACK_MS)
  })

  test('a connection that sends nothing is closed after the header timeout, with no answer', async () => {
    const c = await openRaw(port)
    expect(await c.closed).toBeLessThan(TIMEOUTS.headerMs + SLACK_MS)
    expect(c.received()).toBe('')
  })

  test('a head sent one byte at a time gets 408 at the header timeout, though bytes keep coming', async () => {
    const c = await openRaw(port)
    const request = 'GET /ok HTTP/1.1\r\nHost: x\r\nX-Long: ' + 'a'.repeat(200)
    let i = 0
    const drip = setInterval(() => c.write(request[i++ % request.length] as string), 100)
    try {
      const closedAt = await c.closed
      expect(closedAt).toBeLessThan(TIMEOUTS.headerMs + SLACK_MS)
      expect(statusCodes(c.received())).toEqual([408])
      expect(c.received()).toContain('connection: close')
    } finally {
      clearInterval(drip)
      c.destroy()
    }
  })

  test('a request body that stops arriving gets 408 and the connection is closed', async () => {
    const c = await openRaw(port)
    c.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part')
    expect(await c.closed).toBeLessThan(TIMEOUTS.bodyMs + SLACK_MS)
    expect(statusCodes(c.received())).toEqual([408])
  })

  test('a client that does not read its response is dropped after the send timeout', async () => {
    const c = await openRaw(port)
    c.pause()
    c.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n')
    await Bun.sleep(TIMEOUTS.sendMs + SLACK_MS)
    c.resume()
    // Weir dropped the connection while the client was not reading: once it reads again it finds
    // the connection closed (reset: what was still buffered may be lost) with the body cut short.
    const closed = await Promise.race([c.closed.then(() => true), Bun.sleep(2_000).then(() => false)])
    expect(closed).toBe(true)
    expect(c.received().length).toBeLessThan(BIG)
  })

  test('on the TLS listener too: an idle connection closes, and one that never says hello is dropped', async () => {
    const c = await openRaw(tlsPort, { tls: true })
    c.write(GOOD)
    await c.waitFor(answered(1))
    const at = Date.now()
    await c.closed
    expect(Date.now() - at).toBeLessThan(TIMEOUTS.keepAliveMs + SLACK_MS)
    const silent = await openRaw(tlsPort)
    expect(await silent.closed).toBeLessThan(TIMEOUTS.headerMs + SLACK_MS)
  })

  test('a request that completes in time is not cut: a slow upload within the body timeout succeeds', async () => {
    const c = await openRaw(port)
    c.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\n')
    for (const piece of ['ab', 'cd', 'ef']) {
      await Bun.sleep(TIMEOUTS.bodyMs / 2)
      c.write(piece)
    }
    await c.waitFor(answered(1))
    expect(statusCodes(c.received())).toEqual([200])
    expect(upstream.requests.at(-1)?.body.toString()).toBe('abcdef')
    c.destroy()
  })
})

describe('a bad request on a reused connection is answered and the connection closed', () => {
  const cases: [string, string, number][] = [
    ['missing Host', 'GET /ok HTTP/1.1\r\n\r\n', 400],
    ['a 9,000-byte request line', `GET /${'a'.repeat(9_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414],
    ['a 33 KiB header', `GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(33 * 1024)}\r\n\r\n`, 431],
    ['Content-Length with Transfer-Encoding', 'POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
    ['HTTP/2.0', 'GET /ok HTTP/2.0\r\nHost: x\r\n\r\n', 505],
  ]
  test.each(cases)('%s, sent after a good request', async (_name, bad, status) => {
    const c = await openRaw(port)
    c.write(GOOD)
    await c.waitFor(answered(1))
    c.write(bad)
    await c.closed
    expect(statusCodes(c.received())).toEqual([200, status])
  })
  test.each(cases)('%s, pipelined behind a good request in one write', async (_name, bad, status) => {
    const r = await rawExchange(port, GOOD + bad, 2_000)
    expect(statusCodes(r.text)).toEqual([200, status])
    expect(r.closed).toBe(true)
  })
})

describe('bytes are forwarded as they were sent', () => {
  test('header bytes that are not ASCII reach the upstream unchanged, and the pooled connection stays good', async () => {
    const before = upstream.requests.length
    const r = await rawExchange(port, Buffer.from('GET /bytes HTTP/1.1\r\nHost: x\r\nX-A: caf\xe9 \xff\x80\r\nConnection: close\r\n\r\n', 'latin1'), 2_000)
    expect(statusCodes(r.text)).toEqual([200])
    const seen = upstream.requests[before]
    expect(Buffer.from(seen?.head ?? '', 'latin1').includes(Buffer.from('\r\nx-a: caf\xe9 \xff\x80\r\n', 'latin1'))).toBe(true)
    // The next requests reuse the upstream connection that carried those bytes.
    const next = await Promise.all([1, 2, 3].map(() => fetch(`http://127.0.0.1:${port}/after`, { signal: AbortSignal.timeout(3_000) })))
    expect(next.map((res) => res.status)).toEqual([200, 200, 200])
  })

  test('a header value from the configuration is sent as its UTF-8 bytes', async () => {
    const before = upstream.requests.length
    const res = await fetch(`http://127.0.0.1:${port}/configured`)
    expect(res.status).toBe(200)
    const head = Buffer.from(upstream.requests[before]?.head ?? '', 'latin1')
    expect(head.includes(Buffer.from('\r\nx-configured: café ☕\r\n', 'utf8'))).toBe(true)
  })
})

describe('h2c upgrades', () => {
  test('Upgrade: h2c is not forwarded: the request is served as HTTP/1.1 and no tunnel opens', async () => {
    const before = upstream.requests.length
    const r = await rawExchange(
      port,
      'GET /public HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n',
      1_000
    )
    expect(statusCodes(r.text)).toEqual([200])
    expect(r.text).not.toContain('101')
    const head = upstream.requests[before]?.head ?? ''
    expect(head.toLowerCase()).not.toContain('upgrade')
    expect(head.toLowerCase()).not.toContain('http2-settings')
  })
})

describe('interim responses and trailers', () => {
  test('a 103 Early Hints from the upstream reaches an HTTP/1.1 client before the 200', async () => {
    const r = await rawExchange(port, 'GET /early HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 2_000)
    expect(statusCodes(r.text)).toEqual([103, 200])
    expect(r.text).toMatch(/^HTTP\/1\.1 103 Early Hints\r\nlink: <\/app\.css>; rel=preload\r\n\r\nHTTP\/1\.1 200 /)
  })

  test('an HTTP/1.0 client gets no interim response (RFC 9110 §15.2)', async () => {
    const r = await rawExchange(port, 'GET /early HTTP/1.0\r\n\r\n', 2_000)
    expect(statusCodes(r.text)).toEqual([200])
  })

  test('trailer fields that must not travel in trailers are dropped; the others pass byte for byte', async () => {
    const before = upstream.requests.length
    const r = await rawExchange(
      port,
      'POST /trailers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
        '5\r\nhello\r\n0\r\nX-Checksum: abc \r\nContent-Length: 99\r\nHost: other.example\r\nTransfer-Encoding: gzip\r\nConnection: close\r\nx-after: 1\r\n\r\n',
      2_000
    )
    expect(statusCodes(r.text)).toEqual([200])
    expect(upstream.requests[before]?.body.toString('latin1')).toBe('5\r\nhello\r\n0\r\nX-Checksum: abc \r\nx-after: 1\r\n\r\n')
  })
})
