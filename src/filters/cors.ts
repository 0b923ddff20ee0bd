import type { Exchange } from '../listeners/exchange.ts'
import { httpDate } from '../http/http-date.ts'
import type { Filter, FilterFactory } from './filter.ts'
import { setHeader } from './header-list.ts'

/** CorsConfig is a parsed HTTPCORSFilter (or the guide's CORSPolicy, which maps onto it). */
export interface CorsConfig {
  readonly allowOrigins: readonly string[]
  readonly allowMethods: readonly string[]
  readonly allowHeaders: readonly string[]
  readonly exposeHeaders: readonly string[]
  readonly allowCredentials: boolean
  readonly maxAgeSeconds: number
}

/** DEFAULT_MAX_AGE is the Access-Control-Max-Age the spec requires when maxAge is unset. */
export const DEFAULT_MAX_AGE = 5

/** parseCors reads the `cors` block of a `type: CORS` filter. */
export function parseCors(raw: Record<string, any> | undefined): CorsConfig {
  return {
    allowOrigins: raw?.allowOrigins ?? [],
    allowMethods: raw?.allowMethods ?? [],
    allowHeaders: raw?.allowHeaders ?? [],
    exposeHeaders: raw?.exposeHeaders ?? [],
    allowCredentials: raw?.allowCredentials === true,
    maxAgeSeconds: typeof raw?.maxAge === 'number' ? raw.maxAge : DEFAULT_MAX_AGE,
  }
}

/**
 * compileOriginMatcher turns allowOrigins into a test. An origin is `scheme://host[:port]` with
 * the default port implied; `*` in the host matches greedily to the left across any number of
 * labels (`https://*.bar.com` matches `https://a.b.bar.com`); `*` alone matches every origin.
 */
export function compileOriginMatcher(allowOrigins: readonly string[]): (origin: string) => boolean {
  if (allowOrigins.includes('*')) return () => true
  const exact = new Set<string>()
  const patterns: RegExp[] = []
  for (const o of allowOrigins) {
    const normal = withDefaultPort(o.toLowerCase())
    if (normal.includes('*')) {
      const source = normal.split('*').map(escapeRegex).join('.*')
      patterns.push(new RegExp(`^${source}$`))
    } else {
      exact.add(normal)
    }
  }
  return (origin) => {
    const o = withDefaultPort(origin.toLowerCase())
    return exact.has(o) || patterns.some((p) => p.test(o))
  }
}

function withDefaultPort(origin: string): string {
  const m = /^(https?):\/\/([^/:]+)(:\d+)?$/.exec(origin)
  if (!m) return origin
  const port = m[3] ?? (m[1] === 'https' ? ':443' : ':80')
  return `${m[1]}://${m[2]}${port}`
}

function escapeRegex(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * createCorsFilter implements the HTTPCORSFilter behaviour: a preflight (OPTIONS with Origin and
 * Access-Control-Request-Method) is answered by the gateway with 200 and the CORS headers when
 * the origin is allowed, without them otherwise; an actual request from an allowed origin gets
 * Access-Control-Allow-Origin (the origin echoed), -Allow-Credentials and -Expose-Headers on its
 * response. Wildcards are never sent back on credentialed configurations: the request's own
 * method and headers are echoed instead, as the spec requires.
 */
export function createCorsFilter(config: CorsConfig): Filter {
  const allowed = compileOriginMatcher(config.allowOrigins)
  const methodsWildcard = config.allowMethods.includes('*')
  const headersWildcard = config.allowHeaders.includes('*')
  const exposeWildcard = config.exposeHeaders.includes('*')
  const methods = config.allowMethods.join(', ')
  const headers = config.allowHeaders.join(', ')
  const expose = config.exposeHeaders.join(', ')
  const credentials = config.allowCredentials
  const maxAge = String(config.maxAgeSeconds)

  const exposeValue = (): string | undefined => {
    if (config.exposeHeaders.length === 0) return undefined
    if (exposeWildcard) return credentials ? undefined : '*'
    return expose
  }

  return {
    request(ex) {
      const origin = ex.header('origin')
      if (origin === undefined) return false
      const requestedMethod = ex.header('access-control-request-method')
      if (ex.method !== 'OPTIONS' || requestedMethod === undefined) return false
      const out: string[] = ['vary', 'Origin', 'date', httpDate()]
      if (allowed(origin)) {
        out.push('access-control-allow-origin', origin)
        if (credentials) out.push('access-control-allow-credentials', 'true')
        if (config.allowMethods.length > 0) {
          out.push('access-control-allow-methods', methodsWildcard ? requestedMethod : methods)
        }
        const requestedHeaders = ex.header('access-control-request-headers')
        if (config.allowHeaders.length > 0) {
          if (!headersWildcard) out.push('access-control-allow-headers', headers)
          else if (requestedHeaders !== undefined) out.push('access-control-allow-headers', requestedHeaders)
        }
        const e = exposeValue()
        if (e !== undefined) out.push('access-control-expose-headers', e)
        out.push('access-control-max-age', maxAge)
      }
      answerPreflight(ex, out)
      return true
    },
    response(ex, head) {
      // The CORS headers depend on the Origin sent, so a shared cache must key on it even for
      // answers that got none (no Origin, or one not allowed).
      head.headers.push('vary', 'Origin')
      const origin = ex.header('origin')
      if (origin === undefined || !allowed(origin)) return
      // Set, not appended: an upstream's own value beside ours would be two values, which
      // browsers reject.
      setHeader(head.headers, 'access-control-allow-origin', origin)
      if (credentials) setHeader(head.headers, 'access-control-allow-credentials', 'true')
      const e = exposeValue()
      if (e !== undefined) setHeader(head.headers, 'access-control-expose-headers', e)
    },
  }
}

function answerPreflight(ex: Exchange, headers: string[]): void {
  const ds = ex.downstream
  ds.sendHead(200, 'OK', headers, [], { kind: 'length', length: 0 })
  ds.endBody()
  ex.finish(200)
}

/** cors is the `type: CORS` filter (standard since Gateway API v1.5). */
export const cors: FilterFactory<CorsConfig> = {
  type: 'CORS',
  parse: (raw) => parseCors(raw.cors),
  create: (config) => createCorsFilter(config),
}
