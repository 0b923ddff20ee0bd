/**
 * Request-target handling shared by HTTP/1.1 and HTTP/2: split path and query, take the host from
 * an absolute-form target or the Host header, and normalise the path the way routing sees it.
 */

/** TargetParts is a request-target split for routing. */
export interface TargetParts {
  readonly path: string
  readonly rawQuery: string
  /** Host from an absolute-form target, lower-case without port, else undefined. */
  readonly host: string | undefined
  /** The authority of an absolute-form target as written, else undefined. */
  readonly authority: string | undefined
}

/**
 * splitTarget splits an origin-form (`/p?q`) or absolute-form (`http://h/p?q`) target and
 * normalises the path. It returns undefined for a target it cannot route (a bad percent-encoding,
 * `*`, an authority-form target), which the caller answers with 400.
 */
export function splitTarget(target: string): TargetParts | undefined {
  let host: string | undefined
  let authority: string | undefined
  let start = 0
  if (target.charCodeAt(0) !== 0x2f /* '/' */) {
    const scheme = target.indexOf('://')
    if (scheme === -1) return undefined
    const slash = target.indexOf('/', scheme + 3)
    const question = target.indexOf('?', scheme + 3)
    const authorityEnd = Math.min(slash === -1 ? target.length : slash, question === -1 ? target.length : question)
    authority = target.slice(scheme + 3, authorityEnd)
    host = normaliseHost(authority)
    if (slash === -1 || (question !== -1 && question < slash)) {
      return { path: '/', rawQuery: queryOf(target, authorityEnd), host, authority }
    }
    start = slash
  }
  const q = target.indexOf('?', start)
  const rawPath = q === -1 ? (start === 0 ? target : target.slice(start)) : target.slice(start, q)
  const path = normalisePath(rawPath)
  if (path === undefined) return undefined
  return { path, rawQuery: q === -1 ? '' : target.slice(q + 1), host, authority }
}

function queryOf(target: string, from: number): string {
  const q = target.indexOf('?', from)
  return q === -1 ? '' : target.slice(q + 1)
}

/** normaliseHost lower-cases a Host value and drops its port and a trailing dot. */
export function normaliseHost(value: string): string {
  let host = value
  if (host.charCodeAt(0) === 0x5b /* '[' */) {
    const close = host.indexOf(']')
    host = close === -1 ? host : host.slice(0, close + 1)
  } else {
    const colon = host.indexOf(':')
    if (colon !== -1) host = host.slice(0, colon)
  }
  if (host.endsWith('.')) host = host.slice(0, -1)
  return hasUpper(host) ? host.toLowerCase() : host
}

function hasUpper(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x41 && c <= 0x5a) return true
  }
  return false
}

/**
 * normalisePath decodes percent-encoded unreserved characters and removes dot segments
 * (RFC 3986 §6.2.2.2 and §5.2.4), so `/a/../admin` and `/%61dmin` route as `/admin`. Paths with
 * neither `%` nor a `.` segment, the common case, are returned untouched without allocating.
 * Reserved characters stay encoded (`%2F` is not a separator). Returns undefined for malformed
 * percent-encoding.
 */
export function normalisePath(path: string): string | undefined {
  const hasPercent = path.includes('%')
  if (!hasPercent && !path.includes('/.')) return path
  let p = path
  if (hasPercent) {
    const decoded = decodeUnreserved(p)
    if (decoded === undefined) return undefined
    p = decoded
  }
  return p.includes('/.') ? removeDotSegments(p) : p
}

function decodeUnreserved(p: string): string | undefined {
  let out = ''
  let last = 0
  for (let i = p.indexOf('%'); i !== -1; i = p.indexOf('%', i + 1)) {
    const hi = hexValue(p.charCodeAt(i + 1))
    const lo = hexValue(p.charCodeAt(i + 2))
    if (hi < 0 || lo < 0) return undefined
    const c = hi * 16 + lo
    out += p.slice(last, i)
    out += isUnreserved(c) ? String.fromCharCode(c) : '%' + p.slice(i + 1, i + 3).toUpperCase()
    last = i + 3
    i += 2
  }
  return out + p.slice(last)
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  return -1
}

function isUnreserved(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0x5f ||
    c === 0x7e
  )
}

function removeDotSegments(path: string): string {
  const out: string[] = []
  const segments = path.split('/')
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i] as string
    if (s === '.') {
      if (i === segments.length - 1) out.push('')
    } else if (s === '..') {
      out.pop()
      if (i === segments.length - 1) out.push('')
    } else {
      out.push(s)
    }
  }
  return '/' + out.join('/')
}
