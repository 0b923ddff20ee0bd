import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { connect } from 'node:net'
import pino from 'pino'
import { Gateway } from '../gateway.ts'
import { freePort, gatewayYaml, serviceYaml, tempConfig, waitFor, type ConfigDir } from '../testing/harness.ts'
import { startTcpEcho, type TcpEcho } from '../testing/tcp-echo.ts'

// The access log and metrics of a TCP listener: one line and one count per connection, when it ends.
let echo: TcpEcho
let dir: ConfigDir
let gateway: Gateway
let port: number
let bare: number
const lines: Record<string, unknown>[] = []

beforeAll(async () => {
  echo = await startTcpEcho()
  port = freePort()
  bare = freePort()
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [
      { name: 'tcp', port, protocol: 'TCP' },
      { name: 'bare', port: bare, protocol: 'TCP' },
    ]),
    'services.yaml': serviceYaml('echo', [echo.port]),
    'route.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: TCPRoute
metadata: {name: echo}
spec:
  parentRefs: [{name: gw, sectionName: tcp}]
  rules:
  - backendRefs: [{name: echo, port: 80}]
`,
  })
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) })
  gateway = new Gateway({ configDir: dir.path, bindAddress: '127.0.0.1', logger, accessLog: true, drainTimeoutMs: 500 })
  expect((await gateway.reload('test')).applied).toBe(true)
})

afterAll(async () => {
  await gateway.stop()
  await echo.stop()
  await dir.cleanup()
})

/** send writes `bytes` bytes, half-closes, and resolves once the gateway has closed its side too. */
function send(p: number, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port: p, allowHalfOpen: true }, () => s.end(Buffer.alloc(bytes, 7)))
    s.on('data', () => {})
    s.on('error', () => {})
    s.once('end', () => {
      s.destroy()
      resolve()
    })
    s.once('close', () => resolve())
  })
}

const accessLines = (): Record<string, unknown>[] => lines.filter((l) => l.log === 'access')

describe('TCP access log and metrics', () => {
  test('a relayed connection logs its listener, route, upstream, bytes each way and how it ended', async () => {
    await send(port, 1000)
    await waitFor(() => accessLines().some((l) => l.listener === 'default/gw/tcp'), 2_000, 'the access line')
    const line = accessLines().find((l) => l.listener === 'default/gw/tcp')
    expect(line).toMatchObject({
      protocol: 'TCP',
      route: 'tcproute/default/echo',
      upstream: `127.0.0.1:${echo.port}`,
      bytesUp: 1000,
      bytesDown: 1000,
      end: 'done',
    })
    expect(String(line?.client)).toStartWith('127.0.0.1:')
    expect(typeof line?.duration).toBe('number')
    const metrics = gateway.metrics.render()
    const labels = 'protocol="TCP",listener="default/gw/tcp",route="tcproute/default/echo",end="done"'
    expect(metrics).toContain(`weir_stream_connections_total{${labels}} 1\n`)
    expect(metrics).toContain(`weir_stream_bytes_total{${labels},direction="up"} 1000\n`)
    expect(metrics).toContain(`weir_stream_bytes_total{${labels},direction="down"} 1000\n`)
  })

  test('a connection no route serves logs why it was closed', async () => {
    await send(bare, 10)
    await waitFor(() => accessLines().some((l) => l.end === 'no-route'), 2_000, 'the access line')
    expect(accessLines().find((l) => l.end === 'no-route')).toMatchObject({ protocol: 'TCP', listener: '', route: '', upstream: '' })
  })
})
