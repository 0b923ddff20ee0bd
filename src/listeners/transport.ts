import type { Socket } from 'bun'
import type { Duplex } from 'node:stream'
import { BunSocketWriter } from '../net/bun-socket-writer.ts'

/**
 * Transport is the byte stream under one client connection, whatever carries it: a Bun TCP
 * socket for plain HTTP or a node:tls socket for HTTPS. The HTTP/1.1 connection code reads and
 * writes through it only, so both listener kinds share one implementation.
 */
export interface Transport {
  /**
   * write queues bytes; false means the peer is slow: stop producing until `onDrain`. A string
   * must be ASCII (HTTP heads are; callers pass bytes when a header holds other octets).
   */
  write(data: Uint8Array | string): boolean
  /**
   * writeHead writes a head (a latin1 string) and optionally the first body bytes
   * `body[start, end)` in a single write.
   */
  writeHead(head: string, body?: Uint8Array, start?: number, end?: number): boolean
  /** end flushes what is queued, then closes the write side. */
  end(): void
  /** destroy closes at once, dropping queued bytes. */
  destroy(): void
  pause(): void
  resume(): void
  readonly remoteAddress: string
  readonly secure: boolean
  /** The TLS server name the client sent, if any. */
  readonly serverName: string | undefined
}

/** TransportEvents is what a transport reports to the connection that owns it. */
export interface TransportEvents {
  onData(chunk: Uint8Array): void
  onDrain(): void
  onClose(): void
}

/**
 * BunSocketTransport adapts a Bun TCP socket; BunSocketWriter handles its partial writes.
 */
export class BunSocketTransport implements Transport {
  readonly #socket: Socket<unknown>
  readonly #writer: BunSocketWriter
  #ending = false
  readonly secure = false
  readonly serverName = undefined

  constructor(socket: Socket<unknown>) {
    this.#socket = socket
    this.#writer = new BunSocketWriter(socket)
  }

  get remoteAddress(): string {
    return this.#socket.remoteAddress
  }

  write(data: Uint8Array | string): boolean {
    return this.#writer.write(data)
  }

  writeHead(head: string, body?: Uint8Array, start?: number, end?: number): boolean {
    return this.#writer.writeHead(head, body, start, end)
  }

  /** flush writes queued bytes; it returns true once the queue is empty. Called on `drain`. */
  flush(): boolean {
    if (!this.#writer.flush()) return false
    if (this.#ending) this.#socket.end()
    return true
  }

  end(): void {
    if (this.#writer.pending) this.#ending = true
    else this.#socket.end()
  }

  destroy(): void {
    this.#writer.clear()
    this.#socket.terminate()
  }

  pause(): void {
    this.#socket.pause()
  }

  resume(): void {
    this.#socket.resume()
  }
}

/** NodeSocketTransport adapts a node:net / node:tls socket, which buffers writes itself. */
export class NodeSocketTransport implements Transport {
  readonly #socket: Duplex & { remoteAddress?: string; servername?: string | false; destroySoon?: () => void }
  readonly secure: boolean

  constructor(socket: Duplex, secure: boolean) {
    this.#socket = socket
    this.secure = secure
  }

  get remoteAddress(): string {
    return this.#socket.remoteAddress ?? ''
  }

  get serverName(): string | undefined {
    const name = this.#socket.servername
    return typeof name === 'string' && name !== '' ? name.toLowerCase() : undefined
  }

  write(data: Uint8Array | string): boolean {
    if (this.#socket.destroyed) return false
    return typeof data === 'string' ? this.#socket.write(data, 'latin1') : this.#socket.write(data)
  }

  writeHead(head: string, body?: Uint8Array, start = 0, end = body ? body.length : 0): boolean {
    if (this.#socket.destroyed) return false
    if (!body || end <= start) return this.#socket.write(head, 'latin1')
    const out = Buffer.allocUnsafe(head.length + end - start)
    out.write(head, 0, 'latin1')
    Buffer.prototype.copy.call(body, out, head.length, start, end)
    return this.#socket.write(out)
  }

  end(): void {
    this.#socket.end()
  }

  destroy(): void {
    this.#socket.destroy()
  }

  pause(): void {
    this.#socket.pause()
  }

  resume(): void {
    this.#socket.resume()
  }
}
