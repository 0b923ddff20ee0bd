import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Subprocess } from 'bun'
import { freePort, gatewayYaml, serviceYaml, tempConfig, waitFor, type ConfigDir } from '../testing/harness.ts'
import { startUpstream, type Upstream } from '../testing/upstream.ts'

// `--workers N`: N processes share the listening sockets; the supervisor reloads them all,
// merges their metrics, restarts one that dies and drains them all on SIGTERM.
const main = join(import.meta.dir, '..', 'main.ts')

let upstream: Upstream
let dir: ConfigDir
let port: number
let adminPort: number
let proc: Subprocess<'ignore', 'pipe', 'pipe'>
let logLines: string[]

function routeYaml(header: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app}
spec:
  parentRefs: [{name: gw}]
  rules:
  - filters:
    - type: ResponseHeaderModifier
      responseHeaderModifier: {set: [{name: X-Config, value: ${header}}]}
    backendRefs: [{name: app, port: 80}]
`
}

/** workerPids lists the worker processes of the supervisor (its children running Weir). */
function workerPids(): number[] {
  const children = readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, 'utf8').trim()
  return children === '' ? [] : children.split(' ').map(Number)
}

/** freshRequest sends one request on a new connection, so the kernel picks a worker each time. */
async function freshRequest(path = '/x'): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${path}`, { headers: { connection: 'close' } })
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text()
  let total = 0
  for (const line of text.split('\n')) if (line.startsWith(name)) total += Number(line.slice(line.lastIndexOf(' ') + 1))
  return total
}

beforeAll(async () => {
  upstream = startUpstream('app')
  port = freePort()
  adminPort = freePort()
  dir = await tempConfig({
    'gw.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
    'svc.yaml': serviceYaml('app', [upstream.port]),
    'route.yaml': routeYaml('one'),
  })
  proc = Bun.spawn(['bun', main, '--config', dir.path, '--bind', '127.0.0.1', '--admin', `127.0.0.1:${adminPort}`, '--workers', '2', '--drain-timeout', '5'], {
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  logLines = []
  void (async () => {
    let buffered = ''
    for await (const chunk of proc.stdout.pipeThrough(new TextDecoderStream())) {
      buffered += chunk
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      logLines.push(...lines)
    }
  })()
  await waitFor(async () => (await fetch(`http://127.0.0.1:${adminPort}/ready`).catch(() => undefined))?.status === 200, 15_000, 'the workers to be ready')
})

afterAll(async () => {
  proc.kill('SIGKILL')
  await upstream.stop()
  await dir.cleanup()
})

describe('--workers 2', () => {
  test('two worker processes share the port, and connections reach both', async () => {
    expect(workerPids()).toHaveLength(2)
    const before = logLines.length
    for (let i = 0; i < 40; i++) expect((await freshRequest()).status).toBe(200)
    await waitFor(() => logLines.slice(before).filter((l) => l.includes('"log":"access"')).length >= 40, 5_000, 'access log lines')
    const workers = new Set(logLines.slice(before).filter((l) => l.includes('"log":"access"')).map((l) => (JSON.parse(l) as { worker: number }).worker))
    expect(workers).toEqual(new Set([0, 1]))
  })

  test('/metrics adds up the requests of every worker', async () => {
    const before = await metric('weir_requests_total{')
    for (let i = 0; i < 20; i++) await (await freshRequest()).arrayBuffer()
    expect((await metric('weir_requests_total{')) - before).toBe(20)
    expect(await metric('weir_workers ')).toBe(2)
  })

  test('a changed file is applied by every worker', async () => {
    await dir.write('route.yaml', routeYaml('two'))
    await waitFor(async () => (await metric('weir_config_generation ')) >= 2, 5_000, 'generation 2 everywhere')
    for (let i = 0; i < 20; i++) expect((await freshRequest()).headers.get('x-config')).toBe('two')
    const status = (await (await fetch(`http://127.0.0.1:${adminPort}/status`)).json()) as { generation: number }
    expect(status.generation).toBe(2)
  })

  test('a worker that dies is replaced, and the port keeps answering meanwhile', async () => {
    const [victim] = workerPids()
    process.kill(victim as number, 'SIGKILL')
    // Connections already queued on the dead worker's socket are lost, as with nginx's reuseport;
    // once it is gone, the other worker takes every new connection.
    await waitFor(() => !workerPids().includes(victim as number), 5_000, 'the worker to die')
    for (let i = 0; i < 10; i++) expect((await freshRequest()).status).toBe(200)
    await waitFor(() => workerPids().length === 2 && !workerPids().includes(victim as number), 10_000, 'a new worker')
    await waitFor(async () => (await fetch(`http://127.0.0.1:${adminPort}/ready`)).status === 200, 10_000, 'ready again')
    expect(logLines.some((l) => l.includes('worker exited; restarting it'))).toBe(true)
  })

  test('SIGTERM drains a request in flight in a worker, then every process exits 0', async () => {
    const slow = freshRequest('/slow?ms=800')
    await Bun.sleep(200)
    const pids = workerPids()
    proc.kill('SIGTERM')
    const res = await slow
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('slow\n')
    expect(await proc.exited).toBe(0)
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow()
  })
})

test('a config error stops the start, printed once, exit 1', async () => {
  const bad = await tempConfig({ 'gw.yaml': gatewayYaml('gw', [{ name: 'http', port: freePort() }]), 'bad.yaml': 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: bad}\nspec:\n  hostnames: ["Not_A_Host"]\n' })
  try {
    const p = Bun.spawn(['bun', main, '--config', bad.path, '--admin', 'off', '--workers', '2'], { stdout: 'ignore', stderr: 'pipe' })
    const stderr = await new Response(p.stderr).text()
    expect(await p.exited).toBe(1)
    expect(stderr.match(/bad\.yaml:5/g)).toHaveLength(1)
    expect(stderr).toContain('1 config error in ')
  } finally {
    await bad.cleanup()
  }
})
