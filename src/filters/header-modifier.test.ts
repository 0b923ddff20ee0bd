import { describe, expect, test } from 'bun:test'
import { buildFilter, exchangeThrough, testExchange } from '../testing/exchange.ts'

// HTTPHeaderFilter (Gateway API v1.6) as RequestHeaderModifier and ResponseHeaderModifier: `set`
// overwrites, `add` appends to an existing value with a comma, `remove` drops the header; header
// names are case-insensitive. Cases follow the spec's examples and the conformance tests
// HTTPRouteRequestHeaderModifier and HTTPRouteResponseHeaderModifier.

type Pairs = [string, string][]
type Edits = { set?: { name: string; value: string }[]; add?: { name: string; value: string }[]; remove?: string[] }

interface Case {
  name: string
  edits: Edits
  before: Pairs
  /** Headers the other side must see, by lower-case name (values joined with ", "). */
  after: Record<string, string>
  absent?: string[]
}

const CASES: Case[] = [
  {
    name: 'set adds a header that is not there',
    edits: { set: [{ name: 'X-Header-Set', value: 'set-overwrites-values' }] },
    before: [['some-other-header', 'val']],
    after: { 'x-header-set': 'set-overwrites-values', 'some-other-header': 'val' },
  },
  {
    name: 'set overwrites an existing value',
    edits: { set: [{ name: 'X-Header-Set', value: 'set-overwrites-values' }] },
    before: [['some-other-header', 'val'], ['x-header-set', 'some-other-value']],
    after: { 'x-header-set': 'set-overwrites-values', 'some-other-header': 'val' },
  },
  {
    name: 'set replaces every line of a repeated header',
    edits: { set: [{ name: 'my-header', value: 'bar' }] },
    before: [['my-header', 'foo'], ['my-header', 'baz']],
    after: { 'my-header': 'bar' },
  },
  {
    name: 'add creates a header that is not there',
    edits: { add: [{ name: 'X-Header-Add', value: 'add-appends-values' }] },
    before: [['some-other-header', 'val']],
    after: { 'x-header-add': 'add-appends-values', 'some-other-header': 'val' },
  },
  {
    name: 'add appends to an existing value with a comma',
    edits: { add: [{ name: 'X-Header-Add', value: 'add-appends-values' }] },
    before: [['x-header-add', 'some-other-value']],
    after: { 'x-header-add': 'some-other-value,add-appends-values' },
  },
  {
    name: 'add of a comma-separated value (the spec example my-header: foo,bar,baz)',
    edits: { add: [{ name: 'my-header', value: 'bar,baz' }] },
    before: [['my-header', 'foo']],
    after: { 'my-header': 'foo,bar,baz' },
  },
  {
    name: 'remove drops the listed headers only (the spec example)',
    edits: { remove: ['my-header1', 'my-header3'] },
    before: [['my-header1', 'foo'], ['my-header2', 'bar'], ['my-header3', 'baz']],
    after: { 'my-header2': 'bar' },
    absent: ['my-header1', 'my-header3'],
  },
  {
    name: 'remove drops every line of a repeated header',
    edits: { remove: ['X-Dup'] },
    before: [['x-dup', 'a'], ['x-keep', 'k'], ['x-dup', 'b']],
    after: { 'x-keep': 'k' },
    absent: ['x-dup'],
  },
  {
    name: 'remove of a header that is not there changes nothing',
    edits: { remove: ['x-missing'] },
    before: [['x-keep', 'k']],
    after: { 'x-keep': 'k' },
    absent: ['x-missing'],
  },
  {
    name: 'set, add and remove together (conformance /multiple)',
    edits: {
      set: [
        { name: 'X-Header-Set-1', value: 'header-set-1' },
        { name: 'X-Header-Set-2', value: 'header-set-2' },
      ],
      add: [
        { name: 'X-Header-Add-1', value: 'header-add-1' },
        { name: 'X-Header-Add-2', value: 'header-add-2' },
        { name: 'X-Header-Add-3', value: 'header-add-3' },
      ],
      remove: ['X-Header-Remove-1', 'X-Header-Remove-2'],
    },
    before: [
      ['x-header-set-2', 'set-val-2'],
      ['x-header-add-2', 'add-val-2'],
      ['x-header-remove-2', 'remove-val-2'],
      ['another-header', 'another-header-val'],
    ],
    after: {
      'x-header-set-1': 'header-set-1',
      'x-header-set-2': 'header-set-2',
      'x-header-add-1': 'header-add-1',
      'x-header-add-2': 'add-val-2,header-add-2',
      'x-header-add-3': 'header-add-3',
      'another-header': 'another-header-val',
    },
    absent: ['x-header-remove-1', 'x-header-remove-2'],
  },
  {
    name: 'names in the filter match headers case-insensitively (conformance /case-insensitivity)',
    edits: {
      set: [{ name: 'X-Header-Set', value: 'header-set' }],
      add: [{ name: 'X-Header-Add', value: 'header-add' }],
      remove: ['X-Header-Remove'],
    },
    before: [
      ['x-header-set', 'original-val-set'],
      ['x-header-add', 'original-val-add'],
      ['x-header-remove', 'original-val-remove'],
      ['another-header', 'another-header-val'],
    ],
    after: { 'x-header-set': 'header-set', 'x-header-add': 'original-val-add,header-add', 'another-header': 'another-header-val' },
    absent: ['x-header-remove'],
  },
  {
    name: 'values keep their case',
    edits: { set: [{ name: 'x-token', value: 'MiXeD-Case' }] },
    before: [],
    after: { 'x-token': 'MiXeD-Case' },
  },
]

