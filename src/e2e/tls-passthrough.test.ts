import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { connect as netConnect, createServer as createNetServer, type Server } from 'node:net'
import { join } from 'node:path'
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls'
import type { Gateway } from '../gateway.ts'
import { captureClientHello } from '../testing/client-hello.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, waitFor, type ConfigDir } from '../testing/harness.ts'

// TLS listeners in Passthrough mode: the gateway routes on the ClientHello's SNI and never
// terminates, so the client completes its handshake with the backend's own certificate.
const certs = join(import.meta.dir, '..', 'testing', 'certs')
const read = (f: string): string => readFileSync(join(certs, f), 'utf8')
const ca = read('ca.crt')

let dir: ConfigDir
let gateway: Gateway
let port: number
const servers: Server[] = []
let recorded = new Uint8Array(0)

/** tlsEcho is a TLS server with its own certificate that echoes what it decrypts. */
async function listen(server: Server): Promise<number> {
  servers.push(server)
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve))
  const a = server.address()
  return typeof a === 'object' && a ? a.port : 0
}

function tlsEcho(name: string): Promise<number> {
  return listen(createTlsServer({ cert: read(`${name}.crt`), key: read(`${name}.key`) }, (s) => s.pipe(s)))
}

function tlsRoute(name: string, hostname: string, service: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1alpha3
kind: TLSRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: gw}]
  hostnames: ["${hostname}"]
  rules:
  - backendRefs: [{name: ${service}, port: 80}]
`
}

beforeAll(async () => {
  const a = await tlsEcho('a.example.com')
  const wildcard = await tlsEcho('wildcard.example.com')
  const recorder = await listen(
    createNetServer((s) =>
      s.on('data', (c: Buffer) => {
        const joined = new Uint8Array(recorded.length + c.length)
        joined.set(recorded)
        joined.set(c, recorded.length)
        recorded = joined
      })
    )
  )
  port = freePort()
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [{ name: 'tls', port, protocol: 'TLS', extra: '    tls: {mode: Passthrough}\n' }]),
    'services.yaml': [serviceYaml('a', [a]), serviceYaml('wildcard', [wildcard]), serviceYaml('recorder', [recorder])].join('---\n'),
    'routes.yaml': [
      tlsRoute('a', 'a.example.com', 'a'),
      tlsRoute('wildcard', '*.example.com', 'wildcard'),
      tlsRoute('recorder', 'rec.test', 'recorder'),
    ].join('---\n'),
  })
  gateway = await startTestGateway(dir.path)
})

afterAll(async () => {
  await gateway.stop()
  for (const s of servers) s.close()
  await dir.cleanup()
})

/** handshake connects through the gateway and returns the CN of the certificate the client saw, and an echo. */
function handshake(servername: string | undefined): Promise<{ cn: string; echo: string }> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca, ...(servername ? { servername } : {}) }, () => {
      const cn = String(s.getPeerCertificate().subject.CN)
      s.once('data', (d: Buffer) => {
        s.destroy()
        resolve({ cn, echo: d.toString() })
      })
      s.write('ping')
    })
    s.once('error', reject)
    s.once('close', () => reject(new Error('closed before the handshake')))
  })
}

describe('TLS passthrough listener', () => {
  test('the client completes its handshake with the backend its SNI selects, exact before wildcard', async () => {
    expect(await handshake('a.example.com')).toEqual({ cn: 'a.example.com', echo: 'ping' })
    expect(await handshake('b.example.com')).toEqual({ cn: 'wildcard.example.com', echo: 'ping' })
  })

  test('a server name no route serves, or no server name at all, gets the connection closed', async () => {
    await expect(handshake('nothing.test')).rejects.toThrow()
    await expect(handshake(undefined)).rejects.toThrow()
  })

  test('a ClientHello sent in several segments reaches the backend byte for byte', async () => {
    const hello = await captureClientHello('rec.test')
    const s = netConnect({ host: '127.0.0.1', port })
    await new Promise<void>((resolve) => s.once('connect', () => resolve()))
    const cuts = [0, 3, 60, hello.length]
    for (let i = 0; i + 1 < cuts.length; i++) {
      s.write(hello.subarray(cuts[i], cuts[i + 1]))
      await Bun.sleep(30)
    }
    await waitFor(() => recorded.length >= hello.length, 2_000, 'the backend to get the hello')
    expect(Buffer.from(recorded).equals(Buffer.from(hello))).toBe(true)
    s.destroy()
  })

  test('bytes that are not a ClientHello get the connection closed', async () => {
    const s = netConnect({ host: '127.0.0.1', port })
    const closed = new Promise<void>((resolve) => s.once('close', () => resolve()))
    s.on('error', () => {})
    s.write('GET / HTTP/1.1\r\nHost: a.example.com\r\n\r\n')
    await closed
  })
})
