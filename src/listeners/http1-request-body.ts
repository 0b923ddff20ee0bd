import { ChunkedDecoder, ChunkedError } from '../http1/chunked.ts'
import { forwardableTrailer } from '../http1/trailer-fields.ts'
import type { BodySink, RequestBody } from '../http/body.ts'

/** BodyOwner is the connection side of a request body: flow control and error reporting. */
export interface BodyOwner {
  pauseInput(): void
  resumeInput(): void
  /** bodyStarted is called when a consumer starts reading (time to send 100 Continue). */
  bodyStarted(): void
  bodyFailed(err: Error): void
}

/**
 * Http1RequestBody frames the body of one HTTP/1.1 request out of the connection's byte stream:
 * by Content-Length, or by validating chunked framing as it passes (the bytes stay framed, so an
 * HTTP/1.1 upstream can take them as they are). Bytes that arrive before a consumer starts are
 * held; bytes past the end of the body belong to the next request and are handed back.
 */
export class Http1RequestBody implements RequestBody {
  readonly length: number
  readonly rawChunked: boolean
  #remaining: number
  #decoder: ChunkedDecoder | undefined
  readonly #owner: BodyOwner
  #sink: BodySink | undefined
  #held: Uint8Array[] = []
  #complete = false
  #discarding = false
  /** Why the body ended before it completed (bad framing, a timeout); its consumer is told. */
  #failure: Error | undefined
  /** Set once the trailer section began: its bytes wait in the decoder and leave filtered. */
  #inTrailer = false

  constructor(owner: BodyOwner, contentLength: number, chunked: boolean) {
    this.#owner = owner
    this.length = chunked ? -1 : contentLength
    this.rawChunked = chunked
    this.#remaining = chunked ? 0 : contentLength
    this.#decoder = chunked ? new ChunkedDecoder() : undefined
  }

  /** complete tells whether the whole body has been received. */
  get complete(): boolean {
    return this.#complete
  }

  /** started tells whether a consumer has begun reading. */
  get started(): boolean {
    return this.#sink !== undefined
  }

  /**
   * push takes bytes from the connection and returns the ones past the end of the body, if any.
   * A framing error ends the body with an error (the connection must then close).
   */
  push(chunk: Uint8Array): Uint8Array | undefined {
    if (this.#complete || this.#failure) return chunk
    let piece: Uint8Array
    let rest: Uint8Array | undefined
    if (this.#decoder) {
      let progress
      try {
        progress = this.#decoder.push(chunk)
      } catch (err) {
        this.#fail(err instanceof ChunkedError ? err : new ChunkedError(String(err)))
        return undefined
      }
      // Bytes up to the end of the last-chunk line pass as they came; the trailer section is held
      // by the decoder and sent rebuilt without the fields that must not travel in trailers.
      const passed = this.#inTrailer ? 0 : progress.trailerStart >= 0 ? progress.trailerStart : progress.consumed
      if (progress.trailerStart >= 0) this.#inTrailer = true
      piece = passed === chunk.length ? chunk : chunk.subarray(0, passed)
      if (progress.consumed < chunk.length) rest = chunk.subarray(progress.consumed)
      if (progress.done) {
        this.#complete = true
        if (piece.length > 0) this.#deliver(piece)
        piece = this.#decoder.trailerSection(forwardableTrailer)
      }
    } else {
      const take = Math.min(this.#remaining, chunk.length)
      piece = take === chunk.length ? chunk : chunk.subarray(0, take)
      if (take < chunk.length) rest = chunk.subarray(take)
      this.#remaining -= take
      if (this.#remaining === 0) this.#complete = true
    }
    if (piece.length > 0) this.#deliver(piece)
    if (this.#complete) this.#sink?.end()
    return rest
  }

  start(sink: BodySink, decoded = false): void {
    if (this.#sink) throw new Error('request body already started')
    // A body that already failed fails its consumer at once, so it does not wait for bytes that will not come.
    if (this.#failure) return sink.error(this.#failure)
    this.#owner.bodyStarted()
    const held = this.#held
    this.#held = []
    if (decoded && this.rawChunked) {
      // Deliver the payload only: a second decoder reads the framing of what was held and of
      // what comes, and hands the chunk data to the sink.
      const decoder = new ChunkedDecoder((data) => sink.data(data))
      for (const piece of held) decoder.push(piece)
      this.#decoder = decoder
      this.#sink = { data: () => {}, end: () => sink.end(), error: (e) => sink.error(e) }
      if (this.#complete) sink.end()
      return
    }
    this.#sink = sink
    for (const piece of held) sink.data(piece)
    if (this.#complete) sink.end()
  }

  pause(): void {
    this.#owner.pauseInput()
  }

  resume(): void {
    this.#owner.resumeInput()
  }

  /**
   * discard drops the rest of a body nobody will read (Weir answered without forwarding), so the
   * connection can carry the next request. It returns false when too much is left to be worth
   * reading, and the connection should close instead.
   */
  discard(limit: number): boolean {
    if (this.#complete) return true
    if (this.#decoder || this.#remaining > limit) return false
    this.#discarding = true
    this.#held = []
    return true
  }

  /** timedOut ends a body that stopped arriving (the client timeout fired); its consumer sees an error. */
  timedOut(): void {
    if (this.#complete || this.#failure) return
    this.#failure = new BodyTimeoutError()
    this.#sink?.error(this.#failure)
  }

  #deliver(piece: Uint8Array): void {
    if (this.#discarding) return
    if (this.#sink) this.#sink.data(piece)
    else this.#held.push(piece)
  }

  #fail(err: Error): void {
    this.#failure = err
    this.#sink?.error(err)
    this.#owner.bodyFailed(err)
  }
}

/** BodyTimeoutError is what a body's consumer sees when the client stopped sending it; Weir answered 408. */
export class BodyTimeoutError extends Error {
  readonly status = 408
  constructor() {
    super('the request body stopped arriving (client body timeout)')
  }
}
