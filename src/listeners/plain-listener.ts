import type { Socket, TCPSocketListener } from 'bun'
import { DeadlineClock, type ClientTimeouts } from './client-timeouts.ts'
import { ConnectionSet } from './connection-set.ts'
import type { ExchangeObserver } from './exchange.ts'
import type { ConnectionHost, SocketHandler } from './http-handler.ts'
import { Http1Connection } from './http1-connection.ts'
import type { ListenerSocket } from './listener-socket.ts'
import { BunSocketTransport } from './transport.ts'

interface SocketState {
  conn: Http1Connection
  transport: BunSocketTransport
}

/**
 * PlainListener serves cleartext HTTP/1.1 on a Bun TCP listener (Bun.listen) with Weir's own
 * HTTP/1.1 connection code: measurably cheaper per request than Bun.serve plus fetch
 * (../shared/research/bun-findings.md), and it keeps every byte of parsing under Weir's control.
 */
export class PlainListener implements ListenerSocket, ConnectionHost {
  readonly protocol = 'HTTP' as const
  handler: SocketHandler
  draining = false
  readonly #server: TCPSocketListener<SocketState>
  readonly #connections = new ConnectionSet<Http1Connection>()
  readonly clock: DeadlineClock

  private constructor(
    readonly key: string,
    table: SocketHandler,
    readonly observer: ExchangeObserver,
    readonly timeouts: ClientTimeouts,
    address: string,
    port: number,
    reusePort: boolean
  ) {
    this.handler = table
    const host = this as ConnectionHost
    const connections = this.#connections
    this.#server = Bun.listen<SocketState>({
      hostname: address,
      port,
      // Bun.listen takes reusePort (SO_REUSEPORT) though bun-types omits it for listeners.
      ...(reusePort ? { reusePort: true } : {}),
      socket: {
        open(s: Socket<SocketState>) {
          const transport = new BunSocketTransport(s as Socket<unknown>)
          const conn = new Http1Connection(transport, host)
          s.data = { conn, transport }
          connections.add(conn)
        },
        data(s, chunk) {
          s.data.conn.onData(chunk)
        },
        drain(s) {
          if (s.data.transport.flush()) s.data.conn.onDrain()
        },
        close(s) {
          s.data?.conn.onClose()
        },
        error(s) {
          s.data?.conn.onClose()
        },
        timeout(s) {
          // Weir's own deadlines close connections; a socket timeout (none is set) would too.
          s.terminate()
        },
      },
    })
    // Started once the socket is bound (Bun.listen throws when it cannot be).
    this.clock = new DeadlineClock(timeouts, () => connections.values())
  }

  /** bind opens the socket; it throws if the address cannot be bound (in use, not local, ...). */
  static bind(key: string, address: string, port: number, table: SocketHandler, observer: ExchangeObserver, timeouts: ClientTimeouts, reusePort = false): PlainListener {
    return new PlainListener(key, table, observer, timeouts, address, port, reusePort)
  }

  get port(): number {
    return this.#server.port
  }

  swap(table: SocketHandler): void {
    this.handler = table
  }

  connectionClosed(conn: object): void {
    this.#connections.delete(conn as Http1Connection)
  }

  async drain(timeoutMs: number): Promise<void> {
    this.draining = true
    this.#server.stop(false)
    await this.#connections.drain(timeoutMs)
    this.clock.stop()
  }
}
