import type { BodySink, RequestBody } from './body.ts'

/**
 * BufferedRequestBody is a request body Weir already holds in full (an inference request it had
 * to read and may have rewritten): it is delivered in one piece, with its exact length.
 */
export class BufferedRequestBody implements RequestBody {
  readonly length: number
  readonly rawChunked = false
  readonly #bytes: Uint8Array

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes
    this.length = bytes.length
  }

  start(sink: BodySink): void {
    if (this.#bytes.length > 0) sink.data(this.#bytes)
    sink.end()
  }

  pause(): void {
    // Nothing to hold back: the bytes are all here.
  }

  resume(): void {}
}
