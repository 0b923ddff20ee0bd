import { LAST_CHUNK, encodeChunkHeader } from '../http1/chunked.ts'
import { H2cStream } from './h2c-upstream.ts'
import type { UpstreamChannel } from './upstream-channel.ts'

/**
 * MAX_REPLAY_BYTES is the largest request body kept for a retry. A retry must resend the body;
 * bodies larger than this are streamed without a copy and their requests are not retried.
 */
const MAX_REPLAY_BYTES = 1024 * 1024

const CRLF = new Uint8Array([0x0d, 0x0a])

/**
 * RequestBodyRelay writes the request body to the current attempt's upstream, framing it in
 * chunks where an HTTP/1.1 upstream needs that (the client's length was unknown and its bytes
 * arrive decoded), and keeps a copy for a retry while the body stays under MAX_REPLAY_BYTES.
 */
export class RequestBodyRelay {
  readonly #encodeChunks: boolean
  #kept: Uint8Array[] | undefined
  #keptBytes = 0
  /** complete is set once the client has sent the whole body. */
  complete = false

  constructor(encodeChunks: boolean, keepForReplay: boolean) {
    this.#encodeChunks = encodeChunks
    if (keepForReplay) this.#kept = []
  }

  /** replayable tells whether the whole body is kept, so the request may be sent again. */
  get replayable(): boolean {
    return this.#kept !== undefined && this.complete
  }

  /** keep records a chunk for a retry, and gives up the copy once the body grows too large. */
  keep(chunk: Uint8Array): void {
    if (!this.#kept) return
    this.#keptBytes += chunk.length
    if (this.#keptBytes <= MAX_REPLAY_BYTES) this.#kept.push(chunk)
    else this.#kept = undefined
  }

  /** write sends one chunk; false means the upstream is full (wait for its drain). */
  write(channel: UpstreamChannel, chunk: Uint8Array): boolean {
    if (channel instanceof H2cStream || !this.#encodeChunks) return channel.write(chunk)
    if (chunk.length === 0) return true
    channel.write(encodeChunkHeader(chunk.length))
    channel.write(chunk)
    return channel.write(CRLF)
  }

  /** end finishes the body on the channel. */
  end(channel: UpstreamChannel): void {
    if (channel instanceof H2cStream) channel.end()
    else if (this.#encodeChunks) channel.write(LAST_CHUNK)
  }

  /** replay sends the whole kept body again, for a retry. */
  replay(channel: UpstreamChannel): void {
    for (const chunk of this.#kept ?? []) this.write(channel, chunk)
    this.end(channel)
  }
}
