import type { ClientTimeouts, DeadlineClock } from './client-timeouts.ts'
import type { ListenerTls, SocketProtocol } from '../model.ts'
import type { Exchange, ExchangeObserver } from './exchange.ts'

/** HttpHandler routes and serves requests; a compiled listener-socket table implements it. */
export interface HttpHandler {
  /**
   * handle takes over an exchange: it answers it on `ex.downstream`, now or later. `serverName`
   * is the TLS SNI of the connection, used to detect misdirected requests (421).
   */
  handle(ex: Exchange, serverName: string | undefined): void
}

/** ServedListener is what a listening socket knows of one Gateway listener: the host it serves and its certificates. */
export interface ServedListener {
  readonly hostname: string | undefined
  readonly tls: ListenerTls | undefined
}

/**
 * SocketHandler is what serves one listening socket for one generation (a compiled socket table
 * is one): the protocol, the Gateway listeners for SNI and certificates, and the request handler.
 */
export interface SocketHandler extends HttpHandler {
  readonly protocol: SocketProtocol
  readonly listeners: readonly ServedListener[]
  /** listenerFor returns the listener serving a host or TLS server name. */
  listenerFor(host: string): ServedListener | undefined
}

/**
 * ConnectionHost is what a client connection needs from the listener socket that accepted it.
 * `handler` is read once per request, so a reload that swaps it takes effect for the next request
 * while in-flight requests finish on the configuration they started with.
 */
export interface ConnectionHost {
  readonly handler: HttpHandler
  readonly observer: ExchangeObserver
  /** True once the socket is being drained: connections close after their current request. */
  readonly draining: boolean
  readonly timeouts: ClientTimeouts
  /** The listener's deadline clock: its `now` is the time deadlines are counted from. */
  readonly clock: DeadlineClock
  /** connectionClosed lets the host track open connections for draining. */
  connectionClosed(conn: object): void
}
