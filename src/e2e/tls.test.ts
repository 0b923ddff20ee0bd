import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import http2 from 'node:http2'
import { join } from 'node:path'
import type { Gateway } from '../gateway.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, type ConfigDir } from '../testing/harness.ts'
import { rawTlsExchange, statusCodes } from '../testing/raw-client.ts'
import { startUpstream, type Upstream } from '../testing/upstream.ts'

// HTTPS termination over real TLS: the certificate of the listener that owns the SNI, HTTP/2 via
// ALPN, and 421 for a request whose Host belongs to another listener than its SNI.
const certs = join(import.meta.dir, '../testing/certs')
const pem = (name: string) => readFileSync(join(certs, name), 'utf8')
const ca = pem('ca.crt')

function tlsSecret(name: string, file: string): string {
  return `apiVersion: v1
kind: Secret
metadata: {name: ${name}}
type: kubernetes.io/tls
data:
  tls.crt: ${Buffer.from(pem(`${file}.crt`)).toString('base64')}
  tls.key: ${Buffer.from(pem(`${file}.key`)).toString('base64')}
`
}

let upstream: Upstream
let dir: ConfigDir
let gateway: Gateway
let port: number

beforeAll(async () => {
  upstream = startUpstream('app')
  port = freePort()
  const tls = (secret: string) => `    tls:\n      certificateRefs: [{name: ${secret}}]\n`
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [
      { name: 'a', port, protocol: 'HTTPS', hostname: 'a.example.com', extra: tls('a-cert') },
      { name: 'wild', port, protocol: 'HTTPS', hostname: '*.example.com', extra: tls('wildcard-cert') },
    ]),
    'secrets.yaml': `${tlsSecret('a-cert', 'a.example.com')}---\n${tlsSecret('wildcard-cert', 'wildcard.example.com')}`,
    'app.yaml': serviceYaml('app', [upstream.port]),
    'routes.yaml': `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: a}
spec:
  parentRefs: [{name: gw, sectionName: a}]
  rules: [{backendRefs: [{name: app, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: wild}
spec:
  parentRefs: [{name: gw, sectionName: wild}]
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

describe('HTTPS listeners', () => {
  test('the listener that owns the server name presents its certificate', async () => {
    const a = await rawTlsExchange(port, 'a.example.com', 'GET /x HTTP/1.1\r\nHost: a.example.com\r\nConnection: close\r\n\r\n', 2000)
    expect(a.peerName).toBe('a.example.com')
    expect(statusCodes(a.text)).toEqual([200])
    const b = await rawTlsExchange(port, 'b.example.com', 'GET /x HTTP/1.1\r\nHost: b.example.com\r\nConnection: close\r\n\r\n', 2000)
    expect(b.peerName).toBe('wildcard.example.com')
    expect(statusCodes(b.text)).toEqual([200])
  })

  test('the upstream sees X-Forwarded-Proto https', async () => {
    const r = await rawTlsExchange(port, 'a.example.com', 'GET /proto HTTP/1.1\r\nHost: a.example.com\r\nConnection: close\r\n\r\n', 2000)
    expect(r.text).toContain('"x-forwarded-proto":"https"')
  })

  test('a Host that belongs to another listener than the SNI gets 421 Misdirected Request', async () => {
    const r = await rawTlsExchange(port, 'b.example.com', 'GET / HTTP/1.1\r\nHost: a.example.com\r\nConnection: close\r\n\r\n', 2000)
    expect(statusCodes(r.text)).toEqual([421])
  })

  test('a Host no listener serves gets 404', async () => {
    const r = await rawTlsExchange(port, 'a.example.com', 'GET / HTTP/1.1\r\nHost: example.org\r\nConnection: close\r\n\r\n', 2000)
    expect(statusCodes(r.text)).toEqual([404])
  })

  test('HTTP/2 is negotiated with ALPN and proxied', async () => {
    const session = http2.connect(`https://127.0.0.1:${port}`, { servername: 'b.example.com', ca })
    try {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = session.request({ ':path': '/h2?q=1', ':authority': 'b.example.com', ':method': 'GET' })
        let body = ''
        let status = 0
        req.on('response', (h) => (status = Number(h[':status'])))
        req.on('data', (d: Buffer) => (body += d.toString()))
        req.on('end', () => resolve({ status, body }))
        req.on('error', reject)
        req.end()
      })
      expect(session.alpnProtocol).toBe('h2')
      expect(session.remoteSettings.maxConcurrentStreams).toBe(128)
      expect(session.remoteSettings.maxHeaderListSize).toBe(32 * 1024)
      expect(status).toBe(200)
      const seen = JSON.parse(body)
      expect(seen.path).toBe('/h2')
      expect(seen.query).toBe('?q=1')
      expect(seen.headers.host).toBe('b.example.com')
    } finally {
      session.close()
    }
  })

  test('an HTTP/2 request body is forwarded', async () => {
    const session = http2.connect(`https://127.0.0.1:${port}`, { servername: 'a.example.com', ca })
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = session.request({ ':path': '/post', ':authority': 'a.example.com', ':method': 'POST' })
        let out = ''
        req.on('data', (d: Buffer) => (out += d.toString()))
        req.on('end', () => resolve(out))
        req.on('error', reject)
        req.write('part one, ')
        req.end('part two')
      })
      expect(JSON.parse(body).body).toBe('part one, part two')
    } finally {
      session.close()
    }
  })
})
