import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mixPath, mixRoute } from './route-mix.ts'
import { routeMixScenario, type Scenario } from './scenarios.ts'
import { runWrk } from './wrk.ts'
import { writeWrkScript } from './wrk-lua.ts'

// The Lua is checked the only way that counts: wrk runs it for a second against a tiny server
// that records what arrived.
const dir = mkdtempSync(join(tmpdir(), 'weir-bench-lua-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Seen {
  readonly method: string
  readonly host: string | null
  readonly path: string
  readonly tenant: string | null
  readonly connection: string | null
  readonly bytes: number
}

async function record(script: string, headers: string[] = []): Promise<Seen[]> {
  const seen: Seen[] = []
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const body = await request.arrayBuffer()
      seen.push({
        method: request.method,
        host: request.headers.get('host'),
        path: new URL(request.url).pathname,
        tenant: request.headers.get('x-tenant'),
        connection: request.headers.get('connection'),
        bytes: body.byteLength,
      })
      return new Response('ok')
    },
  })
  try {
    const run = await runWrk({ url: `http://127.0.0.1:${server.port}/`, connections: 4, durationS: 1, cpus: null, script, headers })
    expect(run.result.errors.status).toBe(0)
    expect(run.command).toContain('-s')
  } finally {
    server.stop(true)
  }
  return seen
}

test('route mix: every request carries one route’s host, path and tenant, spread over all routes', async () => {
  const script = writeWrkScript(routeMixScenario(50, '13b', 4), dir)
  if (script === null) throw new Error('no script written')
  const seen = await record(script, ['Connection: close'])
  expect(seen.length).toBeGreaterThan(100)
  const wrong = seen.filter((request) => {
    const i = Number(/^svc-(\d+)\./.exec(request.host ?? '')?.[1])
    const route = mixRoute(i)
    // -H headers (Connection: close) must survive the per-route header tables too.
    return request.host !== route.host || request.path !== mixPath(i, '13b') || request.tenant !== route.tenant || request.connection !== 'close'
  })
  expect(wrong).toEqual([])
  expect(new Set(seen.map((request) => request.host)).size).toBe(50)
})

test('upload: POSTs with the whole body', async () => {
  const scenario: Scenario = { name: 'upload-test', body: '13b', connections: 2, routes: 1, uploadBytes: 256 * 1024 }
  const script = writeWrkScript(scenario, dir)
  if (script === null) throw new Error('no script written')
  const seen = await record(script)
  expect(seen.length).toBeGreaterThan(10)
  expect(seen.every((request) => request.method === 'POST' && request.bytes === 256 * 1024)).toBe(true)
})
