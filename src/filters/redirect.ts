import { httpDate } from '../http/http-date.ts'
import { statusText } from '../http/status-text.ts'
import type { Filter, FilterFactory } from './filter.ts'
import { modifyPath, parsePathModifier, type PathModifier } from './path-modifier.ts'

/** RedirectConfig is a parsed HTTPRequestRedirectFilter. */
export interface RedirectConfig {
  readonly scheme?: 'http' | 'https'
  readonly hostname?: string
  readonly port?: number
  readonly path?: PathModifier
  readonly statusCode: number
}

const WELL_KNOWN_PORT: Readonly<Record<string, number>> = { http: 80, https: 443 }

/**
 * redirectLocation builds the Location of a redirect exactly as HTTPRequestRedirectFilter says:
 * scheme and hostname default to the request's; the port is the configured one, else the scheme's
 * well-known port when the scheme is set, else the listener port; the port is left out when it is
 * 80 for http or 443 for https. The query string is kept.
 */
export function redirectLocation(
  config: RedirectConfig,
  request: { scheme: string; host: string; port: number; path: string; rawQuery: string },
  prefix: string
): string {
  const scheme = config.scheme ?? request.scheme
  const host = config.hostname ?? request.host
  const port = config.port ?? (config.scheme ? (WELL_KNOWN_PORT[config.scheme] ?? request.port) : request.port)
  const showPort = !((scheme === 'http' && port === 80) || (scheme === 'https' && port === 443))
  const path = config.path ? modifyPath(request.path, config.path, prefix) : request.path
  const query = request.rawQuery === '' ? '' : `?${request.rawQuery}`
  return `${scheme}://${host}${showPort ? `:${port}` : ''}${path}${query}`
}

/** requestRedirect answers with a redirect instead of forwarding (a terminal filter). */
export const requestRedirect: FilterFactory<RedirectConfig> = {
  type: 'RequestRedirect',
  parse(raw, { matches }) {
    const r = raw.requestRedirect ?? {}
    const path = parsePathModifier(r.path, matches)
    return {
      ...(r.scheme ? { scheme: r.scheme } : {}),
      ...(r.hostname ? { hostname: r.hostname } : {}),
      ...(r.port !== undefined ? { port: r.port } : {}),
      ...(path ? { path } : {}),
      statusCode: r.statusCode ?? 302,
    }
  },
  create(config, { match }): Filter {
    const prefix = match.path.value
    const status = config.statusCode
    return {
      request(ex) {
        const location = redirectLocation(config, ex, prefix)
        const ds = ex.downstream
        ds.sendHead(status, statusText(status), ['location', location, 'date', httpDate()], [], { kind: 'length', length: 0 })
        ds.endBody()
        ex.finish(status)
        return true
      },
    }
  },
}
