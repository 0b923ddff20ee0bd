import { describe, expect, test } from 'bun:test'
import { buildFilter, exchangeThrough, parseError, testExchange } from '../testing/exchange.ts'

// HTTPURLRewriteFilter and HTTPPathModifier (Gateway API v1.6): the path and Host sent upstream
// change, the client's request and the route match do not. ReplacePrefixMatch replaces whole path
// elements, and a trailing `/` of the prefix is ignored. The first table is the spec's own table
// for ReplacePrefixMatch; the others follow the conformance tests HTTPRouteRewritePath and
// HTTPRouteRewriteHost.

// [request path, PathPrefix match value, replacePrefixMatch, modified path]
const SPEC_TABLE: [string, string, string, string][] = [
  ['/foo/bar', '/foo', '/xyz', '/xyz/bar'],
  ['/foo/bar', '/foo', '/xyz/', '/xyz/bar'],
  ['/foo/bar', '/foo/', '/xyz', '/xyz/bar'],
  ['/foo/bar', '/foo/', '/xyz/', '/xyz/bar'],
  ['/foo', '/foo', '/xyz', '/xyz'],
  ['/foo/', '/foo', '/xyz', '/xyz/'],
  ['/foo/bar', '/foo', '', '/bar'],
  ['/foo/', '/foo', '', '/'],
  ['/foo', '/foo', '', '/'],
  ['/foo/', '/foo', '/', '/'],
  ['/foo', '/foo', '/', '/'],
]

const MORE_PREFIX_CASES: [string, string, string, string][] = [
  // Conformance HTTPRouteRewritePath.
  ['/prefix/one/two', '/prefix/one', '/one', '/one/two'],
  ['/prefix/one', '/prefix/one', '/one', '/one'],
  ['/strip-prefix/three', '/strip-prefix', '/', '/three'],
  ['/strip-prefix', '/strip-prefix', '/', '/'],
  ['/prefix/rewrite-path-and-modify-headers/one', '/prefix/rewrite-path-and-modify-headers', '/prefix', '/prefix/one'],
  // Trailing slashes after the prefix are kept, deeper ones too.
  ['/foo/bar/', '/foo', '/xyz', '/xyz/bar/'],
  ['/foo/bar/', '/foo', '/', '/bar/'],
  ['/foo/bar/', '/foo/', '/xyz/', '/xyz/bar/'],
  // Multi-element replacement.
  ['/foo/bar', '/foo', '/a/b/c', '/a/b/c/bar'],
  // The prefix `/` matches every path; its replacement goes in front of the whole path.
  ['/', '/', '/xyz', '/xyz'],
  ['/bar', '/', '/xyz', '/xyz/bar'],
  ['/bar/baz/', '/', '/xyz', '/xyz/bar/baz/'],
  ['/bar', '/', '/xyz/', '/xyz/bar'],
  ['/bar', '/', '/', '/bar'],
  ['/', '/', '/', '/'],
  ['/bar', '/', '', '/bar'],
]

function rewrite(urlRewrite: Record<string, unknown>, prefix: string, target: string, host = 'example.com') {
  const { filter } = buildFilter({ type: 'URLRewrite', urlRewrite }, { matches: [{ path: { type: 'PathPrefix', value: prefix } }] })
  const t = testExchange({ target, host })
  const res = exchangeThrough([filter], t)
  return { t, res }
}

describe('URLRewrite ReplacePrefixMatch', () => {
  test.each(SPEC_TABLE)('spec table: %s with prefix %p and replacement %p goes upstream as %s', (path, prefix, replacement, upstream) => {
    const { t } = rewrite({ path: { type: 'ReplacePrefixMatch', replacePrefixMatch: replacement } }, prefix, path)
    expect(t.ex.upstreamPath).toBe(upstream)
  })

  test.each(MORE_PREFIX_CASES)('%s with prefix %p and replacement %p goes upstream as %s', (path, prefix, replacement, upstream) => {
    const { t } = rewrite({ path: { type: 'ReplacePrefixMatch', replacePrefixMatch: replacement } }, prefix, path)
    expect(t.ex.upstreamPath).toBe(upstream)
  })

  test.each(SPEC_TABLE)('RequestRedirect uses the same path rules: %s, %p, %p → %s', (path, prefix, replacement, modified) => {
    const { filter } = buildFilter(
      { type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: replacement } } },
      { matches: [{ path: { type: 'PathPrefix', value: prefix } }] }
    )
    expect(exchangeThrough([filter], testExchange({ target: path })).header('location')).toBe(`http://example.com${modified}`)
  })

  test('the query string is not part of the path: it is sent unchanged', () => {
    const { t } = rewrite({ path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } }, '/v1', '/v1/items?page=2&sort=asc')
    expect(t.ex.upstreamPath).toBe('/v2/items')
    expect(t.ex.rawQuery).toBe('page=2&sort=asc')
  })
})

