import { afterAll, beforeAll, expect, test } from 'bun:test'
import { join } from 'node:path'
import { freePort, gatewayYaml, serviceYaml, tempConfig, waitFor, type ConfigDir } from '../testing/harness.ts'
import { LatencyProbe, median } from '../testing/latency-probe.ts'
import { ProcessOutput } from '../testing/process-output.ts'
import { routeFile } from '../testing/route-file.ts'
import { startUpstream, type Upstream } from '../testing/upstream.ts'

// A reload of a big route file must not stall requests: loading and translating run off the
// serving thread, and compiling gives way to requests between slices. Before that, a reload of
// these 3,000 routes held every request for about a second on a 2-core machine.
const ROUTES = 3_000
const MAX_STALL_MS = 200
const main = join(import.meta.dir, '..', 'main.ts')
const APPLIED = '"configuration applied"'

let upstream: Upstream
let dir: ConfigDir
let proc: ReturnType<typeof Bun.spawn>
let output: ProcessOutput
let port: number

beforeAll(async () => {
  upstream = startUpstream('probe')
  port = freePort()
  const admin = freePort()
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
    'svc.yaml': serviceYaml('svc', [upstream.port]),
    'probe.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: probe}
spec:
  parentRefs: [{name: gw}]
  rules: [{matches: [{path: {value: /probe}}], backendRefs: [{name: svc, port: 80}]}]
`,
  })
  proc = Bun.spawn(['bun', main, '--config', dir.path, '--admin', `127.0.0.1:${admin}`, '--bind', '127.0.0.1', '--access-log', 'off'], {
    stdout: 'pipe',
    stderr: 'pipe',
  })
  output = new ProcessOutput(proc.stdout as ReadableStream<Uint8Array>, proc.stderr as ReadableStream<Uint8Array>)
  await waitFor(async () => (await fetch(`http://127.0.0.1:${admin}/ready`).catch(() => undefined))?.status === 200, 10_000, 'gateway ready')
})

afterAll(async () => {
  proc.kill('SIGKILL')
  await upstream.stop()
  await dir.cleanup()
})

test(`a reload of ${ROUTES} routes delays no request by more than ${MAX_STALL_MS} ms`, async () => {
  const file = routeFile(ROUTES)
  const probe = new LatencyProbe(`http://127.0.0.1:${port}/probe`)
  await Bun.sleep(500)
  const baseline = median(probe.take())
  const applied = output.count(APPLIED)
  await dir.write('routes.yaml', file)
  await output.until(APPLIED, applied + 1, 12_000)
  await Bun.sleep(100)
  const during = probe.take()
  await probe.stop()
  expect(output.text).toContain(`"generation":2`)
  expect((await fetch(`http://127.0.0.1:${port}/r/${ROUTES - 1}`, { headers: { host: `h${(ROUTES - 1) % 50}.example.com`, 'x-tenant': `t${(ROUTES - 1) % 7}` } })).status).toBe(200)
  expect(during.length).toBeGreaterThan(10)
  expect(Math.max(...during) - baseline).toBeLessThan(MAX_STALL_MS)
}, 20_000)
