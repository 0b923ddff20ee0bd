import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Gateway } from '../gateway.ts'
import { freePort, startTestGateway, tempConfig, type ConfigDir } from '../testing/harness.ts'
import { startUpstream, type Upstream } from '../testing/upstream.ts'

// The seed guide's filter and policy examples, served from config/ exactly as written except for
// ports: the Gateway's port 80 becomes a free port, and each EndpointSlice port a test upstream.
const seedRoot = join(import.meta.dir, '..', '..', 'config', 'seed')

interface ServedExample {
  readonly port: number
  readonly gateway: Gateway
  readonly dir: ConfigDir
  stop(): Promise<void>
}

/** serveExample copies config/seed/NAME with the listener port and endpoint ports replaced. */
async function serveExample(name: string, endpoints: Record<number, number>): Promise<ServedExample> {
  const port = freePort()
  const files: Record<string, string> = {}
  for (const file of readdirSync(join(seedRoot, name))) {
    let text = readFileSync(join(seedRoot, name, file), 'utf8').replace(/port: 80\n(\s+)protocol: HTTP/g, `port: ${port}\n$1protocol: HTTP`)
    for (const [from, to] of Object.entries(endpoints)) text = text.replaceAll(`port: ${from}\n`, `port: ${to}\n`)
    files[file] = text
  }
  const dir = await tempConfig(files)
  const gateway = await startTestGateway(dir.path)
  return {
    port,
    gateway,
    dir,
    async stop() {
      await gateway.stop()
      await dir.cleanup()
    },
  }
}

describe('request mirroring (percent: 10)', () => {
  let production: Upstream
  let testService: Upstream
  let served: ServedExample

  beforeAll(async () => {
    production = startUpstream('production-service')
    testService = startUpstream('test-service')
    served = await serveExample('request-mirror', { 18111: production.port, 18112: testService.port })
  })

  afterAll(async () => {
    await served.stop()
    await production.stop()
    await testService.stop()
  })

  test('every request is answered by production-service; about 10% are copied to test-service', async () => {
    const n = 300
    for (let i = 0; i < n; i++) {
      const res = await fetch(`http://127.0.0.1:${served.port}/api/items/${i}`, { headers: { host: 'api.example.com' } })
      expect(res.headers.get('x-upstream')).toBe('production-service')
      await res.arrayBuffer()
    }
    expect(production.seen.length).toBe(n)
    // Binomial(300, 0.1): mean 30, standard deviation 5.2; 10 and 55 are ±4 deviations away.
    await Bun.sleep(200)
    expect(testService.seen.length).toBeGreaterThanOrEqual(10)
    expect(testService.seen.length).toBeLessThanOrEqual(55)
    for (const copy of testService.seen) expect(copy.path).toMatch(/^\/api\/items\/\d+$/)
  })
})

describe('CORS through the guide’s CORSPolicy, and its retry budget', () => {
  let api: Upstream
  let served: ServedExample

  beforeAll(async () => {
    api = startUpstream('api-service')
    served = await serveExample('cors-and-retry-budget', { 18101: api.port })
  })

  afterAll(async () => {
    await served.stop()
    await api.stop()
  })

  const url = (path: string) => `http://127.0.0.1:${served.port}${path}`

  test('a preflight from an allowed origin is answered by the gateway with the policy', async () => {
    const res = await fetch(url('/api/users'), {
      method: 'OPTIONS',
      headers: {
        host: 'api.example.com',
        origin: 'https://app.example.com',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT')
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type')
    expect(res.headers.get('access-control-max-age')).toBe('86400')
    expect(api.seen.some((r) => r.method === 'OPTIONS')).toBe(false)
  })

  test('an actual request from an allowed origin reaches api-service and gets the CORS headers', async () => {
    const res = await fetch(url('/api/users'), { headers: { host: 'api.example.com', origin: 'https://example.com' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-upstream')).toBe('api-service')
    expect(res.headers.get('access-control-allow-origin')).toBe('https://example.com')
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
  })

  test('an origin outside the list gets no CORS headers', async () => {
    const res = await fetch(url('/api/users'), { headers: { host: 'api.example.com', origin: 'https://evil.test' } })
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })

  test('api-service failures are retried, as the policy’s attempts and backoff say', async () => {
    let calls = 0
    const server = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch() {
        calls++
        return calls === 1 ? new Response('busy', { status: 503 }) : new Response('recovered')
      },
    })
    try {
      const backends = readFileSync(join(served.dir.path, 'backends.yaml'), 'utf8').replace(`port: ${api.port}\n`, `port: ${server.port}\n`)
      await served.dir.write('backends.yaml', backends)
      expect((await served.gateway.reload('test')).applied).toBe(true)
      const res = await fetch(url('/api/flaky'), { headers: { host: 'api.example.com' } })
      expect(res.status).toBe(200)
      expect(await res.text()).toBe('recovered')
      expect(calls).toBe(2)
      const policy = served.gateway.statusDocument().items.find((i) => i.kind === 'XBackendTrafficPolicy')
      expect(JSON.stringify(policy?.status)).toContain('"Accepted"')
    } finally {
      server.stop(true)
    }
  })
})
