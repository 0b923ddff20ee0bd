import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Server } from 'bun'
import type { Gateway } from '../gateway.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, waitFor, type ConfigDir } from '../testing/harness.ts'

// Retries, retry budgets, session persistence, load-balancing policies, active health checks and
// backendRef filters, against real upstream servers that count what reaches them.

/** Backend is a test upstream: it names itself, counts hits, fails on demand. */
interface Backend {
  readonly name: string
  readonly port: number
  /** Hits per path (without query). */
  readonly hits: Map<string, number>
  /** Request bodies received, in order. */
  readonly bodies: string[]
  /** Headers of the last request. */
  lastHeaders: Record<string, string>
  /** What /healthz answers. */
  healthy: boolean
  healthChecks: number
  stop(): void
}

/**
 * startBackend answers `x-upstream: NAME` and:
 * - `/fail-once/ID`: 503 the first time an ID is seen, then 200
 * - `/always-503`: 503
 * - `/slow`: 200 after 400 ms
 * - `/healthz`: 200 or 500 as `healthy` says
 * - anything else: 200
 */
function startBackend(name: string): Backend {
  const seenIds = new Set<string>()
  const backend: Backend = {
    name,
    port: 0,
    hits: new Map(),
    bodies: [],
    lastHeaders: {},
    healthy: true,
    healthChecks: 0,
    stop: () => server.stop(true),
  }
  const server: Server<undefined> = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname
      const headers = { 'x-upstream': name }
      if (path === '/healthz') {
        backend.healthChecks++
        return new Response(backend.healthy ? 'ok' : 'sick', { status: backend.healthy ? 200 : 500 })
      }
      backend.hits.set(path, (backend.hits.get(path) ?? 0) + 1)
      backend.bodies.push(await req.text())
      backend.lastHeaders = Object.fromEntries(req.headers)
      if (path.includes('/fail-once/') && !seenIds.has(path)) {
        seenIds.add(path)
        return new Response('try again\n', { status: 503, headers })
      }
      if (path.endsWith('/always-503')) return new Response('down\n', { status: 503, headers })
      if (path.endsWith('/slow')) await Bun.sleep(400)
      return new Response(`${name}\n`, { headers })
    },
  })
  Object.assign(backend, { port: server.port })
  return backend
}

let a: Backend
let b: Backend
let c: Backend
let d: Backend
let e: Backend
let f: Backend
let dir: ConfigDir
let gateway: Gateway
let port: number
const url = (path: string) => `http://127.0.0.1:${port}${path}`

beforeAll(async () => {
  ;[a, b, c, d, e, f] = ['a', 'b', 'c', 'd', 'e', 'f'].map(startBackend) as [Backend, Backend, Backend, Backend, Backend, Backend]
  port = freePort()
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
    'services.yaml': [
      serviceYaml('flaky', [a.port]),
      serviceYaml('budgeted', [b.port]),
      serviceYaml('pair', [c.port, d.port]),
      serviceYaml('round', [c.port, d.port]),
      serviceYaml('hashed', [c.port, d.port]),
      serviceYaml('checked', [e.port, f.port]),
    ].join('---\n'),
    'policies.yaml': `apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XBackendTrafficPolicy
metadata: {name: budget}
spec:
  targetRefs: [{group: "", kind: Service, name: budgeted}]
  retryConstraint:
    budget: {percent: 20, interval: 10s}
    minRetryRate: {count: 1, interval: 10s}
---
apiVersion: weir.dev/v1alpha1
kind: BackendLoadBalancingPolicy
metadata: {name: round}
spec:
  targetRefs: [{group: "", kind: Service, name: round}]
  loadBalancer: {type: RoundRobin}
---
apiVersion: weir.dev/v1alpha1
kind: BackendLoadBalancingPolicy
metadata: {name: hashed}
spec:
  targetRefs: [{group: "", kind: Service, name: hashed}]
  loadBalancer: {type: ConsistentHash, consistentHash: {header: {name: x-user}}}
---
apiVersion: weir.dev/v1alpha1
kind: BackendLoadBalancingPolicy
metadata: {name: checked}
spec:
  targetRefs: [{group: "", kind: Service, name: checked}]
  loadBalancer: {type: RoundRobin}
  healthCheck:
    active: {path: /healthz, interval: 100ms, timeout: 500ms, unhealthyThreshold: 2, healthyThreshold: 1}
`,
    'routes.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: traffic}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /retry}}]
    retry: {codes: [503], attempts: 2, backoff: 10ms}
    backendRefs: [{name: flaky, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /timed}}]
    retry: {codes: [503], attempts: 5, backoff: 100ms}
    timeouts: {request: 250ms}
    backendRefs: [{name: flaky, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /budgeted}}]
    retry: {codes: [503], attempts: 3, backoff: 1ms}
    backendRefs: [{name: budgeted, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /cookie}}]
    sessionPersistence: {sessionName: weir-session, type: Cookie}
    backendRefs: [{name: pair, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /header}}]
    sessionPersistence: {sessionName: X-Session, type: Header}
    backendRefs: [{name: pair, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /round}}]
    backendRefs: [{name: round, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /hashed}}]
    backendRefs: [{name: hashed, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /checked}}]
    backendRefs: [{name: checked, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /split}}]
    backendRefs:
    - name: round
      port: 80
      filters:
      - type: RequestHeaderModifier
        requestHeaderModifier: {set: [{name: X-Backend-Filter, value: round}]}
