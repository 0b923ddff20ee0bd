import { createServer, type Server, type Socket } from 'node:net'
import tls from 'node:tls'
import type { StreamProtocol } from '../model.ts'
import { ConnectionSet, type Closable } from './connection-set.ts'
import type { ListenerSocket } from './listener-socket.ts'
import { CLIENT_HELLO_TIMEOUT_MS, readServerName } from './server-name.ts'
import { SniContexts } from './sni-contexts.ts'
import type { StreamEnd, StreamHandler, StreamObserver } from './stream-handler.ts'
import { relay } from './stream-relay.ts'

/** STREAM_IDLE_TIMEOUT_MS closes a relayed connection after an hour without a byte (Envoy's tcp_proxy default). */
export const STREAM_IDLE_TIMEOUT_MS = 3_600_000

/** StreamConnection is one accepted connection: the route it was relayed on, once it has one. */
class StreamConnection implements Closable {
  route: string | undefined
  #stop: () => void

  constructor(readonly client: Socket) {
    this.#stop = () => client.destroy()
  }

  /** A relayed connection never counts as idle: a drain waits for its bytes to end. */
  readonly idle = false

  relaying(route: string, stop: () => void): void {
    this.route = route
    this.#stop = stop
  }

  /** close is what a drain asks first: a byte stream has no request boundary to stop at, so it runs on. */
  close(): void {}

  destroy(): void {
    this.#stop()
  }
}

/**
 * StreamListener serves a TCP or TLS listener on a node:net server (half-open sockets and `pipe`
 * backpressure are what a byte relay needs). TLS Passthrough connections are routed by the
 * ClientHello's SNI, read without terminating TLS; the bytes read are replayed to the upstream
 * first. TLS Terminate listeners are a node:tls server instead (certificate by SNI, as on HTTPS),
 * and relay the decrypted bytes, routed by the SNI of the handshake. A connection with no route, or whose upstream cannot be reached, is closed. A reload
 * keeps established connections whose route the new table still has and closes the others.
 */
export class StreamListener implements ListenerSocket {
  handler: StreamHandler
  readonly terminates: boolean
  readonly #server: Server
  readonly #connections = new ConnectionSet<StreamConnection>()
  readonly #observer: StreamObserver
  readonly #idleMs: number
  #contexts: SniContexts | undefined

  private constructor(
    readonly key: string,
    readonly protocol: StreamProtocol,
    table: StreamHandler,
    server: Server,
    observer: StreamObserver,
    idleMs: number
  ) {
    this.handler = table
    this.#server = server
    this.#observer = observer
    this.#idleMs = idleMs
    this.terminates = table.terminates
    if (server instanceof tls.Server) {
      this.#contexts = new SniContexts(table.listeners)
      server.on('secureConnection', (s: tls.TLSSocket) => void this.#accept(s, s.servername || undefined))
      // A failed or timed-out handshake: nothing to relay.
      server.on('tlsClientError', (_err, s) => s.destroy())
    } else {
      server.on('connection', (s: Socket) => void this.#accept(s))
    }
  }

  /** bind opens the socket; it rejects if the address cannot be bound. */
  static async bind(
    key: string,
    address: string,
    port: number,
    table: StreamHandler,
    observer: StreamObserver,
    reusePort = false,
    idleMs = STREAM_IDLE_TIMEOUT_MS
  ): Promise<StreamListener> {
    let listener: StreamListener | undefined
    const server = table.terminates
      ? tls.createServer({
          allowHalfOpen: true,
          handshakeTimeout: CLIENT_HELLO_TIMEOUT_MS,
          SNICallback: (name, cb) => cb(null, listener ? listener.#contextFor(name) : undefined),
          ...new SniContexts(table.listeners).defaultKeyPair,
        })
      : createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host: address, port, ...(reusePort ? { reusePort: true } : {}) }, () => {
        server.off('error', reject)
        resolve()
      })
    })
    listener = new StreamListener(key, table.protocol, table, server, observer, idleMs)
    return listener
  }

  get port(): number {
    const a = this.#server.address()
    return typeof a === 'object' && a ? a.port : 0
  }

  swap(table: StreamHandler): void {
    if (this.#server instanceof tls.Server) {
      this.#contexts = new SniContexts(table.listeners)
      const pair = this.#contexts.defaultKeyPair
      if (pair.cert) this.#server.setSecureContext(pair)
    }
    this.handler = table
    for (const c of [...this.#connections.values()]) {
      if (c.route !== undefined && !table.has(c.route)) c.destroy()
    }
  }

  async drain(timeoutMs: number): Promise<void> {
    this.#server.close()
    await this.#connections.drain(timeoutMs)
  }

  #contextFor(serverName: string): tls.SecureContext | undefined {
    return this.#contexts?.contextFor(this.handler.listenerFor(serverName.toLowerCase()))
  }

  /** accept routes and relays one connection; `terminatedName` is the SNI of a handshake Weir completed. */
  async #accept(client: Socket, terminatedName?: string): Promise<void> {
    const conn = new StreamConnection(client)
    this.#connections.add(conn)
    client.once('close', () => this.#connections.delete(conn))
    client.on('error', () => client.destroy())
    const table = this.handler
    const startedAt = performance.now()
    const clientAddress = `${client.remoteAddress}:${client.remotePort}`
    let head: Uint8Array | undefined
    let serverName = terminatedName?.toLowerCase()
    let listener = ''
    let routeName = ''
    const refuse = (end: StreamEnd, upstream = ''): void => {
      client.destroy()
      this.#observer({
        protocol: this.protocol,
        listener,
        route: routeName,
        client: clientAddress,
        upstream,
        ...(serverName !== undefined ? { serverName } : {}),
        bytesUp: 0,
        bytesDown: 0,
        durationMs: performance.now() - startedAt,
        end,
      })
    }
    if (this.protocol === 'TLS' && !this.terminates) {
      const hello = await readServerName(client)
      if (!hello) return refuse('bad-hello')
      ;({ head, serverName } = hello)
    }
    const route = table.route(serverName)
    if (!route) return refuse('no-route')
    listener = route.listener
    routeName = route.name
    if (client.destroyed) return refuse('closed')
    const upstream = await route.connect()
    if (!upstream) return refuse('no-upstream')
    if (client.destroyed) {
      upstream.socket.destroy()
      upstream.done()
      return refuse('closed', upstream.endpoint)
    }
    if (head) upstream.socket.write(head)
    const relayed = relay(client, upstream.socket, this.#idleMs, (end) => {
      upstream.done()
      this.#observer({
        protocol: this.protocol,
        listener,
        route: routeName,
        client: clientAddress,
        upstream: upstream.endpoint,
        ...(serverName !== undefined ? { serverName } : {}),
        bytesUp: end.bytesUp,
        bytesDown: end.bytesDown,
        durationMs: performance.now() - startedAt,
        end: end.reason,
      })
    })
    conn.relaying(route.id, relayed.destroy)
    // A reload between accept and now may already have removed the route.
    if (!this.handler.has(route.id)) relayed.destroy()
  }
}
