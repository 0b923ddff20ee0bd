import type { ErrorSource } from '../http/error-source.ts'
import type { Downstream } from './downstream.ts'
import type { RequestBody } from '../http/body.ts'

/** ExchangeRoute is what the access log and metrics need to know about the matched route. */
export interface ExchangeRoute {
  readonly name: string
  readonly listener: string
}

/** ExchangeStats is where a finished exchange is counted (the metrics' per-route counters are one). */
export interface ExchangeStats {
  record(status: number, startedAt: number): void
}

/** ExchangeObserver is told when an exchange ends (access log and metrics). */
export type ExchangeObserver = (ex: Exchange) => void

/**
 * Exchange is the per-request context (Pingora CTX, Hono Context): the parsed request head, the
 * downstream it answers on, the matched route and what happened. Header names are lower-case;
 * the query string is parsed lazily, once, and only if a route needs it.
 */
export class Exchange {
  /** The route that matched, once routing has run. */
  route: ExchangeRoute | undefined = undefined
  /** The listener (namespace/gateway/listener) that took the request. */
  listener = ''
  /** Where the request is counted; set by routing (the route's, or its listener's for a 404). */
  stats: ExchangeStats | undefined = undefined
  status = 0
  /** `address:port` of the upstream endpoint that answered, if any. */
  upstream = ''
  /** Where a failure came from, for logs. */
  errorSource: ErrorSource = ''
  errorMessage = ''
  /** The port of the listener socket (redirects default to it). */
  port = 0
  /** The path sent upstream: the request path unless a URLRewrite changed it. */
  upstreamPath: string
  /** The Upgrade the client asked for (`websocket`), or '' for a plain request. */
  upgrade = ''
  /** A body that replaces the client's (an inference request whose model was rewritten). */
  bodyOverride: RequestBody | undefined = undefined
  readonly startedAt: number
  #query: Map<string, string> | undefined
  #finished = false

  constructor(
    readonly method: string,
    /** Normalised path, without the query. */
    readonly path: string,
    /** Raw query string after '?', or '' when there is none. */
    readonly rawQuery: string,
    /** Host without port, lower-case, for routing. */
    readonly host: string,
    /** Host as the client sent it (Host header or absolute-form authority); URLRewrite may change it. */
    public authority: string,
    /** Flat pairs [name, value, ...], names lower-case; request filters edit it in place. */
    public headers: string[],
    /** Header names the client listed in Connection: hop-by-hop for this request. */
    readonly connectionTokens: readonly string[],
    readonly clientAddress: string,
    readonly scheme: 'http' | 'https',
    readonly downstream: Downstream,
    readonly observer: ExchangeObserver
  ) {
    this.startedAt = performance.now()
    this.upstreamPath = path
  }

  /** requestBody is the body to forward: the client's, unless something replaced it. */
  get requestBody(): RequestBody | undefined {
    return this.bodyOverride ?? this.downstream.requestBody
  }

  /** header returns the first value of a header (repeated headers are joined with ", "). */
  header(name: string): string | undefined {
    const h = this.headers
    let found: string | undefined
    for (let i = 0; i < h.length; i += 2) {
      if (h[i] === name) found = found === undefined ? h[i + 1] : `${found}, ${h[i + 1]}`
    }
    return found
  }

  /** queryParam returns the first value of a query parameter (names are case-sensitive). */
  queryParam(name: string): string | undefined {
    if (this.rawQuery === '') return undefined
    this.#query ??= parseQuery(this.rawQuery)
    return this.#query.get(name)
  }

  /** finish records the outcome once; later calls are ignored. */
  finish(status: number): void {
    if (this.#finished) return
    this.#finished = true
    if (this.status === 0) this.status = status
    this.observer(this)
  }

  get finished(): boolean {
    return this.#finished
  }
}

function parseQuery(raw: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of raw.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const name = decode(eq === -1 ? part : part.slice(0, eq))
    if (out.has(name)) continue // the first value counts (HTTPQueryParamMatch)
    out.set(name, eq === -1 ? '' : decode(part.slice(eq + 1)))
  }
  return out
}

function decode(s: string): string {
  const plus = s.includes('+') ? s.replaceAll('+', ' ') : s
  try {
    return decodeURIComponent(plus)
  } catch {
    return plus
  }
}