describe('URLRewrite ReplaceFullPath', () => {
  test.each([
    ['/full/one/two', '/full/one', '/one', '/one'],
    ['/full/one', '/full/one', '/one', '/one'],
    ['/full/one/', '/full/one', '/one', '/one'],
    ['/full/rewrite-path-and-modify-headers/test', '/full/rewrite-path-and-modify-headers', '/test', '/test'],
    ['/anything/deep/below', '/', '/', '/'],
    ['/a', '/a', '/b/', '/b/'],
  ])('%s (prefix %p) with replaceFullPath %p goes upstream as %s', (path, prefix, full, upstream) => {
    const { t } = rewrite({ path: { type: 'ReplaceFullPath', replaceFullPath: full } }, prefix, path)
    expect(t.ex.upstreamPath).toBe(upstream)
  })

  test('ReplaceFullPath works with an Exact match too', () => {
    const { filter } = buildFilter(
      { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/new' } } },
      { matches: [{ path: { type: 'Exact', value: '/old' } }] }
    )
    const t = testExchange({ target: '/old?x=1' })
    exchangeThrough([filter], t)
    expect(t.ex.upstreamPath).toBe('/new')
    expect(t.ex.rawQuery).toBe('x=1')
  })
})

describe('URLRewrite hostname', () => {
  test('hostname replaces the Host sent upstream (conformance HTTPRouteRewriteHost)', () => {
    const { t } = rewrite({ hostname: 'one.example.org' }, '/one', '/one', 'rewrite.example:8080')
    expect(t.ex.authority).toBe('one.example.org')
  })

  test('hostname alone leaves the path alone', () => {
    const { t } = rewrite({ hostname: 'one.example.org' }, '/one', '/one/two/')
    expect(t.ex.upstreamPath).toBe('/one/two/')
  })

  test('a path rewrite alone leaves the Host alone', () => {
    const { t } = rewrite({ path: { type: 'ReplaceFullPath', replaceFullPath: '/x' } }, '/one', '/one', 'Rewrite.Example:8080')
    expect(t.ex.authority).toBe('Rewrite.Example:8080')
  })

  test('hostname and path together', () => {
    const { t } = rewrite({ hostname: 'two.example.org', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } }, '/v1', '/v1/a')
    expect(t.ex.authority).toBe('two.example.org')
    expect(t.ex.upstreamPath).toBe('/v2/a')
  })
})

describe('URLRewrite leaves the client side alone', () => {
  test('the request is forwarded, and what routing saw is unchanged', () => {
    const { t, res } = rewrite({ hostname: 'backend.internal', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } }, '/api', '/api/users')
    expect(res.answered).toBe(false)
    expect(t.downstream.headersSent).toBe(false)
    expect(t.ex.path).toBe('/api/users')
    expect(t.ex.host).toBe('example.com')
  })

  test('the response is not changed', () => {
    const { filter } = buildFilter({ type: 'URLRewrite', urlRewrite: { hostname: 'x.example' } })
    const res = exchangeThrough([filter], testExchange(), { status: 201, headers: [['location', '/created/1']] })
    expect(res.status).toBe(201)
    expect(res.header('location')).toBe('/created/1')
  })

  test('a header modifier after the rewrite still sees and edits the request headers', () => {
    const rw = buildFilter({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/test' } } })
    const hm = buildFilter({ type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'X-Header-Add-Append', value: 'header-val-2' }] } })
    const t = testExchange({ target: '/full/x', headers: { 'x-header-add-append': 'append-val-1' } })
    exchangeThrough([rw.filter, hm.filter], t)
    expect(t.ex.upstreamPath).toBe('/test')
    expect(t.ex.header('x-header-add-append')).toBe('append-val-1,header-val-2')
  })
})

describe('URLRewrite validation', () => {
  test.each([
    ['Exact', { path: { type: 'Exact', value: '/a' } }],
    ['RegularExpression', { path: { type: 'RegularExpression', value: '/a.*' } }],
  ])('ReplacePrefixMatch with a %s match is rejected (Accepted=False, UnsupportedValue)', (_type, match) => {
    const err = parseError({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/b' } } }, { matches: [match] })
    expect(err).toMatchObject({ type: 'Accepted', reason: 'UnsupportedValue' })
  })

  test('ReplacePrefixMatch on a rule without matches (default PathPrefix /) is fine', () => {
    expect(parseError({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/b' } } })).toBeUndefined()
  })

  test('an unknown path modifier type is rejected (Accepted=False, UnsupportedValue)', () => {
    const err = parseError({ type: 'URLRewrite', urlRewrite: { path: { type: 'RegexRewrite' } } })
    expect(err).toMatchObject({ type: 'Accepted', reason: 'UnsupportedValue' })
  })
})
