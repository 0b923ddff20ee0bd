import { describe, expect, test } from 'bun:test'
import { buildFilter, exchangeThrough, parseError, testExchange, type RequestSpec } from '../testing/exchange.ts'

// HTTPRequestRedirectFilter (Gateway API v1.6). The Location is built from the request with the
// configured parts replaced: scheme and hostname default to the request's; with no port set, the
// port is the well-known port of the configured scheme, else the listener's port; the port is left
// out for http on 80 and https on 443. Cases follow the spec text for `port` and the conformance
// tests HTTPRouteRedirectScheme, -Host, -Port, -PortAndScheme, -Path and -StatusCode.

interface Case {
  name: string
  redirect: Record<string, unknown>
  request: RequestSpec
  location: string
}

const http80: RequestSpec = { scheme: 'http', port: 80, host: 'example.org' }
const http8080: RequestSpec = { scheme: 'http', port: 8080, host: 'example.org:8080' }
const https443: RequestSpec = { scheme: 'https', port: 443, host: 'example.org' }
const https8443: RequestSpec = { scheme: 'https', port: 8443, host: 'example.org:8443' }

const PORT_AND_SCHEME: Case[] = [
  // Listener http on 80 (HTTPRouteRedirectPortAndScheme, http-listener-on-80).
  { name: 'http:80, no scheme, no port', redirect: {}, request: http80, location: 'http://example.org/p' },
  { name: 'http:80, port 80', redirect: { port: 80 }, request: http80, location: 'http://example.org/p' },
  { name: 'http:80, port 8080', redirect: { port: 8080 }, request: http80, location: 'http://example.org:8080/p' },
  { name: 'http:80, port 443 is shown: 443 is only implied for https', redirect: { port: 443 }, request: http80, location: 'http://example.org:443/p' },
  { name: 'http:80, scheme https, no port: 443 implied', redirect: { scheme: 'https' }, request: http80, location: 'https://example.org/p' },
  { name: 'http:80, scheme https, port 443', redirect: { scheme: 'https', port: 443 }, request: http80, location: 'https://example.org/p' },
  { name: 'http:80, scheme https, port 8443', redirect: { scheme: 'https', port: 8443 }, request: http80, location: 'https://example.org:8443/p' },
  { name: 'http:80, scheme https, port 80 is shown', redirect: { scheme: 'https', port: 80 }, request: http80, location: 'https://example.org:80/p' },
  // Listener http on 8080 (http-listener-on-8080).
  { name: 'http:8080, no scheme, no port: the listener port', redirect: {}, request: http8080, location: 'http://example.org:8080/p' },
  { name: 'http:8080, port 80', redirect: { port: 80 }, request: http8080, location: 'http://example.org/p' },
  { name: 'http:8080, scheme https, no port: 443, not the listener port', redirect: { scheme: 'https' }, request: http8080, location: 'https://example.org/p' },
  { name: 'http:8080, scheme http (unchanged), no port: the well-known 80', redirect: { scheme: 'http' }, request: http8080, location: 'http://example.org/p' },
  { name: 'http:8080, hostname only: keeps the listener port', redirect: { hostname: 'other.example' }, request: http8080, location: 'http://other.example:8080/p' },
  { name: 'http:8080, hostname and port', redirect: { hostname: 'other.example', port: 8083 }, request: http8080, location: 'http://other.example:8083/p' },
  { name: 'http:8080, hostname and scheme https', redirect: { hostname: 'other.example', scheme: 'https' }, request: http8080, location: 'https://other.example/p' },
  // Listener https on 443 (https-listener-on-443).
  { name: 'https:443, no scheme, no port', redirect: {}, request: https443, location: 'https://example.org/p' },
  { name: 'https:443, port 443', redirect: { port: 443 }, request: https443, location: 'https://example.org/p' },
  { name: 'https:443, port 8443', redirect: { port: 8443 }, request: https443, location: 'https://example.org:8443/p' },
  { name: 'https:443, scheme http, no port: 80 implied', redirect: { scheme: 'http' }, request: https443, location: 'http://example.org/p' },
  { name: 'https:443, scheme http, port 80', redirect: { scheme: 'http', port: 80 }, request: https443, location: 'http://example.org/p' },
  { name: 'https:443, scheme http, port 8080', redirect: { scheme: 'http', port: 8080 }, request: https443, location: 'http://example.org:8080/p' },
  // Listener https on 8443.
  { name: 'https:8443, no scheme, no port: the listener port', redirect: {}, request: https8443, location: 'https://example.org:8443/p' },
  { name: 'https:8443, scheme http, no port', redirect: { scheme: 'http' }, request: https8443, location: 'http://example.org/p' },
  { name: 'https:8443, port 443', redirect: { port: 443 }, request: https8443, location: 'https://example.org/p' },
]

const HOST: Case[] = [
  { name: 'hostname defaults to the Host header without its port', redirect: { scheme: 'https' }, request: { host: 'www.example.com:8080', port: 8080 }, location: 'https://www.example.com/p' },
  { name: 'the port comes from the listener, not from the Host header', redirect: {}, request: { host: 'example.com:9999', port: 8080 }, location: 'http://example.com:8080/p' },
  { name: 'hostname replaces the request host', redirect: { hostname: 'example.org' }, request: { host: 'example.com' }, location: 'http://example.org/p' },
  { name: 'an IPv6 Host keeps its brackets', redirect: {}, request: { host: '[::1]:8080', port: 8080 }, location: 'http://[::1]:8080/p' },
]

