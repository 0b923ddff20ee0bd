import type { NameValueMatch, PathMatchType, RouteMatch, ValueMatchType } from '../model.ts'
import { StatusError } from './status.ts'

/** HTTPRouteMatchSpec is an HTTPRoute `matches[]` entry as written. */
export interface HTTPRouteMatchSpec {
  path?: { type?: string; value?: string }
  headers?: { type?: string; name: string; value: string }[]
  queryParams?: { type?: string; name: string; value: string }[]
  method?: string
}

/** DEFAULT_MATCH is what a rule without matches matches: every request (PathPrefix `/`). */
export const DEFAULT_MATCH: RouteMatch = {
  path: { type: 'PathPrefix', value: '/' },
  headers: [],
  queryParams: [],
}

/**
 * normaliseMatch applies the HTTPRouteMatch defaults (path PathPrefix `/`, header and query type
 * Exact), keeps only the first entry of a repeated header or query name as the spec says, and
 * checks that regular expressions compile (Weir uses the ECMAScript dialect, anchored on both
 * ends). It throws a StatusError (UnsupportedValue) for a match Weir cannot serve.
 */
export function normaliseMatch(spec: HTTPRouteMatchSpec): RouteMatch {
  const type = (spec.path?.type ?? 'PathPrefix') as PathMatchType
  const value = spec.path?.value ?? '/'
  if (type === 'RegularExpression') checkRegex(value, 'path')
  return {
    path: { type, value: type === 'PathPrefix' ? trimTrailingSlash(value) : value },
    ...(spec.method ? { method: spec.method } : {}),
    headers: firstByName(spec.headers ?? [], (n) => n.toLowerCase(), 'header'),
    queryParams: firstByName(spec.queryParams ?? [], (n) => n, 'query parameter'),
  }
}

/** A PathPrefix matches element-wise, so a trailing `/` in the prefix carries no meaning. */
function trimTrailingSlash(prefix: string): string {
  return prefix.length > 1 && prefix.endsWith('/') ? prefix.replace(/\/+$/, '') || '/' : prefix
}

function firstByName(
  list: readonly { type?: string; name: string; value: string }[],
  key: (name: string) => string,
  what: string
): NameValueMatch[] {
  const out: NameValueMatch[] = []
  const seen = new Set<string>()
  for (const m of list) {
    const name = key(m.name)
    if (seen.has(name)) continue
    seen.add(name)
    const type = (m.type ?? 'Exact') as ValueMatchType
    if (type === 'RegularExpression') checkRegex(m.value, `${what} ${m.name}`)
    out.push({ type, name, value: m.value })
  }
  return out
}

function checkRegex(pattern: string, what: string): void {
  try {
    new RegExp(pattern)
  } catch (err) {
    throw new StatusError(
      'Accepted',
      'UnsupportedValue',
      `${what} regular expression ${JSON.stringify(pattern)} is invalid: ${(err as Error).message}`
    )
  }
}
