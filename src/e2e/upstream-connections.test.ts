import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Gateway } from '../gateway.ts'
import { startCountingUpstream, type CountingUpstream } from '../testing/counting-upstream.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, type ConfigDir } from '../testing/harness.ts'
import { startUpstream, type Upstream } from '../testing/upstream.ts'

// Upstream connection handling: keep-alive reuse, and passive health (an endpoint that refuses
// connections is skipped, and requests still succeed on the others).
let counting: CountingUpstream
let healthy: Upstream
let dir: ConfigDir
let gateway: Gateway
let port: number
const deadPort = freePort()

beforeAll(async () => {
  counting = startCountingUpstream()
  healthy = startUpstream('healthy')
  port = freePort()
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
    'services.yaml': `${serviceYaml('counted', [counting.port])}---\n${serviceYaml('mixed', [deadPort, healthy.port])}`,
    'routes.yaml': `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {value: /counted}}]
    backendRefs: [{name: counted, port: 80}]
  - matches: [{path: {value: /mixed}}]
    backendRefs: [{name: mixed, port: 80}]
`,
  })
  gateway = await startTestGateway(dir.path)
})

afterAll(async () => {
  await gateway.stop()
  counting.stop()
  await healthy.stop()
  await dir.cleanup()
})

describe('upstream connections', () => {
  test('sequential requests reuse one upstream connection', async () => {
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/counted`)
      expect(await res.text()).toBe('ok')
    }
    expect(counting.connections()).toBe(1)
  })

  test('concurrent requests open at most one connection each, and the connections are kept', async () => {
    const before = counting.connections()
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 10 }, () => fetch(`http://127.0.0.1:${port}/counted`).then((r) => r.text())))
    }
    const opened = counting.connections() - before
    expect(opened).toBeLessThanOrEqual(10)
    for (let i = 0; i < 20; i++) await (await fetch(`http://127.0.0.1:${port}/counted`)).text()
    expect(counting.connections() - before).toBe(opened)
  })

  test('an endpoint that refuses connections is skipped: every request still succeeds', async () => {
    const codes = await Promise.all(Array.from({ length: 40 }, () => fetch(`http://127.0.0.1:${port}/mixed`).then((r) => r.status)))
    expect(codes.every((c) => c === 200)).toBe(true)
    expect(healthy.seen.length).toBeGreaterThanOrEqual(40)
  })
})