const PATH: Case[] = [
  // HTTPRouteRedirectPath: /original-prefix with ReplacePrefixMatch /replacement-prefix.
  {
    name: 'ReplacePrefixMatch replaces the matched prefix',
    redirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/replacement-prefix' } },
    request: { target: '/original-prefix/lemon' },
    location: 'http://example.com/replacement-prefix/lemon',
  },
  {
    name: 'ReplacePrefixMatch on the prefix itself',
    redirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/replacement-prefix' } },
    request: { target: '/original-prefix' },
    location: 'http://example.com/replacement-prefix',
  },
  {
    name: 'ReplacePrefixMatch keeps a trailing slash',
    redirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/replacement-prefix' } },
    request: { target: '/original-prefix/' },
    location: 'http://example.com/replacement-prefix/',
  },
  {
    name: 'ReplaceFullPath replaces the whole path',
    redirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/full-path-replacement' } },
    request: { target: '/original-prefix/some/deep/path' },
    location: 'http://example.com/full-path-replacement',
  },
  {
    name: 'path and hostname together',
    redirect: { hostname: 'example.org', path: { type: 'ReplaceFullPath', replaceFullPath: '/replacement-full' } },
    request: { target: '/original-prefix/x' },
    location: 'http://example.org/replacement-full',
  },
  {
    name: 'the query string is kept',
    redirect: { scheme: 'https' },
    request: { target: '/original-prefix/a?x=1&y=two' },
    location: 'https://example.com/original-prefix/a?x=1&y=two',
  },
  {
    name: 'the query string is kept across a path replacement',
    redirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } },
    request: { target: '/original-prefix/a?x=1' },
    location: 'http://example.com/new/a?x=1',
  },
  {
    name: 'without a path modifier the request path is used as-is',
    redirect: { hostname: 'example.org' },
    request: { target: '/original-prefix/a/b/' },
    location: 'http://example.org/original-prefix/a/b/',
  },
]

function redirectFor(c: Case) {
  const { filter } = buildFilter(
    { type: 'RequestRedirect', requestRedirect: c.redirect },
    { matches: [{ path: { type: 'PathPrefix', value: '/original-prefix' } }] }
  )
  const t = testExchange({ target: '/p', ...c.request })
  return { t, res: exchangeThrough([filter], t) }
}

describe('RequestRedirect Location', () => {
  test.each(PORT_AND_SCHEME)('port and scheme: $name', (c) => {
    expect(redirectFor(c).res.header('location')).toBe(c.location)
  })

  test.each(HOST)('host: $name', (c) => {
    expect(redirectFor(c).res.header('location')).toBe(c.location)
  })

  test.each(PATH)('path: $name', (c) => {
    expect(redirectFor(c).res.header('location')).toBe(c.location)
  })
})

describe('RequestRedirect status', () => {
  test.each([
    [undefined, 302, 'Found'],
    [301, 301, 'Moved Permanently'],
    [302, 302, 'Found'],
    [303, 303, 'See Other'],
    [307, 307, 'Temporary Redirect'],
    [308, 308, 'Permanent Redirect'],
  ])('statusCode %p answers %d %s', (statusCode, status, reason) => {
    const { filter } = buildFilter({ type: 'RequestRedirect', requestRedirect: { scheme: 'https', ...(statusCode ? { statusCode } : {}) } })
    const t = testExchange({ target: '/status' })
    const res = exchangeThrough([filter], t)
    expect(res.status).toBe(status)
    expect(t.downstream.heads[0]?.reason).toBe(reason)
    expect(t.finished).toEqual([status])
    expect(t.ex.status).toBe(status)
  })

  test('the gateway answers itself with an empty body: nothing is forwarded', () => {
    const { filter } = buildFilter({ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } })
    const t = testExchange({ method: 'POST', target: '/x' })
    const res = exchangeThrough([filter], t)
    expect(res.answered).toBe(true)
    expect(t.downstream.heads).toHaveLength(1)
    expect(t.downstream.heads[0]?.body).toEqual({ kind: 'length', length: 0 })
    expect(t.downstream.chunks).toHaveLength(0)
    expect(t.downstream.ended).toBe(true)
    expect(res.header('date')).toMatch(/GMT$/)
  })

  test('filters after the redirect do not run', () => {
    const redirect = buildFilter({ type: 'RequestRedirect', requestRedirect: { hostname: 'example.org' } })
    const headers = buildFilter({ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-after', value: 'ran' }] } })
    const t = testExchange()
    exchangeThrough([redirect.filter, headers.filter], t)
    expect(t.ex.header('x-after')).toBeUndefined()
  })
})

describe('RequestRedirect validation', () => {
  test.each([
    ['Exact', { path: { type: 'Exact', value: '/original-prefix' } }],
    ['RegularExpression', { path: { type: 'RegularExpression', value: '/orig.*' } }],
  ])('ReplacePrefixMatch on a rule with a %s match is rejected (Accepted=False, UnsupportedValue)', (_type, match) => {
    const err = parseError(
      { type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/x' } } },
      { matches: [match] }
    )
    expect(err).toMatchObject({ type: 'Accepted', reason: 'UnsupportedValue' })
  })

  test('ReplaceFullPath is fine on an Exact match', () => {
    const { filter } = buildFilter(
      { type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/new' } } },
      { matches: [{ path: { type: 'Exact', value: '/old' } }] }
    )
    expect(exchangeThrough([filter], testExchange({ target: '/old' })).header('location')).toBe('http://example.com/new')
  })

  test('an unknown path modifier type is rejected (Accepted=False, UnsupportedValue)', () => {
    const err = parseError({ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceSuffix', replaceSuffix: '/x' } } })
    expect(err).toMatchObject({ type: 'Accepted', reason: 'UnsupportedValue' })
  })
})
