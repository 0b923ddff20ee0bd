import { describe, expect, test } from 'bun:test'
import type { RawFilter } from '../translate/route-filters.ts'
import { buildFilter, exchangeThrough, parseError, resource, testExchange, type ClientResponse, type RequestSpec } from '../testing/exchange.ts'

// HTTPCORSFilter (Gateway API v1.6) and the guide's CORSPolicy ExtensionRef, which Weir treats as
// an alias with the same fields. A preflight (OPTIONS with Origin and Access-Control-Request-Method)
// is answered by the gateway; an actual request is forwarded and its response gets the CORS
// headers. Cases follow the spec text and the conformance test HTTPRouteCORS.

type Cors = {
  allowOrigins?: string[]
  allowMethods?: string[]
  allowHeaders?: string[]
  exposeHeaders?: string[]
  allowCredentials?: boolean
  maxAge?: number
}

/** The two spellings of one CORS configuration; the policy's maxAge is written as a duration. */
const FORMS: [string, (c: Cors) => { raw: RawFilter; resources: ReturnType<typeof resource>[] }][] = [
  ['CORS filter', (c) => ({ raw: { type: 'CORS', cors: c }, resources: [] })],
  [
    'CORSPolicy ExtensionRef',
    (c) => ({
      raw: { type: 'ExtensionRef', extensionRef: { group: 'gateway.networking.x-k8s.io', kind: 'CORSPolicy', name: 'policy' } },
      resources: [resource('CORSPolicy', 'policy', { spec: { ...c, ...(c.maxAge !== undefined ? { maxAge: `${c.maxAge}s` } : {}) } })],
    }),
  ],
]

// Conformance route cors-1.
const CORS_1: Cors = {
  allowOrigins: ['https://www.foo.com', 'https://*.bar.com'],
  allowMethods: ['GET', 'OPTIONS'],
  allowHeaders: ['x-header-1', 'x-header-2'],
  exposeHeaders: ['x-header-3', 'x-header-4'],
  allowCredentials: true,
  maxAge: 3600,
}

const preflight = (origin: string | undefined, method = 'GET', requestHeaders?: string): RequestSpec => ({
  method: 'OPTIONS',
  target: '/cors-1',
  headers: {
    ...(origin !== undefined ? { origin } : {}),
    'access-control-request-method': method,
    ...(requestHeaders ? { 'access-control-request-headers': requestHeaders } : {}),
  },
})

const actual = (origin: string | undefined, method = 'GET', headers: Record<string, string> = {}): RequestSpec => ({
  method,
  target: '/cors-1',
  headers: { ...(origin !== undefined ? { origin } : {}), ...headers },
})

function corsHeaders(res: ClientResponse): string[] {
  return res.headers.filter((h, i) => i % 2 === 0 && h.startsWith('access-control-'))
}

const ALLOWED = ['https://www.foo.com', 'https://www.foo.com:443', 'https://www.bar.com', 'https://xpto.www.bar.com', 'https://a.b.c.bar.com:443']
const DENIED = [
  'https://foobar.com',
  'http://www.foo.com',
  'https://www.foo.com:8443',
  'https://foo.com',
  'https://bar.com',
  'https://evilbar.com',
  'https://www.foo.com.evil.example',
  'https://www.bar.com.evil.example',
  'https://www.bar.com:8443',
  'null',
]

