import { afterAll, beforeAll, expect, test } from 'bun:test'
import { join } from 'node:path'
import type { Server, Subprocess } from 'bun'
import { freePort, gatewayYaml, serviceYaml, tempConfig, waitFor, type ConfigDir } from '../testing/harness.ts'

// Soak: a real Weir process under steady load while its config file is rewritten 50 times, valid
// and invalid versions mixed. Users notice a reload as a failed request, a stalled event stream or
// a dropped WebSocket; this test holds one of each across every reload and counts the failures.
const main = join(import.meta.dir, '..', 'main.ts')

const REWRITES = 50
const LOAD_CLIENTS = 4
// Between two requests of one client: about 4 × 50 requests a second, a load the 2-core CI
// machine carries while reloading.
const LOAD_PAUSE_MS = 20
const SSE_INTERVAL_MS = 100
// An event stream may be late by a reload or a busy core, but not by a second: a gap that long
// means the stream stalled (the generous bound keeps a loaded machine from failing the test).
const MAX_SSE_GAP_MS = 1_000
const WS_INTERVAL_MS = 100
// Each configuration serves a while before the next rewrite, so the load, the stream and the
// socket run on every one of them (about 20 s in all).
const HOLD_MS = 300

let upstream: Server<undefined>
let dir: ConfigDir
let port: number
let adminPort: number
let proc: Subprocess<'ignore', 'ignore', 'pipe'>
let stderr = ''

function route(version: number, options: { header: boolean; second: boolean }): string {
  const filter = options.header
    ? `    filters:
    - type: ResponseHeaderModifier
      responseHeaderModifier: {set: [{name: X-Config, value: v${version}}]}
`
    : ''
  const second = options.second
    ? `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: second}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /second}}]
    filters:
    - type: URLRewrite
      urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /rewritten}}
    backendRefs: [{name: app, port: 80}]
`
    : ''
  return `# version ${version}
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: main}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs: [{name: app, port: 80}]
${filter}${second}`
}

// Two ways to be rejected: YAML that does not parse, and a document the schema refuses.
const BAD_YAML = 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: main\nspec: [\n'
const BAD_SCHEMA = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: main}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: Nope, value: /}}]
    backendRefs: [{name: app, port: 80}]
`

/** rewrite returns the route file for rewrite i: every fifth file of two kinds is invalid. */
function rewrite(i: number): { yaml: string; valid: boolean } {
  if (i % 5 === 1) return { yaml: `# rewrite ${i}\n${BAD_YAML}`, valid: false }
  if (i % 5 === 3) return { yaml: `# rewrite ${i}\n${BAD_SCHEMA}`, valid: false }
  const last = i === REWRITES - 1
  return { yaml: route(i, { header: last || i % 2 === 0, second: last || i % 3 === 0 }), valid: true }
}

/** metrics reads the admin /metrics once: the reload counters and the generation of one moment. */
async function metrics(): Promise<{ reloads: number; generation: number }> {
  const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text()
  const value = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `))
    return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return {
    reloads: value('weir_config_reloads_total{result="success"}') + value('weir_config_reloads_total{result="failure"}'),
    generation: value('weir_config_generation'),
  }
}

beforeAll(async () => {
  upstream = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 60,
    fetch(req, server) {
      const path = new URL(req.url).pathname
      if (path === '/ws') {
        if (server.upgrade(req)) return undefined
        return new Response('not a websocket request\n', { status: 426 })
      }
      if (path === '/sse') {
        let timer: ReturnType<typeof setInterval> | undefined
        let n = 0
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            timer = setInterval(() => controller.enqueue(new TextEncoder().encode(`data: ${n++}\n\n`)), SSE_INTERVAL_MS)
          },
          cancel() {
            clearInterval(timer)
          },
        })
        return new Response(stream, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } })
      }
      return new Response(`ok ${path}`)
    },
    websocket: {
      message(ws, message) {
        ws.send(typeof message === 'string' ? message : new Uint8Array(message))
      },
    },
  })
  port = freePort()
  adminPort = freePort()
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
    'services.yaml': serviceYaml('app', [upstream.port as number]),
    'route.yaml': route(0, { header: false, second: false }),
  })
  proc = Bun.spawn(
    ['bun', main, '--config', dir.path, '--bind', '127.0.0.1', '--admin', `127.0.0.1:${adminPort}`, '--access-log', 'off', '--log-level', 'error'],
    { stdin: 'ignore', stdout: 'ignore', stderr: 'pipe' }
  )
  // Read stderr as it comes, so a full pipe never blocks Weir, and to show it if Weir dies.
  void (async () => {
    for await (const chunk of proc.stderr.pipeThrough(new TextDecoderStream())) stderr += chunk
  })()
  await waitFor(async () => (await fetch(`http://127.0.0.1:${adminPort}/ready`).catch(() => undefined))?.status === 200, 15_000, 'Weir to be ready')
})

afterAll(async () => {
  proc?.kill('SIGKILL')
  upstream?.stop(true)
  await dir?.cleanup()
})

