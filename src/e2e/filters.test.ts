import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Gateway } from '../gateway.ts'
import { freePort, gatewayYaml, serviceYaml, startTestGateway, tempConfig, waitFor, type ConfigDir } from '../testing/harness.ts'
import { rawExchange } from '../testing/raw-client.ts'
import { startStalledServer, type StalledServer } from '../testing/stalled-server.ts'
import { startUpstream, type EchoBody, type Upstream } from '../testing/upstream.ts'

// Every HTTPRoute filter over real sockets: header modifiers, redirects, rewrites, CORS (both
// forms), mirrors, and rules whose filters cannot be applied.
let app: Upstream
let mirror: Upstream
let slowMirror: Upstream
let stalled: StalledServer
let dir: ConfigDir
let gateway: Gateway
let port: number
const deadPort = freePort()

function rule(prefix: string, filters: string, backend = 'app'): string {
  return `  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]
    filters:
${filters}
    backendRefs: [{name: ${backend}, port: 80}]
`
}

beforeAll(async () => {
  app = startUpstream('app')
  mirror = startUpstream('mirror')
  slowMirror = startUpstream('slow-mirror', 0, { delayMs: 3000 })
  stalled = startStalledServer()
  port = freePort()
  dir = await tempConfig({
    'gateway.yaml': gatewayYaml('gw', [{ name: 'http', port }]),
    'services.yaml': [
      serviceYaml('app', [app.port]),
      serviceYaml('mirror', [mirror.port]),
      serviceYaml('slow-mirror', [slowMirror.port]),
      serviceYaml('dead-mirror', [deadPort]),
      serviceYaml('stalled-mirror', [stalled.port]),
    ].join('---\n'),
    'cors-policy.yaml': `apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: CORSPolicy
metadata: {name: cors-policy}
spec:
  allowOrigins: ["https://example.com", "https://*.example.com"]
  allowMethods: [GET, POST, PUT]
  allowHeaders: [Content-Type, Authorization]
  allowCredentials: true
  maxAge: "24h"
`,
    'routes.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: filters}
spec:
  parentRefs: [{name: gw}]
  rules:
${rule(
  '/headers',
  `    - type: RequestHeaderModifier
      requestHeaderModifier:
        set: [{name: X-Set, value: set-value}]
        add: [{name: X-Add, value: added}, {name: X-Append, value: two}]
        remove: [X-Remove]
    - type: ResponseHeaderModifier
      responseHeaderModifier:
        set: [{name: X-Upstream, value: hidden}]
        add: [{name: X-Response-Add, value: yes}]
        remove: [Date]`
)}${rule(
  '/redirect-https',
  `    - type: RequestRedirect
      requestRedirect: {scheme: https, statusCode: 301}`
)}${rule(
  '/redirect-host',
  `    - type: RequestRedirect
      requestRedirect: {hostname: other.example.com, port: 8443}`
)}${rule(
  '/redirect-prefix',
  `    - type: RequestRedirect
      requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /new-prefix}, statusCode: 308}`
)}${rule(
  '/redirect-full',
  `    - type: RequestRedirect
      requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /elsewhere}, statusCode: 303}`
)}${rule(
  '/rewrite-prefix/one',
  `    - type: URLRewrite
      urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /one}}`
)}${rule(
  '/strip-prefix',
  `    - type: URLRewrite
      urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}`
)}${rule(
  '/rewrite-full',
  `    - type: URLRewrite
      urlRewrite: {hostname: rewritten.example.com, path: {type: ReplaceFullPath, replaceFullPath: /one}}`
)}${rule(
  '/cors',
  `    - type: CORS
      cors:
        allowOrigins: ["https://www.foo.com", "https://*.bar.com"]
        allowMethods: [GET, OPTIONS]
        allowHeaders: [x-header-1, x-header-2]
        exposeHeaders: [x-header-3, x-header-4]
        allowCredentials: true
        maxAge: 3600`
)}${rule(
  '/cors-wildcard',
  `    - type: CORS
      cors:
        allowOrigins: ["*"]
        allowMethods: ["*"]`
)}${rule(
  '/cors-policy',
  `    - type: ExtensionRef
      extensionRef: {group: gateway.networking.x-k8s.io, kind: CORSPolicy, name: cors-policy}`
)}${rule(
  '/mirror',
  `    - type: RequestMirror
      requestMirror: {backendRef: {name: mirror, port: 80}}`
)}${rule(
  '/mirror-slow',
  `    - type: RequestMirror
      requestMirror: {backendRef: {name: slow-mirror, port: 80}}
    - type: RequestMirror
      requestMirror: {backendRef: {name: dead-mirror, port: 80}}
    - type: RequestMirror
      requestMirror: {backendRef: {name: stalled-mirror, port: 80}}`
)}${rule(
  '/mirror-half',
  `    - type: RequestMirror
      requestMirror: {backendRef: {name: mirror, port: 80}, percent: 50}`
)}${rule(
  '/unknown-extension',
  `    - type: ExtensionRef
      extensionRef: {group: example.com, kind: Frobnicator, name: x}`
)}`,
  })
  gateway = await startTestGateway(dir.path)
})

afterAll(async () => {
  await gateway.stop()
  for (const u of [app, mirror, slowMirror]) await u.stop()
  stalled.stop()
  await dir.cleanup()
})

const url = (path: string) => `http://127.0.0.1:${port}${path}`

describe('header modifiers', () => {
  test('RequestHeaderModifier sets, appends with a comma, adds and removes request headers', async () => {
    const res = await fetch(url('/headers'), { headers: { 'x-set': 'old', 'x-append': 'one', 'x-remove': 'gone', 'x-keep': 'kept' } })
    const seen = ((await res.json()) as EchoBody).headers
    expect(seen['x-set']).toBe('set-value')
    expect(seen['x-append']).toBe('one,two')
    expect(seen['x-add']).toBe('added')
    expect(seen['x-remove']).toBeUndefined()
    expect(seen['x-keep']).toBe('kept')
  })

  test('ResponseHeaderModifier edits the response headers', async () => {
    const res = await fetch(url('/headers'))
    expect(res.headers.get('x-upstream')).toBe('hidden')
    expect(res.headers.get('x-response-add')).toBe('yes')
    expect(res.headers.get('date')).toBeNull()
  })
})

describe('RequestRedirect', () => {
  test.each([
    ['/redirect-https/a?x=1', 301, 'https://example.com/redirect-https/a?x=1'],
    ['/redirect-host/b', 302, `http://other.example.com:8443/redirect-host/b`],
    ['/redirect-prefix/c/d', 308, `http://example.com:PORT/new-prefix/c/d`],
    ['/redirect-prefix', 308, `http://example.com:PORT/new-prefix`],
    ['/redirect-full/e', 303, `http://example.com:PORT/elsewhere`],
  ])('%s answers %d with Location %s', async (path, status, location) => {
    const r = await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: example.com:${port}\r\nConnection: close\r\n\r\n`, 2000)
    expect(r.text.startsWith(`HTTP/1.1 ${status} `)).toBe(true)
    expect(r.text).toContain(`\r\nlocation: ${location.replace('PORT', String(port))}\r\n`)
  })

  test('a redirect does not reach the backend', async () => {
    const before = app.seen.length
    await rawExchange(port, `GET /redirect-https/x HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n`, 2000)
    expect(app.seen.length).toBe(before)
  })
})

describe('URLRewrite', () => {
  test.each([
    ['/rewrite-prefix/one/two', '/one/two'],
    ['/rewrite-prefix/one', '/one'],
    ['/strip-prefix/lemon', '/lemon'],
    ['/strip-prefix', '/'],
    ['/rewrite-full/one/two', '/one'],
  ])('%s reaches the backend as %s', async (path, upstreamPath) => {
    const seen = (await (await fetch(url(path))).json()) as EchoBody
    expect(seen.path).toBe(upstreamPath)
  })

  test('a hostname rewrite changes the Host the backend sees', async () => {
    const seen = (await (await fetch(url('/rewrite-full/x'))).json()) as EchoBody
    expect(seen.headers.host).toBe('rewritten.example.com')
  })
})

describe('CORS', () => {
  const preflight = (path: string, origin: string, method = 'GET', headers?: string) =>
    fetch(url(path), {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, ...(headers ? { 'access-control-request-headers': headers } : {}) },
    })

  test('a preflight from an allowed origin gets every CORS header, answered by the gateway', async () => {
    const before = app.seen.length
    const res = await preflight('/cors', 'https://www.foo.com', 'GET', 'x-header-1, x-header-2')
    expect([200, 204]).toContain(res.status)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://www.foo.com')
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, OPTIONS')
    expect(res.headers.get('access-control-allow-headers')).toBe('x-header-1, x-header-2')
    expect(res.headers.get('access-control-expose-headers')).toBe('x-header-3, x-header-4')
    expect(res.headers.get('access-control-max-age')).toBe('3600')
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
    expect(app.seen.length).toBe(before)
  })

  test('a wildcard origin matches any number of labels to its left', async () => {
    const res = await preflight('/cors', 'https://xpto.www.bar.com')
    expect(res.headers.get('access-control-allow-origin')).toBe('https://xpto.www.bar.com')
  })

  test('a preflight from another origin gets no CORS headers', async () => {
    const res = await preflight('/cors', 'https://foobar.com')
    expect([200, 204, 403]).toContain(res.status)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })

  test('an actual request from an allowed origin gets Allow-Origin and Allow-Credentials on the response', async () => {
    const res = await fetch(url('/cors'), { headers: { origin: 'https://www.bar.com' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://www.bar.com')
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
    const other = await fetch(url('/cors'), { headers: { origin: 'https://foobar.com' } })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
  })

  test('wildcard methods echo the requested method, and no credentials header is sent', async () => {
    const res = await preflight('/cors-wildcard', 'https://anything.org', 'PUT')
    expect(res.headers.get('access-control-allow-methods')).toBe('PUT')
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
    expect(res.headers.get('access-control-max-age')).toBe('5')
  })

  test('the guide’s CORSPolicy (ExtensionRef) behaves like the CORS filter', async () => {
    const res = await preflight('/cors-policy', 'https://api.example.com', 'PUT', 'Content-Type')
    expect(res.headers.get('access-control-allow-origin')).toBe('https://api.example.com')
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, PUT')
    expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type, Authorization')
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
    expect(res.headers.get('access-control-max-age')).toBe('86400')
  })
})

describe('RequestMirror', () => {
  test('the mirror gets a copy of the request with its body; the client gets the real answer', async () => {
    const res = await fetch(url('/mirror/copy'), { method: 'POST', body: 'mirrored body' })
    expect(res.headers.get('x-upstream')).toBe('app')
    await waitFor(() => mirror.seen.some((s) => s.path === '/mirror/copy'), 3000, 'mirrored request')
    const copy = mirror.seen.find((s) => s.path === '/mirror/copy')
    expect(copy?.method).toBe('POST')
    expect(copy?.body).toBe('mirrored body')
  })

  test('slow, dead and stalled mirrors change neither the status nor the time of the response', async () => {
    const started = performance.now()
    const res = await fetch(url('/mirror-slow/fast'))
    expect(res.status).toBe(200)
    expect(res.headers.get('x-upstream')).toBe('app')
    // The slow mirror takes 3 s to answer; the client must not wait for it.
    expect(performance.now() - started).toBeLessThan(1000)
  })

  test('a 4 MiB upload completes although a mirror never reads it', async () => {
    const payload = 'z'.repeat(4 * 1024 * 1024)
    const started = performance.now()
    const seen = (await (await fetch(url('/mirror-slow/upload'), { method: 'POST', body: payload })).json()) as EchoBody
    expect(seen.body.length).toBe(payload.length)
    expect(performance.now() - started).toBeLessThan(3000)
    expect(stalled.connections()).toBeGreaterThan(0)
  })

  test('percent mirrors about that share of requests', async () => {
    const before = mirror.seen.filter((s) => s.path.startsWith('/mirror-half')).length
    await Promise.all(Array.from({ length: 200 }, (_, i) => fetch(url(`/mirror-half/${i}`)).then((r) => r.text())))
    await Bun.sleep(300)
    const mirrored = mirror.seen.filter((s) => s.path.startsWith('/mirror-half')).length - before
    expect(mirrored).toBeGreaterThan(60)
    expect(mirrored).toBeLessThan(140)
  })
})

describe('filters that cannot be applied', () => {
  test('an ExtensionRef to an unknown kind answers 500, and the route says why', async () => {
    expect((await fetch(url('/unknown-extension'))).status).toBe(500)
    const route = gateway.statusDocument().items.find((i) => i.kind === 'HTTPRoute')
    const conditions = (route?.status as { parents: { conditions: { type: string; status: string; reason: string; message: string }[] }[] }).parents[0]?.conditions
    const resolved = conditions?.find((c) => c.type === 'ResolvedRefs')
    expect(resolved).toMatchObject({ status: 'False', reason: 'InvalidKind' })
    expect(resolved?.message).toContain('example.com/Frobnicator')
  })

  test('the other rules of the route keep working', async () => {
    expect((await fetch(url('/headers'))).status).toBe(200)
  })
})
