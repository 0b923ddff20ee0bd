import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect as tlsConnect } from 'node:tls'
import type { Gateway } from '../gateway.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, type ConfigDir } from '../testing/harness.ts'
import { startTcpEcho, type TcpEcho } from '../testing/tcp-echo.ts'

// TLS listeners in mode Terminate with TLSRoutes: Weir completes the handshake with the
// listener's certificate (chosen by SNI) and relays the plaintext to a TCP backend.
const certs = join(import.meta.dir, '..', 'testing', 'certs')
const pem = (f: string): string => readFileSync(join(certs, f), 'utf8')
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

function tlsRoute(name: string, hostname: string, service: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: gw}]
  hostnames: ["${hostname}"]
  rules:
  - backendRefs: [{name: ${service}, port: 80}]
`
}

let a: TcpEcho
let b: TcpEcho
let dir: ConfigDir
let gateway: Gateway
let port: number

beforeAll(async () => {
  a = await startTcpEcho('a:')
  b = await startTcpEcho('b:')
  port = freePort()
  const terminate = (secret: string) => `    tls: {mode: Terminate, certificateRefs: [{name: ${secret}}]}\n`
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [
      { name: 'a', port, protocol: 'TLS', hostname: 'a.example.com', extra: terminate('a-cert') },
      { name: 'wildcard', port, protocol: 'TLS', hostname: '*.example.com', extra: terminate('wildcard-cert') },
    ]),
    'secrets.yaml': `${tlsSecret('a-cert', 'a.example.com')}---\n${tlsSecret('wildcard-cert', 'wildcard.example.com')}`,
    'services.yaml': `${serviceYaml('a', [a.port])}---\n${serviceYaml('b', [b.port])}`,
    'routes.yaml': `${tlsRoute('a', 'a.example.com', 'a')}---\n${tlsRoute('b', 'b.example.com', 'b')}`,
  })
  gateway = await startTestGateway(dir.path)
})

afterAll(async () => {
  await gateway.stop()
  await a.stop()
  await b.stop()
  await dir.cleanup()
})

/** call handshakes with the gateway and returns the certificate's CN and what the backend sent back. */
function call(servername: string): Promise<{ cn: string; reply: string }> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca, servername }, () => {
      const cn = String(s.getPeerCertificate().subject.CN)
      let reply = ''
      s.on('data', (d: Buffer) => {
        reply += d.toString()
        if (reply.endsWith('ping')) {
          s.destroy()
          resolve({ cn, reply })
        }
      })
      s.write('ping')
    })
    s.once('error', reject)
    s.once('close', () => reject(new Error('closed')))
  })
}

describe('TLS terminate listener', () => {
  test('the listener owning the SNI presents its certificate and the route relays the plaintext', async () => {
    expect(await call('a.example.com')).toEqual({ cn: 'a.example.com', reply: 'a:ping' })
    expect(await call('b.example.com')).toEqual({ cn: 'wildcard.example.com', reply: 'b:ping' })
  })

  test('a server name no route serves gets the connection closed after the handshake', async () => {
    await expect(call('c.example.com')).rejects.toThrow()
  })
})
