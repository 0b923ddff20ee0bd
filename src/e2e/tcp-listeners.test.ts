import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { connect, type Socket } from 'node:net'
import type { Gateway } from '../gateway.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, waitFor, type ConfigDir } from '../testing/harness.ts'
import { startTcpEcho, type TcpEcho } from '../testing/tcp-echo.ts'

// TCP listeners with TCPRoutes over real sockets: the relay, failover, reloads and drains.
let echo: TcpEcho
let dir: ConfigDir
let gateway: Gateway
let port: number
let refused: number[]

function tcpRoute(name: string, service: string, sectionName = 'tcp'): string {
  return `apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: gw, sectionName: ${sectionName}}]
  rules:
  - backendRefs: [{name: ${service}, port: 80}]
`
}

beforeAll(async () => {
  echo = await startTcpEcho()
  port = freePort()
  refused = [freePort(), freePort()] // nothing listens there: connections are refused
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [{ name: 'tcp', port, protocol: 'TCP' }]),
    'services.yaml': `${serviceYaml('echo', [echo.port])}---\n${serviceYaml('half-down', [...refused, echo.port])}`,
    'route.yaml': tcpRoute('echo', 'echo'),
  })
  gateway = await startTestGateway(dir.path, { drainTimeoutMs: 500 })
})

afterAll(async () => {
  await gateway.stop()
  await echo.stop()
  await dir.cleanup()
})

/** open connects to the gateway's TCP listener as a half-open client. */
function open(p = port): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: p, allowHalfOpen: true }, () => resolve(s))
    s.once('error', reject)
  })
}

/** exchange writes `data`, half-closes, and collects everything until the gateway half-closes back. */
function exchange(s: Socket, data: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    s.on('data', (c: Buffer) => chunks.push(c))
    s.once('end', () => resolve(Buffer.concat(chunks)))
    s.once('error', reject)
    s.end(data)
  })
}

/** roundTrip writes a line and waits for its echo, keeping the connection open. */
function roundTrip(s: Socket, line: string): Promise<string> {
  return new Promise((resolve) => {
    let got = ''
    const onData = (c: Buffer): void => {
      got += c.toString()
      if (got.length >= line.length) {
        s.off('data', onData)
        resolve(got)
      }
    }
    s.on('data', onData)
    s.write(line)
  })
}

/** closedByGateway resolves when the gateway ends the connection (the client is half-open, so it sees 'end'). */
function closedByGateway(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (s.destroyed || s.readableEnded) return resolve()
    s.once('end', () => resolve())
    s.once('close', () => resolve())
    s.resume()
  })
}

describe('TCP listener', () => {
  test('relays a large transfer both ways and propagates the half-close', async () => {
    const data = new Uint8Array(8 * 1024 * 1024)
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff
    const s = await open()
    const back = await exchange(s, data)
    expect(back.length).toBe(data.length)
    expect(Bun.hash(back)).toBe(Bun.hash(data))
    s.destroy()
  })

  test('fails over to another endpoint when one refuses the connection', async () => {
    // Two of three endpoints refuse: a first pick hits one of them with odds 2/3 per connection.
    await dir.write('route.yaml', tcpRoute('echo', 'half-down'))
    await gateway.reload('test')
    for (let i = 0; i < 6; i++) {
      const s = await open()
      expect((await exchange(s, new TextEncoder().encode(`hello ${i}`))).toString()).toBe(`hello ${i}`)
      s.destroy()
    }
    await dir.write('route.yaml', tcpRoute('echo', 'echo'))
    await gateway.reload('test')
  })

  test('a reload keeps an established connection whose route remains, and closes it when the route goes', async () => {
    const s = await open()
    expect(await roundTrip(s, 'before\n')).toBe('before\n')
    await dir.write('services.yaml', `${serviceYaml('echo', [echo.port])}---\n${serviceYaml('other', [echo.port])}`)
    expect((await gateway.reload('test')).applied).toBe(true)
    expect(await roundTrip(s, 'after\n')).toBe('after\n')
    await dir.remove('route.yaml')
    await gateway.reload('test')
    await closedByGateway(s)
    await dir.write('route.yaml', tcpRoute('echo', 'echo'))
    await gateway.reload('test')
  })

  test('a connection to a listener with no route is closed', async () => {
    const other = freePort()
    await dir.write('gateway.yaml', gatewayYaml('gw', [{ name: 'tcp', port, protocol: 'TCP' }, { name: 'bare', port: other, protocol: 'TCP' }]))
    await gateway.reload('test')
    const s = await open(other)
    expect((await exchange(s, new TextEncoder().encode('x'))).length).toBe(0)
    await closedByGateway(s)
  })

  test('a removed listener stops accepting and drains its connections', async () => {
    const s = await open()
    expect(await roundTrip(s, 'live\n')).toBe('live\n')
    await dir.write('gateway.yaml', gatewayYaml('gw', [{ name: 'http', port: freePort() }]))
    await gateway.reload('test')
    await closedByGateway(s) // forced closed at the 500 ms drain deadline
    await waitFor(async () => {
      try {
        ;(await open()).destroy()
        return false
      } catch {
        return true
      }
    }, 2_000, 'the port to refuse connections')
  })
})
