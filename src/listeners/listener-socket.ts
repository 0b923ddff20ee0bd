import type { SocketHandler } from './http-handler.ts'

/** ListenerSocket is one bound listening socket serving a SocketHandler. */
export interface ListenerSocket {
  readonly key: string
  readonly protocol: 'HTTP' | 'HTTPS'
  /** swap points the socket at a new table; requests already started keep the old one. */
  swap(table: SocketHandler): void
  /** drain stops accepting, lets in-flight requests finish for up to `timeoutMs`, then closes. */
  drain(timeoutMs: number): Promise<void>
}
