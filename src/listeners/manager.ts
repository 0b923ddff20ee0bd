import { DEFAULT_CLIENT_TIMEOUTS, type ClientTimeouts } from './client-timeouts.ts'
import type { ExchangeObserver } from './exchange.ts'
import type { SocketHandler } from './http-handler.ts'
import { describeBindError, type BindFailure } from './bind-error.ts'
import type { ListenerSocket } from './listener-socket.ts'
import { PlainListener } from './plain-listener.ts'
import { isStreamHandler, type StreamHandler, type StreamObserver } from './stream-handler.ts'
import { StreamListener } from './stream-listener.ts'
import { UdpListener } from './udp-listener.ts'
import { TlsListener } from './tls-listener.ts'

/** SocketHandlers is a generation's handler per listening socket (`address:port`): a compiled snapshot. */
export interface SocketHandlers {
  readonly tables: ReadonlyMap<string, SocketHandler>
  /** TCP, TLS and UDP sockets (`address:port/udp`). */
  readonly streams?: ReadonlyMap<string, StreamHandler>
}

/**
 * ListenerManager keeps the bound sockets in step with snapshots (Caddy's graceful swap): it
 * binds the sockets a new snapshot adds, then points every socket at its new table in one
 * synchronous loop (no request ever sees a mix of generations), then drains the sockets the
 * snapshot no longer has. A socket that cannot be bound is reported; the others carry on.
 */
export class ListenerManager {
  #sockets = new Map<string, ListenerSocket>()
  readonly #observer: ExchangeObserver
  readonly #drainTimeoutMs: number
  readonly #reusePort: boolean
  readonly #timeouts: ClientTimeouts
  readonly #streamObserver: StreamObserver

  /**
   * With `reusePort`, sockets are shared with the other worker processes (SO_REUSEPORT).
   * `streamObserver` hears of every TCP or TLS connection and UDP session that ends.
   */
  constructor(
    observer: ExchangeObserver,
    drainTimeoutMs: number,
    reusePort = false,
    timeouts = DEFAULT_CLIENT_TIMEOUTS,
    streamObserver: StreamObserver = () => {}
  ) {
    this.#observer = observer
    this.#drainTimeoutMs = drainTimeoutMs
    this.#reusePort = reusePort
    this.#timeouts = timeouts
    this.#streamObserver = streamObserver
  }

  /** apply serves a snapshot and returns the sockets that failed to bind. */
  async apply(snapshot: SocketHandlers): Promise<BindFailure[]> {
    const failures: BindFailure[] = []
    const next = new Map<string, ListenerSocket>()
    const drains: Promise<void>[] = []
    const tables = new Map<string, SocketHandler | StreamHandler>([...snapshot.tables, ...(snapshot.streams ?? [])])
    for (const [key, table] of tables) {
      const existing = this.#sockets.get(key)
      const terminates = isStreamHandler(table) && table.terminates
      if (existing && existing.protocol === table.protocol && (existing.terminates ?? false) === terminates) {
        next.set(key, existing)
        continue
      }
      if (existing) {
        // Same address and port, other protocol: the old socket must let go of the port first.
        drains.push(existing.drain(this.#drainTimeoutMs))
        this.#sockets.delete(key)
      }
      try {
        next.set(key, await this.#bind(key, table))
      } catch (err) {
        failures.push({ socketKey: key, ...describeBindError(err) })
      }
    }
    for (const [key, socket] of next) socket.swap(tables.get(key) as SocketHandler | StreamHandler)
    for (const [key, socket] of this.#sockets) {
      if (next.get(key) !== socket) drains.push(socket.drain(this.#drainTimeoutMs))
    }
    this.#sockets = next
    void Promise.all(drains)
    return failures
  }

  /** stop drains every socket: no new connections, in-flight requests finish (bounded). */
  async stop(timeoutMs = this.#drainTimeoutMs): Promise<void> {
    const all = [...this.#sockets.values()]
    this.#sockets = new Map()
    await Promise.all(all.map((s) => s.drain(timeoutMs)))
  }

  /** boundKeys lists the sockets currently open. */
  boundKeys(): string[] {
    return [...this.#sockets.keys()]
  }

  async #bind(key: string, table: SocketHandler | StreamHandler): Promise<ListenerSocket> {
    const { address, port } = parseSocketKey(key)
    if (isStreamHandler(table) && table.protocol === 'UDP') {
      return UdpListener.bind(key, address, port, table, this.#streamObserver, this.#reusePort)
    }
    if (isStreamHandler(table)) return StreamListener.bind(key, address, port, table, this.#streamObserver, this.#reusePort)
    if (table.protocol === 'HTTPS') return TlsListener.bind(key, address, port, table, this.#observer, this.#timeouts, this.#reusePort)
    return PlainListener.bind(key, address, port, table, this.#observer, this.#timeouts, this.#reusePort)
  }
}

function parseSocketKey(key: string): { address: string; port: number } {
  if (key.endsWith('/udp')) key = key.slice(0, -'/udp'.length)
  const colon = key.lastIndexOf(':')
  let address = key.slice(0, colon)
  if (address.startsWith('[')) address = address.slice(1, -1)
  return { address, port: Number(key.slice(colon + 1)) }
}
