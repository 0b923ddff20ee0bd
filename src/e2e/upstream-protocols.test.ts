import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import http2 from 'node:http2'
import { join } from 'node:path'
import type { Server } from 'bun'
import type { Gateway } from '../gateway.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, waitFor, type ConfigDir } from '../testing/harness.ts'
import { rawExchange } from '../testing/raw-client.ts'

// What Weir speaks to upstreams besides plain HTTP/1.1: WebSocket upgrades, cleartext HTTP/2
// (Service appProtocol kubernetes.io/h2c) and TLS (BackendTLSPolicy), all against real servers.
const certs = join(import.meta.dir, '..', 'testing', 'certs')

interface WsEvents {
  opened: number
  closed: number
  headers: Record<string, string>
}

let wsEvents: WsEvents
let wsServer: Server<undefined>
let h2Server: http2.Http2Server
let h2Port: number
let h2Sessions = 0
let tlsServer: Server<undefined>
let dir: ConfigDir
let gateway: Gateway
let port: number

function route(prefix: string, backend: string): string {
  return `  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]
    backendRefs: [{name: ${backend}, port: 80}]
`
}

function tlsPolicy(name: string, service: string, hostname: string, caRef = 'test-ca'): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: ${name}}
spec:
  targetRefs: [{group: "", kind: Service, name: ${service}}]
  validation:
    caCertificateRefs: [{group: "", kind: ConfigMap, name: ${caRef}}]
    hostname: ${hostname}
`
}

beforeAll(async () => {
  wsEvents = { opened: 0, closed: 0, headers: {} }
  wsServer = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req, server) {
      req.headers.forEach((v, k) => (wsEvents.headers[k] = v))
      if (server.upgrade(req, { headers: { 'x-upstream': 'ws' } })) return undefined
      return new Response('not a websocket request\n', { status: 426 })
    },
    websocket: {
      open(ws) {
        wsEvents.opened++
        ws.send('hello from upstream')
      },
      message(ws, message) {
        if (message === 'close please') ws.close(4001, 'asked to')
        else ws.send(`echo: ${typeof message === 'string' ? message : `${message.byteLength} bytes`}`)
      },
      close() {
        wsEvents.closed++
      },
    },
  })

  h2Server = http2.createServer()
  h2Server.on('session', () => h2Sessions++)
  h2Server.on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    const chunks: Buffer[] = []
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => {
      const body = Buffer.concat(chunks).toString()
      const seen = { method: headers[':method'], path: headers[':path'], authority: headers[':authority'], xff: headers['x-forwarded-for'], body }
      stream.respond({ ':status': 200, 'content-type': 'application/json', 'x-upstream': 'h2c' })
      stream.end(JSON.stringify(seen))
    })
  })
  await new Promise<void>((resolve) => h2Server.listen(0, '127.0.0.1', resolve))
  h2Port = (h2Server.address() as { port: number }).port

  tlsServer = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    tls: { cert: Bun.file(join(certs, 'a.example.com.crt')), key: Bun.file(join(certs, 'a.example.com.key')) },
    fetch: (req) => new Response(`tls upstream saw ${new URL(req.url).pathname}\n`, { headers: { 'x-upstream': 'tls' } }),
  })
  const tlsPort = tlsServer.port as number

  port = freePort()
  const ca = (await Bun.file(join(certs, 'ca.crt')).text()).trimEnd().replaceAll('\n', '\n    ')
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
    'services.yaml': [
      serviceYaml('ws', [wsServer.port as number], { appProtocol: 'kubernetes.io/ws' }),
      serviceYaml('grpcish', [h2Port], { appProtocol: 'kubernetes.io/h2c' }),
      serviceYaml('secure', [tlsPort]),
      serviceYaml('wrong-name', [tlsPort]),
      serviceYaml('no-ca', [tlsPort]),
      serviceYaml('unverified', [tlsPort]),
    ].join('---\n'),
    'ca.yaml': `apiVersion: v1
kind: ConfigMap
metadata: {name: test-ca}
data:
  ca.crt: |
    ${ca}
`,
    'policies.yaml': [
      tlsPolicy('secure-tls', 'secure', 'a.example.com'),
      tlsPolicy('wrong-name-tls', 'wrong-name', 'b.example.com'),
      tlsPolicy('no-ca-tls', 'no-ca', 'a.example.com', 'missing-ca'),
    ].join('---\n'),
    'routes.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: protocols}
spec:
  parentRefs: [{name: gw}]
  rules:
${route('/ws', 'ws')}${route('/h2c', 'grpcish')}${route('/secure', 'secure')}${route('/wrong-name', 'wrong-name')}${route('/no-ca', 'no-ca')}${route('/unverified', 'unverified')}`,
  })
  gateway = await startTestGateway(dir.path)
})

