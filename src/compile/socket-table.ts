import type { RouteStats } from '../admin/metrics.ts'
import type { Exchange } from '../listeners/exchange.ts'
import type { HttpHandler } from '../listeners/http-handler.ts'
import type { ListenerTls, SocketProtocol } from '../model.ts'
import { respondError } from '../proxy/respond-error.ts'
import { HostIndex } from './host-index.ts'
import type { CompiledRoute, RouteTable } from './route-table.ts'

/** CompiledListener is one Gateway listener on a socket: its hostname, TLS and routes. */
export interface CompiledListener {
  readonly key: string
  readonly hostname: string | undefined
  readonly tls: ListenerTls | undefined
  readonly routes: RouteTable
  /** Counts requests this listener took that no route matched. */
  readonly unmatched: RouteStats
}

/**
 * SocketTable is the immutable routing table of one listening socket for one generation. It
 * picks the Gateway listener by host (listener isolation: only the most specific listener's
 * routes serve a host), checks the host against the TLS server name (421 for a request that
 * belongs to another listener than the one its connection was set up for), then routes.
 */
export class SocketTable implements HttpHandler {
  readonly #listeners = new HostIndex<CompiledListener>()
  readonly listeners: readonly CompiledListener[]

  constructor(
    readonly key: string,
    readonly port: number,
    readonly protocol: SocketProtocol,
    listeners: readonly CompiledListener[]
  ) {
    this.listeners = listeners
    for (const l of listeners) this.#listeners.set(l.hostname ?? '*', l)
  }

  /** listenerFor returns the listener serving a host or TLS server name. */
  listenerFor(host: string): CompiledListener | undefined {
    return this.#listeners.lookup(host)
  }

  handle(ex: Exchange, serverName: string | undefined): void {
    const found = this.resolve(ex, serverName)
    if (typeof found === 'number') {
      respondError(ex, found)
      ex.finish(found)
      return
    }
    found.handle(ex)
  }

  /**
   * resolve finds the route for a request, or the status to answer: 404 when no listener or
   * route matches, 421 when the Host belongs to another listener than the one the TLS server
   * name selected (GatewaySpec listener hostnames: the request was misdirected).
   */
  resolve(ex: Exchange, serverName: string | undefined): CompiledRoute | 404 | 421 {
    const listener = this.#listeners.lookup(ex.host)
    if (serverName !== undefined && listener !== undefined && this.#listeners.lookup(serverName) !== listener) {
      return 421
    }
    if (listener === undefined) return 404
    ex.listener = listener.key
    ex.port = this.port
    const route = listener.routes.route(ex)
    if (route === undefined) {
      ex.stats = listener.unmatched
      return 404
    }
    ex.route = route
    ex.stats = route.stats
    return route
  }
}
