import { createSocket, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import type { ListenerSocket } from './listener-socket.ts'
import type { StreamEnd, StreamEndpoint, StreamHandler, StreamObserver, StreamRoute } from './stream-handler.ts'

/** UdpLimits bound the session table: how long a quiet session lives, and how many there may be. */
export interface UdpLimits {
  readonly idleMs: number
  readonly maxSessions: number
}

/** DEFAULT_UDP_LIMITS: a minute without a datagram ends a session (Envoy's udp_proxy default). */
export const DEFAULT_UDP_LIMITS: UdpLimits = { idleMs: 60_000, maxSessions: 16_384 }

/** A session buffers this many datagrams while its upstream socket is being opened. */
const PENDING_MAX = 64

/**
 * UdpSession is one client address:port and the upstream socket connected to the endpoint chosen
 * for it. The upstream socket is connected, so the kernel only hands it that endpoint's
 * datagrams, and they are sent only to the client that opened the session.
 */
class UdpSession {
  readonly startedAt = performance.now()
  lastSeen = this.startedAt
  upstream: Socket | undefined
  pending: Buffer[] | undefined = []
  closed = false
  bytesUp = 0
  bytesDown = 0

  constructor(
    readonly route: StreamRoute,
    readonly client: string,
    readonly endpoint: StreamEndpoint
  ) {}

  send(datagram: Buffer): void {
    this.lastSeen = performance.now()
    this.bytesUp += datagram.length
    if (this.upstream) this.upstream.send(datagram)
    else if (this.pending && this.pending.length < PENDING_MAX) this.pending.push(datagram)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.upstream?.close()
    this.endpoint.done()
  }
}

/**
 * UdpListener serves a UDP listener on a node:dgram socket (SO_REUSEPORT for `--workers`, which
 * Bun.udpSocket lacks). Each client address:port gets a session bound to one endpoint, chosen
 * when its first datagram arrives; sessions end after `idleMs` without a datagram either way, or
 * when a reload drops their route. A full table drops datagrams of new clients, never live ones.
 */
export class UdpListener implements ListenerSocket {
  readonly protocol = 'UDP' as const
  handler: StreamHandler
  readonly #socket: Socket
  readonly #sessions = new Map<string, UdpSession>()
  readonly #limits: UdpLimits
  readonly #observer: StreamObserver
  readonly #sweep: ReturnType<typeof setInterval>

  private constructor(
    readonly key: string,
    table: StreamHandler,
    socket: Socket,
    observer: StreamObserver,
    limits: UdpLimits
  ) {
    this.handler = table
    this.#observer = observer
    this.#socket = socket
    this.#limits = limits
    socket.on('message', (msg, rinfo) => this.#receive(msg, rinfo.address, rinfo.port))
    this.#sweep = setInterval(() => this.#expire(), Math.max(10, Math.min(limits.idleMs / 4, 5_000)))
    this.#sweep.unref()
  }

  /** bind opens the socket; it rejects if the address cannot be bound. */
  static async bind(
    key: string,
    address: string,
    port: number,
    table: StreamHandler,
    observer: StreamObserver,
    reusePort = false,
    limits = DEFAULT_UDP_LIMITS
  ): Promise<UdpListener> {
    const socket = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4', ...(reusePort ? { reusePort: true } : {}) })
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(port, address, () => {
        socket.off('error', reject)
        resolve()
      })
    })
    socket.on('error', () => {}) // a send error concerns one datagram, not the socket
    return new UdpListener(key, table, socket, observer, limits)
  }

  get port(): number {
    return this.#socket.address().port
  }

  /** sessions counts the open sessions. */
  get sessions(): number {
    return this.#sessions.size
  }

  swap(table: StreamHandler): void {
    this.handler = table
    for (const [client, s] of this.#sessions) {
      if (!table.has(s.route.id)) this.#end(client, s, 'closed')
    }
  }

  /** drain closes the socket and every session: a datagram has nothing in flight to wait for. */
  async drain(): Promise<void> {
    clearInterval(this.#sweep)
    for (const [client, s] of this.#sessions) this.#end(client, s, 'closed')
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()))
  }

  #receive(datagram: Buffer, address: string, port: number): void {
    const client = `${address}|${port}`
    const existing = this.#sessions.get(client)
    if (existing) return existing.send(datagram)
    if (this.#sessions.size >= this.#limits.maxSessions) return
    const route = this.handler.route(undefined)
    const endpoint = route?.pickEndpoint()
    if (!route || !endpoint) return
    const session = new UdpSession(route, `${address}:${port}`, endpoint)
    this.#sessions.set(client, session)
    session.send(datagram)
    this.#openUpstream(session, address, port)
  }

  #openUpstream(session: UdpSession, clientAddress: string, clientPort: number): void {
    const upstream = createSocket(isIPv6(session.endpoint.address) ? 'udp6' : 'udp4')
    upstream.on('error', () => {})
    upstream.on('message', (reply) => {
      session.lastSeen = performance.now()
      session.bytesDown += reply.length
      this.#socket.send(reply, clientPort, clientAddress)
    })
    upstream.connect(session.endpoint.port, session.endpoint.address, () => {
      if (session.closed) return void upstream.close()
      session.upstream = upstream
      for (const d of session.pending ?? []) upstream.send(d)
      session.pending = undefined
    })
  }

  #expire(): void {
    const cutoff = performance.now() - this.#limits.idleMs
    for (const [client, s] of this.#sessions) if (s.lastSeen < cutoff) this.#end(client, s, 'idle')
  }

  #end(client: string, s: UdpSession, end: StreamEnd): void {
    this.#sessions.delete(client)
    s.close()
    this.#observer({
      protocol: 'UDP',
      listener: s.route.listener,
      route: s.route.name,
      client: s.client,
      upstream: `${s.endpoint.address}:${s.endpoint.port}`,
      bytesUp: s.bytesUp,
      bytesDown: s.bytesDown,
      durationMs: performance.now() - s.startedAt,
      end,
    })
  }
}
