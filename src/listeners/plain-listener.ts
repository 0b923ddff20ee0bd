import type { Socket, TCPSocketListener } from 'bun'
import http2 from 'node:http2'
import { BunSocketDuplex } from './bun-socket-duplex.ts'
import { DeadlineClock, type ClientTimeouts, type TimedConnection } from './client-timeouts.ts'
import { ConnectionSet, type Closable } from './connection-set.ts'
import type { ExchangeObserver } from './exchange.ts'
import { matchPreface } from './h2-preface.ts'
import { Http2Session } from './http2-session.ts'
import { HTTP2_SERVER_OPTIONS } from './http2-settings.ts'
import type { ConnectionHost, SocketHandler } from './http-handler.ts'
import { Http1Connection } from './http1-connection.ts'
import type { ListenerSocket } from './listener-socket.ts'
import { BunSocketTransport } from './transport.ts'
import { concatBytes } from '../net/concat-bytes.ts'

interface SocketState {
  conn: Http1Connection
  transport: BunSocketTransport
  /** Set once the first bytes were not the HTTP/2 preface: the one test on the HTTP/1.1 path. */
  http1: boolean
  /** First bytes that are so far a prefix of the HTTP/2 preface. */
  held: Uint8Array | undefined
  /** Set once the connection turned out to be cleartext HTTP/2. */
  h2: BunSocketDuplex | undefined
}

/**
 * PlainListener serves cleartext HTTP/1.1 on a Bun TCP listener (Bun.listen) with Weir's own
 * HTTP/1.1 connection code: measurably cheaper per request than Bun.serve plus fetch
 * (../shared/research/bun-findings.md), and it keeps every byte of parsing under Weir's control.
 * A connection whose first bytes are the HTTP/2 preface (h2c with prior knowledge, as gRPC
 * clients speak it) is handed to a node:http2 server instead; only a connection's first data
 * event looks for it, so HTTP/1.1 requests pay nothing.
 */
export class PlainListener implements ListenerSocket, ConnectionHost {
  readonly protocol = 'HTTP' as const
  handler: SocketHandler
  draining = false
  readonly #server: TCPSocketListener<SocketState>
  readonly #connections = new ConnectionSet<Closable & TimedConnection>()
  readonly #h2: http2.Http2Server
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
    const h2 = http2.createServer(HTTP2_SERVER_OPTIONS)
    h2.on('session', (session) => connections.add(new Http2Session(session, host, 'http')))
    this.#h2 = h2
    this.#server = Bun.listen<SocketState>({
      hostname: address,
      port,
      // Bun.listen takes reusePort (SO_REUSEPORT) though bun-types omits it for listeners.
      ...(reusePort ? { reusePort: true } : {}),
      socket: {
        open(s: Socket<SocketState>) {
          const transport = new BunSocketTransport(s as Socket<unknown>)
          const conn = new Http1Connection(transport, host)
          s.data = { conn, transport, http1: false, held: undefined, h2: undefined }
          connections.add(conn)
        },
        data(s, chunk) {
          const st = s.data
          if (st.http1) st.conn.onData(chunk)
          else if (st.h2) st.h2.socketData(chunk)
          else sniff(s, st, chunk)
        },
        drain(s) {
          const st = s.data
          if (st.h2) st.h2.socketDrained()
          else if (st.transport.flush()) st.conn.onDrain()
        },
        close(s) {
          if (s.data?.h2) s.data.h2.socketClosed()
          else s.data?.conn.onClose()
        },
        error(s) {
          if (s.data?.h2) s.data.h2.socketClosed()
          else s.data?.conn.onClose()
        },
        timeout(s) {
          // Weir's own deadlines close connections; a socket timeout (none is set) would too.
          s.terminate()
        },
      },
    })
    // Started once the socket is bound (Bun.listen throws when it cannot be).
    this.clock = new DeadlineClock(timeouts, () => connections.values())

    /** sniff tells HTTP/1.1 from the HTTP/2 preface on the connection's first bytes. */
    function sniff(s: Socket<SocketState>, st: SocketState, chunk: Uint8Array): void {
      const bytes = st.held ? concatBytes(st.held, chunk) : chunk
      const verdict = matchPreface(bytes)
      if (verdict === 'more') {
        st.held = bytes
        return
      }
      st.held = undefined
      if (verdict === 'http1') {
        st.http1 = true
        st.conn.onData(bytes)
        return
      }
      st.h2 = new BunSocketDuplex(s as Socket<unknown>)
      h2.emit('connection', st.h2) // its session joins `connections`
      // The HTTP/1.1 connection never saw a byte: it only leaves the set the drain and clock walk.
      connections.delete(st.conn)
      st.h2.socketData(bytes)
    }
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
    this.#connections.delete(conn as Closable & TimedConnection)
  }

  async drain(timeoutMs: number): Promise<void> {
    this.draining = true
    this.#server.stop(false)
    await this.#connections.drain(timeoutMs)
    this.clock.stop()
  }
}