function valueOf(list: readonly string[], name: string): string | undefined {
  const values: string[] = []
  for (let i = 0; i < list.length; i += 2) if (list[i] === name) values.push(list[i + 1] as string)
  return values.length === 0 ? undefined : values.join(', ')
}

describe('RequestHeaderModifier', () => {
  test.each(CASES)('$name', ({ edits, before, after, absent }) => {
    const { filter } = buildFilter({ type: 'RequestHeaderModifier', requestHeaderModifier: edits })
    const t = testExchange({ target: '/set', headers: before })
    const res = exchangeThrough([filter], t)
    expect(res.answered).toBe(false)
    for (const [name, value] of Object.entries(after)) expect(valueOf(t.ex.headers, name)).toBe(value)
    for (const name of absent ?? []) expect(valueOf(t.ex.headers, name)).toBeUndefined()
  })

  test('the request is forwarded: nothing is sent to the client and the path is unchanged', () => {
    const { filter } = buildFilter({ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-a', value: 'b' }] } })
    const t = testExchange({ target: '/keep/me?q=1' })
    exchangeThrough([filter], t)
    expect(t.downstream.headersSent).toBe(false)
    expect(t.ex.upstreamPath).toBe('/keep/me')
    expect(t.ex.rawQuery).toBe('q=1')
  })

  test('the response is left alone', () => {
    const { filter } = buildFilter({ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-header-set', value: 'v' }], remove: ['server'] } })
    const res = exchangeThrough([filter], testExchange(), { headers: [['x-header-set', 'upstream'], ['server', 'echo']] })
    expect(res.header('x-header-set')).toBe('upstream')
    expect(res.header('server')).toBe('echo')
  })
})

describe('ResponseHeaderModifier', () => {
  test.each(CASES)('$name', ({ edits, before, after, absent }) => {
    const { filter } = buildFilter({ type: 'ResponseHeaderModifier', responseHeaderModifier: edits })
    const res = exchangeThrough([filter], testExchange(), { status: 200, headers: before })
    expect(res.answered).toBe(false)
    for (const [name, value] of Object.entries(after)) expect(res.header(name)).toBe(value)
    for (const name of absent ?? []) expect(res.header(name)).toBeUndefined()
  })

  test('the request is left alone', () => {
    const { filter } = buildFilter({ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-a', value: 'b' }], remove: ['x-remove'] } })
    const t = testExchange({ headers: { 'x-a': 'client', 'x-remove': 'kept' } })
    exchangeThrough([filter], t)
    expect(valueOf(t.ex.headers, 'x-a')).toBe('client')
    expect(valueOf(t.ex.headers, 'x-remove')).toBe('kept')
  })

  test.each([200, 404, 503])('the upstream status %d reaches the client unchanged', (status) => {
    const { filter } = buildFilter({ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-added', value: 'y' }] } })
    const res = exchangeThrough([filter], testExchange(), { status })
    expect(res.status).toBe(status)
    expect(res.header('x-added')).toBe('y')
  })

  test('an added Set-Cookie gets a line of its own: cookies cannot be comma-joined', () => {
    const { filter } = buildFilter({ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'Set-Cookie', value: 'b=2; Path=/' }] } })
    const res = exchangeThrough([filter], testExchange(), { headers: [['set-cookie', 'a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT']] })
    expect(res.count('set-cookie')).toBe(2)
    expect(res.headers).toContain('b=2; Path=/')
    expect(res.headers).toContain('a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT')
  })

  test('response and request modifiers on one rule each edit their own side', () => {
    const req = buildFilter({ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-side', value: 'request' }] } })
    const resp = buildFilter({ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-side', value: 'response' }] } })
    const t = testExchange()
    const res = exchangeThrough([req.filter, resp.filter], t, { headers: [['x-side', 'upstream']] })
    expect(valueOf(t.ex.headers, 'x-side')).toBe('request')
    expect(res.header('x-side')).toBe('response')
  })
})
