import http2 from 'node:http2'
import tls from 'node:tls'
import { DeadlineClock, type ClientTimeouts, type TimedConnection } from './client-timeouts.ts'
import { ConnectionSet, type Closable } from './connection-set.ts'
import type { ExchangeObserver } from './exchange.ts'
import { Http2Session } from './http2-session.ts'
import { HTTP2_SERVER_OPTIONS } from './http2-settings.ts'
import type { ConnectionHost, SocketHandler } from './http-handler.ts'
import { Http1Connection } from './http1-connection.ts'
import type { ListenerSocket } from './listener-socket.ts'
import { SniContexts } from './sni-contexts.ts'
import { NodeSocketTransport } from './transport.ts'

/**
 * TlsListener terminates TLS for HTTPS listeners with node:tls, whose SNICallback lets Weir pick
 * the certificate of the listener that owns the server name (Bun.listen takes one certificate
 * only, and Bun.serve does not expose the SNI a connection used, which the 421 check needs).
 * ALPN offers h2 and http/1.1: HTTP/2 connections go to a node:http2 server, HTTP/1.1 ones to
 * Weir's own connection code over the TLS socket.
 */
export class TlsListener implements ListenerSocket, ConnectionHost {
  readonly protocol = 'HTTPS' as const
  handler: SocketHandler
  draining = false
  readonly #server: tls.Server
  readonly #h2: http2.Http2Server
  readonly #connections = new ConnectionSet<Closable & TimedConnection>()
  readonly clock: DeadlineClock
  #contexts: SniContexts

  private constructor(
    readonly key: string,
    table: SocketHandler,
    readonly observer: ExchangeObserver,
    readonly timeouts: ClientTimeouts
  ) {
    this.handler = table
    this.clock = new DeadlineClock(timeouts, () => this.#connections.values())
    this.#contexts = new SniContexts(table.listeners)
    this.#h2 = http2.createServer(HTTP2_SERVER_OPTIONS)
    this.#h2.on('session', (session) => {
      const s = new Http2Session(session, this, 'https')
      this.#connections.add(s)
    })
    this.#server = tls.createServer(
      {
        ALPNProtocols: ['h2', 'http/1.1'],
        // A client that connects and never finishes its handshake is held no longer than a request head.
        handshakeTimeout: timeouts.headerMs,
        SNICallback: (name, cb) => cb(null, this.#contextFor(name)),
        ...this.#contexts.defaultKeyPair,
      },
      (socket) => this.#accept(socket)
    )
    this.#server.on('tlsClientError', (_err, socket) => {
      // A failed or timed-out handshake (wrong SNI, scanner, plain HTTP on the TLS port, a client
      // that never says hello): nothing to serve. Bun reports the handshake timeout here without
      // closing the socket, so it is closed here.
      socket.destroy()
    })
  }

  /** bind opens the socket and resolves once it listens; it rejects if the address cannot be bound. */
  static bind(
    key: string,
    address: string,
    port: number,
    table: SocketHandler,
    observer: ExchangeObserver,
    timeouts: ClientTimeouts,
    reusePort = false
  ): Promise<TlsListener> {
    const l = new TlsListener(key, table, observer, timeouts)
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        l.clock.stop()
        reject(err)
      }
      l.#server.once('error', onError)
      l.#server.listen({ port, host: address, reusePort }, () => {
        l.#server.off('error', onError)
        resolve(l)
      })
    })
  }

  get port(): number {
    const a = this.#server.address()
    return typeof a === 'object' && a !== null ? a.port : 0
  }

  swap(table: SocketHandler): void {
    this.#contexts = new SniContexts(table.listeners)
    this.handler = table
    const pair = this.#contexts.defaultKeyPair
    if (pair.cert) this.#server.setSecureContext(pair)
  }

  connectionClosed(conn: object): void {
    this.#connections.delete(conn as Closable & TimedConnection)
  }

  async drain(timeoutMs: number): Promise<void> {
    this.draining = true
    this.#server.close()
    await this.#connections.drain(timeoutMs)
    this.clock.stop()
  }

  #accept(socket: tls.TLSSocket): void {
    if (socket.alpnProtocol === 'h2') {
      this.#h2.emit('connection', socket)
      return
    }
    const transport = new NodeSocketTransport(socket, true)
    const conn = new Http1Connection(transport, this)
    this.#connections.add(conn)
    socket.on('data', (chunk: Buffer) => conn.onData(chunk))
    socket.on('drain', () => conn.onDrain())
    socket.on('close', () => conn.onClose())
    socket.on('error', () => socket.destroy())
  }

  #contextFor(serverName: string): tls.SecureContext | undefined {
    return this.#contexts.contextFor(this.handler.listenerFor(serverName.toLowerCase()))
  }
}
