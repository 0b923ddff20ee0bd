import type { Socket } from 'bun'

/**
 * SCRATCH assembles a head and small body for one write. Bun's socket write is synchronous (it
 * copies into the kernel or reports how much it took), so one buffer serves every socket, and the
 * only copy made per small response is into it.
 */
const SCRATCH = Buffer.allocUnsafe(64 * 1024)

/**
 * COALESCE_LIMIT is the largest first body copied next to its head. Past it the copy costs more
 * than the second system call saved (measured at 64 KiB bodies), so head and body are written
 * separately and a partly written body is queued as a view, without copying.
 */
const COALESCE_LIMIT = 16 * 1024

/**
 * BunSocketWriter writes to a Bun TCP socket, whose `write` is unbuffered and may take only part
 * of the data: the rest is queued and written from the socket's `drain` callback (`flush`). Every
 * write returns false while anything is queued, which is the caller's cue to stop producing.
 */
export class BunSocketWriter {
  readonly #socket: Socket<any>
  #queue: Uint8Array[] = []
  #queuedBytes = 0

  constructor(socket: Socket<any>) {
    this.#socket = socket
  }

  /** pending tells whether bytes wait for the socket to drain. */
  get pending(): boolean {
    return this.#queue.length > 0
  }

  /** queuedBytes is how much waits for the socket to drain (a mirror gives up past a limit). */
  get queuedBytes(): number {
    return this.#queuedBytes
  }

  /**
   * write sends bytes, or a string of octets (latin1: one character per byte, as HTTP heads are
   * held). Bun's own string write would encode UTF-8 and count bytes, not characters, so the
   * string is copied out as latin1 first: a header byte 0xE9 leaves as 0xE9.
   */
  write(data: Uint8Array | string): boolean {
    if (typeof data !== 'string') return this.writeSlice(data, 0, data.length)
    if (data.length > SCRATCH.length) return this.writeSlice(Buffer.from(data, 'latin1'), 0, data.length)
    if (this.#queue.length > 0) {
      this.#enqueue(Buffer.from(data, 'latin1'))
      return false
    }
    const length = SCRATCH.write(data, 0, 'latin1')
    const written = this.#socket.write(SCRATCH, 0, length)
    if (written === length) return true
    if (written < 0) return false // closed; the close callback follows
    this.#enqueue(Buffer.from(SCRATCH.subarray(written, length)))
    return false
  }

  /** writeSlice sends bytes[start, end) without copying them; a remainder is queued as a view. */
  writeSlice(bytes: Uint8Array, start: number, end: number): boolean {
    if (this.#queue.length > 0) {
      this.#enqueue(bytes.subarray(start, end))
      return false
    }
    const written = this.#socket.write(bytes, start, end - start)
    if (written === end - start) return true
    if (written < 0) return false
    this.#enqueue(bytes.subarray(start + written, end))
    return false
  }

  /** writeHead sends a latin1 head and the first body bytes `body[start, end)` in one write. */
  writeHead(head: string, body?: Uint8Array, start = 0, end = body ? body.length : 0): boolean {
    const total = head.length + (end - start)
    if (this.#queue.length > 0 || end - start > COALESCE_LIMIT || total > SCRATCH.length) {
      const headDone = this.writeSlice(Buffer.from(head, 'latin1'), 0, head.length)
      return body && end > start ? this.writeSlice(body, start, end) : headDone
    }
    SCRATCH.write(head, 0, 'latin1')
    if (body && end > start) Buffer.prototype.copy.call(body, SCRATCH, head.length, start, end)
    const written = this.#socket.write(SCRATCH, 0, total)
    if (written === total) return true
    if (written < 0) return false
    this.#enqueue(Buffer.from(SCRATCH.subarray(written, total)))
    return false
  }

  /** flush writes queued bytes after a `drain`; it returns true once nothing is queued. */
  flush(): boolean {
    while (this.#queue.length > 0) {
      const head = this.#queue[0] as Uint8Array
      const written = this.#socket.write(head)
      if (written < 0) return false
      this.#queuedBytes -= Math.max(0, written)
      if (written < head.byteLength) {
        this.#queue[0] = head.subarray(written)
        return false
      }
      this.#queue.shift()
    }
    return true
  }

  /** clear drops whatever is queued (the socket is being closed). */
  clear(): void {
    this.#queue = []
    this.#queuedBytes = 0
  }

  #enqueue(bytes: Uint8Array): void {
    this.#queue.push(bytes)
    this.#queuedBytes += bytes.byteLength
  }
}
