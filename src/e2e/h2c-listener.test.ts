import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import http2 from 'node:http2'
import type { Gateway } from '../gateway.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, type ConfigDir } from '../testing/harness.ts'
import { openRaw, rawExchange, statusCodes } from '../testing/raw-client.ts'
import { startUpstream, type Upstream } from '../testing/upstream.ts'

// Cleartext HTTP/2 with prior knowledge on an HTTP listener: a connection that opens with the
// HTTP/2 preface is served as HTTP/2 (routing and forwarding as for HTTP/1.1); any other
// connection stays HTTP/1.1.
let upstream: Upstream
let dir: ConfigDir
let gateway: Gateway
let port: number

beforeAll(async () => {
  upstream = startUpstream('app')
  port = freePort()
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
    'app.yaml': serviceYaml('app', [upstream.port]),
    'route.yaml': `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app}
spec:
  parentRefs: [{name: gw}]
  hostnames: [app.example]
  rules: [{backendRefs: [{name: app, port: 80}]}]
`,
  })
  gateway = await startTestGateway(dir.path)
})

afterAll(async () => {
  await gateway.stop()
  await upstream.stop()
  await dir.cleanup()
})

function h2Request(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = session.request(headers)
    let out = ''
    let status = 0
    req.on('response', (h) => (status = Number(h[':status'])))
    req.on('data', (d: Buffer) => (out += d.toString()))
    req.on('end', () => resolve({ status, body: out }))
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

  test('a 2 MiB body goes up and comes back whole (flow control and partial socket writes)', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`)
    try {
      const big = 'x'.repeat(2 * 1024 * 1024)
      const r = await h2Request(session, { ':method': 'POST', ':path': '/big', ':authority': 'app.example' }, big)
      expect(r.status).toBe(200)
      expect(JSON.parse(r.body).body.length).toBe(big.length)
    } finally {
      session.close()
    }
  })

})
