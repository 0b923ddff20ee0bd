import type { Socket } from 'bun'
import { Duplex } from 'node:stream'
import { BunSocketWriter } from '../net/bun-socket-writer.ts'

/**
 * BunSocketDuplex presents a Bun TCP socket as a node stream, so node:http2 can serve a
 * cleartext HTTP/2 connection accepted by Bun.listen (measured on Bun 1.4.5: an http2 server
 * takes any Duplex through `emit('connection')`). The listener feeds it the socket's events:
 * `socketData`, `socketDrained`, `socketClosed`.
 */
export class BunSocketDuplex extends Duplex {
  readonly #socket: Socket<unknown>
  readonly #writer: BunSocketWriter
  /** The callback of a write the socket could not take whole; called once it drained. */
  #blocked: ((err?: Error | null) => void) | undefined
  #ending = false

  constructor(socket: Socket<unknown>) {
    super()
    this.#socket = socket
    this.#writer = new BunSocketWriter(socket)
  }

  get remoteAddress(): string {
    return this.#socket.remoteAddress
  }

  socketData(chunk: Uint8Array): void {
    if (!this.push(chunk)) this.#socket.pause()
  }

  socketDrained(): void {
    if (!this.#writer.flush()) return
    if (this.#ending) this.#socket.end()
    const cb = this.#blocked
    this.#blocked = undefined
    cb?.()
  }

  socketClosed(): void {
    this.push(null)
    this.destroy()
  }

  override _read(): void {
    this.#socket.resume()
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.#writer.write(chunk)) cb()
    else this.#blocked = cb
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.#writer.pending) this.#ending = true
    else this.#socket.end()
    cb()
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#writer.clear()
    this.#socket.terminate()
    cb(err)
  }
}