afterAll(async () => {
  await gateway.stop()
  wsServer.stop(true)
  tlsServer.stop(true)
  await new Promise((resolve) => h2Server.close(resolve))
  await dir.cleanup()
})

/** openSocket connects a WebSocket client through Weir and collects what it receives. */
async function openSocket(path: string): Promise<{ ws: WebSocket; received: string[]; closed: Promise<CloseEvent> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`)
  const received: string[] = []
  ws.onmessage = (e) => received.push(String(e.data))
  const closed = new Promise<CloseEvent>((resolve) => (ws.onclose = resolve))
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve()
    ws.onerror = () => reject(new Error('websocket failed to open'))
  })
  return { ws, received, closed }
}

describe('WebSocket', () => {
  test('an upgrade is forwarded and messages flow both ways', async () => {
    const { ws, received } = await openSocket('/ws/chat')
    await waitFor(() => received.length >= 1, 5_000, 'the greeting')
    expect(received[0]).toBe('hello from upstream')
    ws.send('ping')
    ws.send(new Uint8Array(70_000))
    await waitFor(() => received.length >= 3, 5_000, 'two echoes')
    expect(received.slice(1)).toEqual(['echo: ping', 'echo: 70000 bytes'])
    expect(wsEvents.headers['x-forwarded-for']).toBe('127.0.0.1')
    expect(wsEvents.headers.upgrade?.toLowerCase()).toBe('websocket')
    const before = wsEvents.closed
    ws.close()
    await waitFor(() => wsEvents.closed > before, 5_000, 'the upstream to see the close')
  })

  test('the upstream closing the socket closes the client, with its code', async () => {
    const { ws, closed } = await openSocket('/ws/close')
    ws.send('close please')
    const event = await closed
    expect(event.code).toBe(4001)
    expect(event.reason).toBe('asked to')
  })

  test('the 101 carries the upstream headers', async () => {
    const key = Buffer.from('0123456789abcdef').toString('base64')
    const r = await rawExchange(
      port,
      `GET /ws/raw HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`
    )
    expect(r.text).toStartWith('HTTP/1.1 101 ')
    const head = r.text.slice(0, r.text.indexOf('\r\n\r\n')).toLowerCase()
    expect(head).toContain('x-upstream: ws')
    expect(head).toContain('upgrade: websocket')
    expect(head).toContain('sec-websocket-accept:')
  })

  test('a request without Upgrade to the same backend is a plain request', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/ws/plain`)
    expect(res.status).toBe(426)
    expect(await res.text()).toBe('not a websocket request\n')
  })
})

describe('h2c upstream (appProtocol kubernetes.io/h2c)', () => {
  test('requests are sent as HTTP/2 streams on one session', async () => {
    const before = h2Sessions
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/h2c/item/${i}?q=1`, { headers: { host: 'api.example.com' } })
      expect(res.status).toBe(200)
      expect(res.headers.get('x-upstream')).toBe('h2c')
      const seen = (await res.json()) as Record<string, string>
      expect(seen).toMatchObject({ method: 'GET', path: `/h2c/item/${i}?q=1`, authority: 'api.example.com', xff: '127.0.0.1' })
    }
    expect(h2Sessions - before).toBeLessThanOrEqual(1)
  })

  test('a request body with a length, and a chunked one, arrive as their payload', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/h2c/upload`, { method: 'POST', body: 'x'.repeat(100_000) })
    const seen = (await res.json()) as { body: string; method: string }
    expect(seen.method).toBe('POST')
    expect(seen.body.length).toBe(100_000)
    const r = await rawExchange(
      port,
      'POST /h2c/chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'
    )
    expect(r.text).toStartWith('HTTP/1.1 200 ')
    expect(r.text).toContain('"body":"hello world"')
  })
})

describe('BackendTLSPolicy', () => {
  test('TLS to the upstream, verified against the ConfigMap CA for the policy hostname', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/secure/x`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('tls upstream saw /secure/x\n')
  })

  test('a certificate that does not carry the policy hostname is refused: 502', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/wrong-name/x`)
    expect(res.status).toBe(502)
  })

  test('a policy whose CA cannot be found answers 500 instead of skipping verification', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/no-ca/x`)
    expect(res.status).toBe(500)
    const status = gateway.statusDocument().items.find((i) => i.kind === "BackendTLSPolicy" && i.metadata.name === "no-ca-tls")
    expect(JSON.stringify(status)).toContain('NoValidCACertificate')
  })

  test('without a policy the TLS port gets plain HTTP and fails: 502', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/unverified/x`)
    expect(res.status).toBe(502)
  })
})
