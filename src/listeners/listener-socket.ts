import type { SocketProtocol } from '../model.ts'
import type { SocketHandler } from './http-handler.ts'
import type { StreamHandler } from './stream-handler.ts'

/** ListenerSocket is one bound listening socket serving a SocketHandler (HTTP) or a StreamHandler (TCP, TLS). */
export interface ListenerSocket {
  readonly key: string
  readonly protocol: SocketProtocol
  /** Set by TLS stream sockets: a socket cannot switch between Terminate and Passthrough. */
  readonly terminates?: boolean
  /** swap points the socket at a new table; requests already started keep the old one. */
  swap(table: SocketHandler | StreamHandler): void
  /** drain stops accepting, lets in-flight requests finish for up to `timeoutMs`, then closes. */
  drain(timeoutMs: number): Promise<void>
}