describe.each(FORMS)('%s', (_form, spell) => {
  const run = (c: Cors, req: RequestSpec, upstream?: Parameters<typeof exchangeThrough>[2]) => {
    const { raw, resources } = spell(c)
    const { filter } = buildFilter(raw, { resources })
    const t = testExchange(req)
    return { t, res: exchangeThrough([filter], t, upstream) }
  }

  describe('preflight', () => {
    test.each(ALLOWED)('from the allowed origin %s: answered by the gateway with every CORS header', (origin) => {
      const { t, res } = run(CORS_1, preflight(origin, 'GET', 'x-header-1, x-header-2'))
      expect(res.answered).toBe(true)
      expect([200, 204]).toContain(res.status)
      expect(t.finished).toEqual([res.status])
      expect(t.downstream.heads[0]?.body).toEqual({ kind: 'length', length: 0 })
      expect(res.header('access-control-allow-origin')).toBe(origin)
      expect(res.header('access-control-allow-methods')).toBe('GET, OPTIONS')
      expect(res.header('access-control-allow-headers')).toBe('x-header-1, x-header-2')
      expect(res.header('access-control-expose-headers')).toBe('x-header-3, x-header-4')
      expect(res.header('access-control-max-age')).toBe('3600')
      expect(res.header('access-control-allow-credentials')).toBe('true')
    })

    test.each(DENIED)('from the origin %s, not allowed: no CORS header at all', (origin) => {
      const { res } = run(CORS_1, preflight(origin))
      expect(res.answered).toBe(true)
      expect([200, 204, 403]).toContain(res.status)
      expect(corsHeaders(res)).toEqual([])
    })

    test('OPTIONS without Access-Control-Request-Method is not a preflight: it is forwarded', () => {
      const { res } = run(CORS_1, { method: 'OPTIONS', headers: { origin: 'https://www.foo.com' } }, { status: 204, headers: [['allow', 'GET, OPTIONS']] })
      expect(res.answered).toBe(false)
      expect(res.header('allow')).toBe('GET, OPTIONS')
      expect(res.header('access-control-allow-origin')).toBe('https://www.foo.com')
    })

    test('OPTIONS without Origin is not a CORS request: it is forwarded untouched', () => {
      const { res } = run(CORS_1, preflight(undefined), { status: 204 })
      expect(res.answered).toBe(false)
      expect(corsHeaders(res)).toEqual([])
    })

    test('maxAge unset: Access-Control-Max-Age is 5', () => {
      const { res } = run({ allowOrigins: ['*'], allowMethods: ['GET'] }, preflight('https://x.example'))
      expect(res.header('access-control-max-age')).toBe('5')
    })

    test('no allowMethods / allowHeaders / exposeHeaders: those headers are left out', () => {
      const { res } = run({ allowOrigins: ['https://www.foo.com'] }, preflight('https://www.foo.com', 'PUT', 'x-a'))
      expect(res.header('access-control-allow-origin')).toBe('https://www.foo.com')
      expect(res.header('access-control-allow-methods')).toBeUndefined()
      expect(res.header('access-control-allow-headers')).toBeUndefined()
      expect(res.header('access-control-expose-headers')).toBeUndefined()
      expect(res.header('access-control-allow-credentials')).toBeUndefined()
    })

    test('the preflight response varies by Origin', () => {
      const { res } = run(CORS_1, preflight('https://www.foo.com'))
      expect(res.header('vary')?.toLowerCase()).toContain('origin')
    })
  })

  describe('actual request', () => {
    test.each(ALLOWED)('from the allowed origin %s: forwarded, and the response carries Allow-Origin, -Credentials, -Expose-Headers', (origin) => {
      const { res } = run(CORS_1, actual(origin, 'GET', { 'access-control-request-method': 'GET' }), { status: 200, headers: [['content-type', 'text/plain']] })
      expect(res.answered).toBe(false)
      expect(res.status).toBe(200)
      expect(res.header('access-control-allow-origin')).toBe(origin)
      expect(res.header('access-control-allow-credentials')).toBe('true')
      expect(res.header('access-control-expose-headers')).toBe('x-header-3, x-header-4')
      expect(res.header('content-type')).toBe('text/plain')
      expect(res.header('vary')?.toLowerCase()).toContain('origin')
    })

    test.each(DENIED)('from the origin %s, not allowed: forwarded, response without CORS headers', (origin) => {
      const { res } = run(CORS_1, actual(origin), { status: 200 })
      expect(res.answered).toBe(false)
      expect(corsHeaders(res)).toEqual([])
    })

    test('without Origin: no CORS headers, only Vary: Origin so a shared cache keys on it', () => {
      const { res } = run(CORS_1, actual(undefined), { status: 200, headers: [['x-up', '1']] })
      expect(res.headers).toEqual(['x-up', '1', 'vary', 'Origin'])
    })

    test('the upstream status is kept (an error response still gets CORS headers)', () => {
      const { res } = run(CORS_1, actual('https://www.foo.com', 'POST'), { status: 503 })
      expect(res.status).toBe(503)
      expect(res.header('access-control-allow-origin')).toBe('https://www.foo.com')
    })

    test('an upstream that sets its own Access-Control-Allow-Origin does not end up with two values', () => {
      const { res } = run(CORS_1, actual('https://www.foo.com'), { headers: [['access-control-allow-origin', '*'], ['access-control-allow-credentials', 'true']] })
      expect(res.count('access-control-allow-origin')).toBe(1)
      expect(res.header('access-control-allow-origin')).toBe('https://www.foo.com')
      expect(res.count('access-control-allow-credentials')).toBe(1)
    })

    test('a Vary from the upstream is kept beside Origin', () => {
      const { res } = run(CORS_1, actual('https://www.foo.com'), { headers: [['vary', 'Accept-Encoding']] })
      const vary = (res.header('vary') ?? '').toLowerCase()
      expect(vary).toContain('accept-encoding')
      expect(vary).toContain('origin')
    })
  })

  describe('wildcards', () => {
    // Conformance route cors-2: allowMethods "*" without credentials.
    test('allowMethods "*": the requested method (or "*") is allowed, no Allow-Credentials', () => {
      const { res } = run({ allowOrigins: ['https://www.foo.com'], allowMethods: ['*'] }, preflight('https://www.foo.com', 'POST'))
      expect(['POST', '*']).toContain(res.header('access-control-allow-methods') ?? '')
      expect(res.header('access-control-allow-origin')).toBe('https://www.foo.com')
      expect(res.header('access-control-allow-credentials')).toBeUndefined()
    })

    // Conformance route cors-wildcard-origin.
    test.each(['https://foobar.com', 'https://foobar.com:12345', 'http://localhost:3000'])(
      'allowOrigins "*" allows %s: Allow-Origin is the origin or "*", never with credentials',
      (origin) => {
        const c: Cors = { allowOrigins: ['*'], allowMethods: ['PUT'] }
        const pre = run(c, preflight(origin, 'PUT')).res
        expect([origin, '*']).toContain(pre.header('access-control-allow-origin') ?? '')
        expect(pre.header('access-control-allow-methods')).toBe('PUT')
        expect(pre.header('access-control-allow-credentials')).toBeUndefined()
        const act = run(c, actual(origin, 'PUT')).res
        expect([origin, '*']).toContain(act.header('access-control-allow-origin') ?? '')
        expect(act.header('access-control-allow-credentials')).toBeUndefined()
      }
    )

    // Conformance route cors-wildcard-methods-headers: credentials forbid "*" in the answer.
    const credentialed: Cors = { allowOrigins: ['https://*.foo.com'], allowMethods: ['*'], allowHeaders: ['*'], allowCredentials: true }

    test('with credentials, "*" methods and headers: the request\'s own method, headers and origin are echoed', () => {
      const { res } = run(credentialed, preflight('https://other.foo.com', 'PUT', 'x-header-1, x-header-2'))
      expect(res.header('access-control-allow-origin')).toBe('https://other.foo.com')
      expect(res.header('access-control-allow-methods')).toBe('PUT')
      expect(res.header('access-control-allow-headers')).toBe('x-header-1, x-header-2')
      expect(res.header('access-control-allow-credentials')).toBe('true')
    })

    test('with "*" headers and no Access-Control-Request-Headers, Allow-Headers is left out', () => {
      const { res } = run(credentialed, preflight('https://other.foo.com', 'PUT'))
      expect(res.header('access-control-allow-headers')).toBeUndefined()
    })

    test('with credentials, a simple request echoes the origin and allows credentials', () => {
      const { res } = run(credentialed, actual('https://other.foo.com', 'GET', { authorization: 'Bearer test' }))
      expect(res.header('access-control-allow-origin')).toBe('https://other.foo.com')
      expect(res.header('access-control-allow-credentials')).toBe('true')
    })

    test('allowOrigins "*" with credentials: the origin is echoed, never "*"', () => {
      const { res } = run({ allowOrigins: ['*'], allowCredentials: true }, actual('https://app.example'))
      expect(res.header('access-control-allow-origin')).toBe('https://app.example')
      expect(res.header('access-control-allow-credentials')).toBe('true')
    })

    test('exposeHeaders "*" without credentials is sent as "*"', () => {
      const { res } = run({ allowOrigins: ['*'], exposeHeaders: ['*'] }, actual('https://app.example'))
      expect(res.header('access-control-expose-headers')).toBe('*')
    })

    test('exposeHeaders "*" with credentials is never sent as "*"', () => {
      const { res } = run({ allowOrigins: ['*'], exposeHeaders: ['*'], allowCredentials: true }, actual('https://app.example'))
      expect(res.header('access-control-expose-headers')).not.toBe('*')
    })

    test('an http wildcard origin does not allow https, and ports must match', () => {
      const c: Cors = { allowOrigins: ['http://*.example.com:8080'] }
      expect(run(c, actual('http://a.example.com:8080')).res.header('access-control-allow-origin')).toBe('http://a.example.com:8080')
      expect(run(c, actual('https://a.example.com:8080')).res.header('access-control-allow-origin')).toBeUndefined()
      expect(run(c, actual('http://a.example.com')).res.header('access-control-allow-origin')).toBeUndefined()
    })
  })
})