`,
  })
  gateway = await startTestGateway(dir.path)
})

afterAll(async () => {
  await gateway.stop()
  for (const backend of [a, b, c, d, e, f]) backend.stop()
  await dir.cleanup()
})

describe('rules[].retry', () => {
  test('a listed status is retried and the client sees the success', async () => {
    const res = await fetch(url('/retry/fail-once/1'))
    expect(res.status).toBe(200)
    expect(a.hits.get('/retry/fail-once/1')).toBe(2)
  })

  test('after the last attempt the client gets the upstream answer', async () => {
    const res = await fetch(url('/retry/always-503'))
    expect(res.status).toBe(503)
    expect(await res.text()).toBe('down\n')
    expect(a.hits.get('/retry/always-503')).toBe(3)
  })

  test('a request body is sent again with the retry', async () => {
    const before = a.bodies.length
    const res = await fetch(url('/retry/fail-once/with-body'), { method: 'POST', body: 'the payload' })
    expect(res.status).toBe(200)
    expect(a.bodies.slice(before)).toEqual(['the payload', 'the payload'])
  })

  test('timeouts.request covers every attempt and the backoffs: 504', async () => {
    const res = await fetch(url('/timed/always-503'))
    expect(res.status).toBe(504)
    // Backoffs of 100, 200, 400 ms cannot all fit in 250 ms.
    expect(a.hits.get('/timed/always-503')).toBeLessThanOrEqual(3)
  })
})

describe('XBackendTrafficPolicy retryConstraint', () => {
  test('retries stop once the budget is spent, and Weir answers 503 itself', async () => {
    const answers: number[] = []
    for (let i = 0; i < 10; i++) answers.push((await fetch(url('/budgeted/always-503'))).status)
    expect(answers.every((s) => s === 503)).toBe(true)
    // 10 requests may earn 20% (2) retries, plus the minimum rate of 1: never 10 × 4 attempts.
    const hits = b.hits.get('/budgeted/always-503') ?? 0
    expect(hits).toBeGreaterThanOrEqual(11)
    expect(hits).toBeLessThanOrEqual(13)
  })
})

describe('sessionPersistence', () => {
  test('Cookie: the first answer sets the cookie and later requests with it stay on one endpoint', async () => {
    const first = await fetch(url('/cookie/start'))
    const setCookie = first.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/^weir-session=[^;]+; Path=\/; HttpOnly/)
    const chosen = first.headers.get('x-upstream')
    const cookie = setCookie.split(';')[0] as string
    for (let i = 0; i < 8; i++) {
      const res = await fetch(url('/cookie/again'), { headers: { cookie } })
      expect(res.headers.get('x-upstream')).toBe(chosen)
      expect(res.headers.get('set-cookie')).toBeNull()
    }
  })

  test('Header: the token comes back in the named header and routes the session', async () => {
    const first = await fetch(url('/header/start'))
    const token = first.headers.get('x-session')
    expect(token).toBeTruthy()
    const chosen = first.headers.get('x-upstream')
    for (let i = 0; i < 8; i++) {
      const res = await fetch(url('/header/again'), { headers: { 'x-session': token as string } })
      expect(res.headers.get('x-upstream')).toBe(chosen)
    }
  })

  test('an unknown token starts a new session instead of failing', async () => {
    const res = await fetch(url('/cookie/x'), { headers: { cookie: 'weir-session=nonsense' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('set-cookie')).toStartWith('weir-session=')
  })
})

describe('BackendLoadBalancingPolicy', () => {
  test('RoundRobin alternates between the endpoints', async () => {
    const seen: string[] = []
    for (let i = 0; i < 6; i++) seen.push((await fetch(url('/round/x'))).headers.get('x-upstream') as string)
    expect(new Set(seen).size).toBe(2)
    for (let i = 2; i < seen.length; i++) expect(seen[i]).toBe(seen[i - 2] as string)
    expect(seen[0]).not.toBe(seen[1] as string)
  })

  test('ConsistentHash on a header sends each user to one endpoint, and users to both', async () => {
    const byUser = new Map<string, Set<string>>()
    for (let u = 0; u < 16; u++) {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(url('/hashed/x'), { headers: { 'x-user': `user-${u}` } })
        const set = byUser.get(`user-${u}`) ?? new Set()
        set.add(res.headers.get('x-upstream') as string)
        byUser.set(`user-${u}`, set)
      }
    }
    for (const endpoints of byUser.values()) expect(endpoints.size).toBe(1)
    const used = new Set([...byUser.values()].flatMap((s) => [...s]))
    expect(used.size).toBe(2)
  })

  test('an active health check takes a failing endpoint out and puts it back when it recovers', async () => {
    await waitFor(() => e.healthChecks > 0 && f.healthChecks > 0, 5_000, 'health checks to start')
    f.healthy = false
    const checksThen = f.healthChecks
    await waitFor(() => f.healthChecks >= checksThen + 3, 5_000, 'two failed checks')
    for (let i = 0; i < 6; i++) expect((await fetch(url('/checked/x'))).headers.get('x-upstream')).toBe('e')
    f.healthy = true
    const recovered = f.healthChecks
    await waitFor(() => f.healthChecks >= recovered + 2, 5_000, 'a passing check')
    const seen = new Set<string>()
    for (let i = 0; i < 4; i++) seen.add((await fetch(url('/checked/x'))).headers.get('x-upstream') as string)
    expect(seen).toEqual(new Set(['e', 'f']))
  })
})

describe('backendRefs[].filters', () => {
  test('a filter on a backendRef applies to requests sent to that backend', async () => {
    const res = await fetch(url('/split/x'))
    const upstream = res.headers.get('x-upstream') === 'c' ? c : d
    expect(upstream.lastHeaders['x-backend-filter']).toBe('round')
  })
})
