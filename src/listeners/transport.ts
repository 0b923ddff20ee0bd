import type { Socket } from 'bun'
import type { Duplex } from 'node:stream'

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
  /** setIdleTimeout closes the connection after this many seconds without traffic; 0 disables it. */
  setIdleTimeout(seconds: number): void
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
 * SCRATCH assembles head and body for one write. Bun's socket write is synchronous (it copies into
 * the kernel or reports how much it took), so one buffer serves every connection, and the only
 * copy made per response is into it.
 */
const SCRATCH = Buffer.allocUnsafe(64 * 1024)

/**
 * COALESCE_LIMIT is the largest first body that is copied next to the head. Past it, the copy
 * costs more than the second system call saved, so head and body are written separately and a
 * partly written body is queued as a view, without copying.
 */
const COALESCE_LIMIT = 16 * 1024

/**
 * BunSocketTransport adapts a Bun TCP socket. Bun's `write` is unbuffered and may take only part
 * of the data, so the rest is queued here and flushed from the socket's `drain` callback.
 */
export class BunSocketTransport implements Transport {
  readonly #socket: Socket<unknown>
  #queue: Uint8Array[] = []
  #ending = false
  readonly secure = false
  readonly serverName = undefined

  constructor(socket: Socket<unknown>) {
    this.#socket = socket
  }

  get remoteAddress(): string {
    return this.#socket.remoteAddress
  }

  write(data: Uint8Array | string): boolean {
    if (this.#queue.length > 0) {
      this.#queue.push(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
      return false
    }
    // An ASCII string is written as is: Bun encodes it without an intermediate buffer.
    const written = this.#socket.write(data)
    const length = typeof data === 'string' ? data.length : data.byteLength
    if (written === length) return true
    if (written < 0) return false // closed; the close callback follows
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data
    this.#queue.push(bytes.subarray(written))
    return false
  }

  writeHead(head: string, body?: Uint8Array, start = 0, end = body ? body.length : 0): boolean {
    const total = head.length + (end - start)
    if (this.#queue.length > 0 || end - start > COALESCE_LIMIT) {
      const headDone = this.write(Buffer.from(head, 'latin1'))
      if (!body || end <= start) return headDone
      return this.#writeSlice(body, start, end)
    }
    SCRATCH.write(head, 0, 'latin1')
    if (body && end > start) Buffer.prototype.copy.call(body, SCRATCH, head.length, start, end)
    const written = this.#socket.write(SCRATCH, 0, total)
    if (written === total) return true
    if (written < 0) return false
    this.#queue.push(Buffer.from(SCRATCH.subarray(written, total)))
    return false
  }

  /** writeSlice writes body[start, end) without copying it; a remainder is queued as a view. */
  #writeSlice(body: Uint8Array, start: number, end: number): boolean {
    if (this.#queue.length > 0) {
      this.#queue.push(body.subarray(start, end))
      return false
    }
    const written = this.#socket.write(body, start, end - start)
    if (written === end - start) return true
    if (written < 0) return false
    this.#queue.push(body.subarray(start + written, end))
    return false
  }

  /** flush writes queued bytes; it returns true once the queue is empty. Called on `drain`. */
  flush(): boolean {
    while (this.#queue.length > 0) {
      const head = this.#queue[0] as Uint8Array
      const written = this.#socket.write(head)
      if (written < 0) return false
      if (written < head.byteLength) {
        this.#queue[0] = head.subarray(written)
        return false
      }
      this.#queue.shift()
    }
    if (this.#ending) this.#socket.end()
    return true
  }

  end(): void {
    if (this.#queue.length > 0) this.#ending = true
    else this.#socket.end()
  }

  destroy(): void {
    this.#queue = []
    this.#socket.terminate()
  }

  pause(): void {
    this.#socket.pause()
  }

  resume(): void {
    this.#socket.resume()
  }

  setIdleTimeout(seconds: number): void {
    this.#socket.timeout(seconds)
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

  setIdleTimeout(seconds: number): void {
    ;(this.#socket as unknown as { setTimeout(ms: number): void }).setTimeout(seconds * 1000)
  }
}