describe('the CORSPolicy alias behaves like the CORS filter', () => {
  const requests: RequestSpec[] = [
    preflight('https://www.foo.com', 'GET', 'x-header-1'),
    preflight('https://xpto.www.bar.com', 'OPTIONS'),
    preflight('https://foobar.com'),
    actual('https://www.bar.com'),
    actual('https://foobar.com'),
    actual(undefined),
  ]
  test.each(requests.map((r, i) => [i, r] as const))('request %d gets the same answer', (_i, req) => {
    const [a, b] = FORMS.map(([, spell]) => {
      const { raw, resources } = spell(CORS_1)
      const res = exchangeThrough([buildFilter(raw, { resources }).filter], testExchange(req), { status: 200 })
      const headers = res.headers.filter((_h, i) => res.headers[i - (i % 2)] !== 'date')
      return { answered: res.answered, status: res.status, headers }
    })
    expect(b).toEqual(a!)
  })
})

describe('CORSPolicy specifics', () => {
  const ref: RawFilter = { type: 'ExtensionRef', extensionRef: { group: 'gateway.networking.x-k8s.io', kind: 'CORSPolicy', name: 'policy' } }
  const withPolicy = (spec: Record<string, unknown>, namespace = 'default') => ({ resources: [resource('CORSPolicy', 'policy', { spec }, namespace)] })

  test.each([
    ['24h', '86400'],
    ['90s', '90'],
    ['600', '600'],
    [120, '120'],
  ])('maxAge %p answers Access-Control-Max-Age %s', (maxAge, header) => {
    const { filter } = buildFilter(ref, withPolicy({ allowOrigins: ['*'], maxAge }))
    expect(exchangeThrough([filter], testExchange(preflight('https://a.example'))).header('access-control-max-age')).toBe(header)
  })

  test('a maxAge that is not a duration is rejected (Accepted=False, UnsupportedValue)', () => {
    expect(parseError(ref, withPolicy({ allowOrigins: ['*'], maxAge: 'soon' }))).toMatchObject({ type: 'Accepted', reason: 'UnsupportedValue' })
  })

  test('a CORSPolicy that does not exist is an unresolved reference (ResolvedRefs=False, BackendNotFound)', () => {
    expect(parseError(ref)).toMatchObject({ type: 'ResolvedRefs', reason: 'BackendNotFound' })
  })

  test('a CORSPolicy in another namespace is not found: the reference is local', () => {
    expect(parseError(ref, withPolicy({ allowOrigins: ['*'] }, 'other'))).toMatchObject({ type: 'ResolvedRefs', reason: 'BackendNotFound' })
  })
})
