import type { Exchange } from '../listeners/exchange.ts'
import type { NameValueMatch, RouteMatch } from '../model.ts'

/** RequestPredicate tells whether a request satisfies one route match. */
export type RequestPredicate = (ex: Exchange) => boolean

const SLASH = 0x2f

/**
 * MatchCondition is one condition of a route match, compiled: what it tests and the test. The
 * request path uses only the composed predicate; `weir explain` runs the conditions one by one
 * to say which one a request failed.
 */
export interface MatchCondition {
  readonly on: 'path' | 'method' | 'header' | 'query'
  /** Exact, PathPrefix or RegularExpression ('Exact' for a method). */
  readonly type: string
  /** The header or query parameter name; '' for the path and the method. */
  readonly name: string
  readonly value: string
  readonly test: RequestPredicate
}

/**
 * compileConditions compiles a RouteMatch's conditions, regular expressions included, once per
 * reload, never per request. Regular expressions must match the whole value (Envoy's full-match
 * semantics), so `/api/v[0-9]+` does not match `/api/v1/users`.
 */
export function compileConditions(m: RouteMatch): MatchCondition[] {
  const conditions: MatchCondition[] = []
  const path = compilePath(m.path.type, m.path.value)
  if (path) conditions.push({ on: 'path', type: m.path.type, name: '', value: m.path.value, test: path })
  if (m.method !== undefined) {
    const method = m.method
    conditions.push({ on: 'method', type: 'Exact', name: '', value: method, test: (ex) => ex.method === method })
  }
  for (const h of m.headers) conditions.push({ on: 'header', ...h, test: compileValue(h, (ex, name) => ex.header(name)) })
  for (const q of m.queryParams) conditions.push({ on: 'query', ...q, test: compileValue(q, (ex, name) => ex.queryParam(name)) })
  return conditions
}

/** compileMatch turns a RouteMatch into one predicate: its conditions ANDed. */
export function compileMatch(m: RouteMatch): RequestPredicate {
  return allOf(compileConditions(m).map((c) => c.test))
}

/** allOf composes predicates, with no loop for the common cases of none, one or two. */
export function allOf(checks: readonly RequestPredicate[]): RequestPredicate {
  switch (checks.length) {
    case 0:
      return () => true
    case 1:
      return checks[0] as RequestPredicate
    case 2: {
      const [a, b] = checks as [RequestPredicate, RequestPredicate]
      return (ex) => a(ex) && b(ex)
    }
    default:
      return (ex) => {
        for (let i = 0; i < checks.length; i++) if (!(checks[i] as RequestPredicate)(ex)) return false
        return true
      }
  }
}

/** compilePath returns undefined for `PathPrefix /`, which every request matches. */
function compilePath(type: RouteMatch['path']['type'], value: string): RequestPredicate | undefined {
  switch (type) {
    case 'Exact':
      return (ex) => ex.path === value
    case 'PathPrefix': {
      if (value === '/') return undefined
      const length = value.length
      // Element-wise: `/abc` matches `/abc`, `/abc/` and `/abc/x`, never `/abcd`.
      return (ex) => {
        const p = ex.path
        return p.startsWith(value) && (p.length === length || p.charCodeAt(length) === SLASH)
      }
    }
    case 'RegularExpression': {
      const re = new RegExp(`^(?:${value})$`)
      return (ex) => re.test(ex.path)
    }
  }
}

function compileValue(m: NameValueMatch, read: (ex: Exchange, name: string) => string | undefined): RequestPredicate {
  const name = m.name
  const value = m.value
  if (m.type === 'Exact') {
    return (ex) => read(ex, name) === value
  }
  const re = new RegExp(`^(?:${value})$`)
  return (ex) => {
    const v = read(ex, name)
    return v !== undefined && re.test(v)
  }
}