/** runLoad sends requests on one keep-alive client until stopped, recording every failure. */
async function runLoad(client: number, running: () => boolean, failures: string[]): Promise<number> {
  let sent = 0
  while (running()) {
    const path = `/load/${client}/${sent++}`
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`)
      const body = await res.text()
      if (res.status !== 200 || body !== `ok ${path}`) failures.push(`${path}: ${res.status} ${JSON.stringify(body.slice(0, 100))}`)
    } catch (err) {
      failures.push(`${path}: ${(err as Error).message}`)
    }
    await Bun.sleep(LOAD_PAUSE_MS)
  }
  return sent
}

/** SseWatch reads an event stream, noting each event's number and the longest wait between two. */
interface SseWatch {
  readonly events: number[]
  maxGapMs: number
  ended: string | undefined
  stop(): void
}

async function watchSse(): Promise<SseWatch> {
  const abort = new AbortController()
  const res = await fetch(`http://127.0.0.1:${port}/sse`, { signal: abort.signal })
  expect(res.status).toBe(200)
  const watch: SseWatch = { events: [], maxGapMs: 0, ended: undefined, stop: () => abort.abort() }
  let last = performance.now()
  void (async () => {
    const decoder = new TextDecoder()
    let text = ''
    try {
      for await (const chunk of res.body as ReadableStream<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true })
        let end: number
        while ((end = text.indexOf('\n\n')) !== -1) {
          watch.events.push(Number(text.slice('data: '.length, end)))
          text = text.slice(end + 2)
          const now = performance.now()
          watch.maxGapMs = Math.max(watch.maxGapMs, now - last)
          last = now
        }
      }
      watch.ended = 'the stream ended'
    } catch (err) {
      if (!abort.signal.aborted) watch.ended = `the stream failed: ${(err as Error).message}`
    }
  })()
  return watch
}

/** WsWatch is a WebSocket through Weir that sends a numbered message every WS_INTERVAL_MS. */
interface WsWatch {
  readonly sent: string[]
  readonly echoed: string[]
  closed: string | undefined
  stopSending(): void
  close(): void
}

async function watchWebSocket(): Promise<WsWatch> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`)
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve()
    ws.onerror = () => reject(new Error('the WebSocket did not open'))
  })
  const watch: WsWatch = {
    sent: [],
    echoed: [],
    closed: undefined,
    stopSending: () => clearInterval(timer),
    close: () => ws.close(),
  }
  ws.onmessage = (e) => watch.echoed.push(String(e.data))
  ws.onclose = (e) => (watch.closed ??= `closed with ${e.code} ${e.reason}`)
  const timer = setInterval(() => {
    const message = `message ${watch.sent.length}`
    watch.sent.push(message)
    ws.send(message)
  }, WS_INTERVAL_MS)
  return watch
}

test(
  `${REWRITES} config rewrites under load: no failed request, no SSE stall, no lost WebSocket message`,
  async () => {
    const sse = await watchSse()
    const ws = await watchWebSocket()
    let running = true
    const failures: string[] = []
    const load = Array.from({ length: LOAD_CLIENTS }, (_, c) => runLoad(c, () => running, failures))

    const generations: number[] = []
    for (let i = 0; i < REWRITES; i++) {
      const { yaml, valid } = rewrite(i)
      const before = await metrics()
      await dir.write('route.yaml', yaml)
      // The file watcher, not a signal, picks the change up: the path a user's editor takes.
      let after = before
      await waitFor(async () => (after = await metrics()).reloads > before.reloads, 10_000, `the reload of rewrite ${i}`)
      const generation = before.generation
      const now = after.generation
      // A valid file becomes the next generation; an invalid one leaves the last good one serving.
      if (now !== (valid ? generation + 1 : generation)) failures.push(`rewrite ${i} (${valid ? 'valid' : 'invalid'}): generation ${generation} → ${now}`)
      generations.push(now)
      await Bun.sleep(HOLD_MS)
    }

    running = false
    const requests = (await Promise.all(load)).reduce((a, b) => a + b, 0)
    ws.stopSending()
    // No throw on a timeout here: the assertions below say which echoes are missing.
    await waitFor(() => ws.echoed.length >= ws.sent.length || ws.closed !== undefined, 5_000, 'the last WebSocket echoes').catch(() => {})

    expect(proc.exitCode === null ? 'running' : `exited ${proc.exitCode}: ${stderr}`).toBe('running')
    expect(failures).toEqual([])
    // Enough traffic to mean something: requests ran during every reload.
    expect(requests).toBeGreaterThan(REWRITES * LOAD_CLIENTS)

    expect(sse.ended).toBeUndefined()
    expect(sse.events.length).toBeGreaterThan(10)
    expect(sse.events).toEqual(sse.events.map((_, k) => sse.events[0]! + k))
    expect(sse.maxGapMs).toBeLessThan(MAX_SSE_GAP_MS)
    sse.stop()

    expect(ws.closed).toBeUndefined()
    expect(ws.sent.length).toBeGreaterThan(10)
    expect(ws.echoed).toEqual(ws.sent)
    ws.close()

    // The last rewrite was valid, with the header filter and the second route: both are served.
    const res = await fetch(`http://127.0.0.1:${port}/anything`)
    expect(res.headers.get('x-config')).toBe(`v${REWRITES - 1}`)
    expect(await res.text()).toBe('ok /anything')
    const second = await fetch(`http://127.0.0.1:${port}/second/page`)
    expect(second.status).toBe(200)
    expect(await second.text()).toBe('ok /rewritten/page')
    const status = (await (await fetch(`http://127.0.0.1:${adminPort}/status`)).json()) as { generation: number; errors?: string[] }
    expect(status.errors).toBeUndefined()
    expect(status.generation).toBe(generations[generations.length - 1]!)
  },
  120_000
)
