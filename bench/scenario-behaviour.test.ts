import { afterAll, describe, expect, test } from 'bun:test'
import type { Server } from 'bun'
import { freePort } from './lib/ports.ts'
import { fixtureDir, proxyPorts, removeFixtureDirs, type RunningProxy, startNginx, startWeir } from './proxy-fixtures.ts'
import { mixRoute } from './route-mix.ts'
import { bodyScenario, routeMixScenario, type Scenario, SCENARIO_SETS } from './scenarios.ts'
import { runSseLoad } from './sse-client.ts'
import { startStreamUpstream } from './stream-upstream.ts'
import { generateCertificate } from './tls-cert.ts'

// Each scenario kind through both proxies: they must do the same work, or the numbers compare
// different things.

const seen: { host: string | null; path: string; tenant: string | null; proto: string | null }[] = []
const upstream: Server<undefined> = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch(request) {
    const url = new URL(request.url)
    seen.push({
      host: request.headers.get('host'),
      path: url.pathname,
      tenant: request.headers.get('x-tenant'),
      proto: request.headers.get('x-forwarded-proto'),
    })
    return new Response('hello, weir!\n')
  },
})
const streamPort = await freePort()
const stream = startStreamUpstream(streamPort)
afterAll(() => {
  upstream.stop(true)
  stream.stop(true)
  removeFixtureDirs()
})

/** Runs `check` against nginx and then Weir, both configured from `scenario`. */
async function onBoth(
  scenario: Scenario,
  ready: { path: string; bytes: number; probe?: { headers?: Record<string, string>; insecureTls?: boolean } },
  check: (proxy: RunningProxy) => Promise<void>,
  tls = false,
): Promise<void> {
  const files = tls ? generateCertificate(fixtureDir()) : null
  for (const start of [
    async () => startNginx(scenario, await proxyPorts(upstream.port ?? 0, streamPort), ready, files),
    async () => startWeir(scenario, await proxyPorts(upstream.port ?? 0, streamPort), files),
  ]) {
    const proxy = await start()
    try {
      await check(proxy)
    } finally {
      await proxy.stop()
    }
  }
}

describe('route mix', () => {
  test('both route by host + path prefix + header and answer 404 otherwise', async () => {
    const route = mixRoute(3)
    const probe = { headers: { host: mixRoute(0).host, 'x-tenant': mixRoute(0).tenant } }
    await onBoth(routeMixScenario(10, '13b', 64), { path: '/svc-0/13b', bytes: 13, probe }, async (proxy) => {
      const get = (host: string, path: string, tenant: string): Promise<Response> =>
        fetch(`http://127.0.0.1:${proxy.port}${path}`, { headers: { host, 'x-tenant': tenant } })
      seen.length = 0
      const ok = await get(route.host, '/svc-3/13b', route.tenant)
      expect(ok.status, proxy.name).toBe(200)
      expect(await ok.text()).toBe('hello, weir!\n')
      expect(seen, proxy.name).toEqual([{ host: route.host, path: '/svc-3/13b', tenant: 't3', proto: 'http' }])
      expect((await get(route.host, '/svc-3/13b', 't4')).status, `${proxy.name} wrong tenant`).toBe(404)
      expect((await get(route.host, '/svc-4/13b', 't3')).status, `${proxy.name} wrong path`).toBe(404)
      expect((await get('svc-99.bench.test', '/svc-99/13b', 't99')).status, `${proxy.name} unknown host`).toBe(404)
    })
  })
})

describe('HTTPS termination', () => {
  test('both terminate TLS with the run certificate and tell the upstream', async () => {
    const scenario = SCENARIO_SETS.tls?.find((each) => each.closeEach) as Scenario
    const insecure = { tls: { rejectUnauthorized: false } }
    await onBoth(scenario, { path: '/1k', bytes: 13, probe: { insecureTls: true } }, async (proxy) => {
      seen.length = 0
      const response = await fetch(`https://127.0.0.1:${proxy.port}/1k`, { ...insecure, headers: { connection: 'close' } })
      expect(response.status, proxy.name).toBe(200)
      await response.text()
      expect(seen[0]?.proto, proxy.name).toBe('https')
      expect(response.headers.get('connection'), proxy.name).toBe('close')
    }, true)
  })
})

describe('server-sent events', () => {
  test('both pass events as they come (no buffering until the stream ends)', async () => {
    const scenario = SCENARIO_SETS.sse?.[0] as Scenario
    await onBoth(scenario, { path: '/13b', bytes: 13 }, async (proxy) => {
      const result = await runSseLoad({ url: `http://127.0.0.1:${proxy.port}/sse`, streams: 4, events: 6, intervalMs: 60 })
      expect(result.eventsReceived, proxy.name).toBe(24)
      expect(result.errors, proxy.name).toBe(0)
      // A buffering proxy would hold events until the stream's 300 ms are over.
      expect(result.eventDelayMs.max, proxy.name).toBeLessThan(50)
      expect(result.firstEventMs.max, proxy.name).toBeLessThan(100)
    })
  })
})

describe('uploads', () => {
  test('both stream the whole body to the upstream, which reads every byte', async () => {
    const scenario = SCENARIO_SETS.upload?.[0] as Scenario
    const bytes = scenario.uploadBytes ?? 0
    expect(bytes).toBeGreaterThan(1024 * 1024)
    const body = new Uint8Array(bytes).fill(120)
    await onBoth(scenario, { path: '/13b', bytes: 13 }, async (proxy) => {
      const response = await fetch(`http://127.0.0.1:${proxy.port}/upload`, { method: 'POST', body })
      expect(response.status, proxy.name).toBe(200)
      expect(await response.text(), proxy.name).toBe(`${bytes}\n`)
    })
  })
})

describe('plain bodies at 1024 connections', () => {
  test('the c1024 scenario config starts and serves', async () => {
    await onBoth(bodyScenario('13b', 1024), { path: '/13b', bytes: 13 }, async (proxy) => {
      expect((await fetch(`http://127.0.0.1:${proxy.port}/13b`)).status, proxy.name).toBe(200)
    })
  })
})
