import type { RouteStats } from '../admin/metrics.ts'
import type { Exchange } from '../listeners/exchange.ts'
import { ANY_HOST, hostMatchesWildcard, isWildcard } from '../translate/hostnames.ts'
import { HostIndex } from './host-index.ts'
import type { MatchCondition, RequestPredicate } from './matchers.ts'

/** CompiledRoute is one route match, ready for the request path. */
export interface CompiledRoute {
  readonly name: string
  readonly listener: string
  readonly hostname: string
  readonly stats: RouteStats
  readonly matches: RequestPredicate
  /** The same match as separate conditions, for `weir explain`; requests use `matches`. */
  readonly conditions: readonly MatchCondition[]
  /** handle answers the exchange (forward, respond, ...); the chain is composed at compile time. */
  readonly handle: (ex: Exchange) => void
}

/**
 * RouteTable holds one listener's routes indexed by request host. For every hostname a route
 * uses, it stores the candidates a request for that host must try, already in precedence order:
 * the routes for the exact host, then those of every wildcard that covers it (longest first),
 * then the catch-all routes. A request costs one host lookup and a scan of its candidates.
 */
export class RouteTable {
  readonly #byHost = new HostIndex<readonly CompiledRoute[]>()

  /**
   * constructor takes routes sorted by precedence (hostname specificity first). Routes are
   * grouped by hostname first, so building costs (hostnames × wildcard hostnames), not
   * (hostnames × routes): ten thousand virtual hosts build in milliseconds.
   */
  constructor(sorted: readonly CompiledRoute[]) {
    const groups = new Map<string, number[]>()
    sorted.forEach((r, i) => {
      const g = groups.get(r.hostname)
      if (g) g.push(i)
      else groups.set(r.hostname, [i])
    })
    const wildcards = [...groups.keys()].filter((h) => h === ANY_HOST || isWildcard(h))
    for (const [h, own] of groups) {
      const indices = [...own]
      for (const w of wildcards) if (w !== h && covers(w, h)) indices.push(...(groups.get(w) as number[]))
      indices.sort((x, y) => x - y)
      this.#byHost.set(
        h,
        indices.map((i) => sorted[i] as CompiledRoute)
      )
    }
  }

  /** route returns the first route whose match accepts the exchange, or undefined (404). */
  route(ex: Exchange): CompiledRoute | undefined {
    const candidates = this.#byHost.lookup(ex.host)
    if (candidates === undefined) return undefined
    for (let i = 0; i < candidates.length; i++) {
      const r = candidates[i] as CompiledRoute
      if (r.matches(ex)) return r
    }
    return undefined
  }

  /** candidates lists the routes a request for `host` tries, in precedence order (for explain). */
  candidates(host: string): readonly CompiledRoute[] {
    return this.#byHost.lookup(host) ?? []
  }

  /** hostnames lists the distinct hostnames indexed. */
  get hostnames(): string[] {
    return [...this.#byHost.entries()].map(([h]) => h)
  }
}

/**
 * covers tells whether a route with hostname `route` may serve requests that the index files
 * under `key`: the same name, a wildcard covering it, or the catch-all.
 */
function covers(route: string, key: string): boolean {
  if (route === key || route === ANY_HOST) return true
  if (!isWildcard(route)) return false
  if (key === ANY_HOST) return false
  return hostMatchesWildcard(isWildcard(key) ? key.slice(2) : key, route)
}
