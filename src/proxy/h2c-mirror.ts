import type http2 from 'node:http2'
import type { Endpoint } from '../balancer/endpoint.ts'
import { NO_REQUEST } from '../balancer/picker.ts'
import type { CompiledBackend } from './backend-set.ts'
import { H2cStream, type H2cSessions } from './h2c-upstream.ts'
import type { UpstreamListener } from './upstream-listener.ts'

/** MIRROR_BUFFER_LIMIT bounds the body bytes a mirror may hold back (as mirror-call.ts). */
const MIRROR_BUFFER_LIMIT = 1024 * 1024
/** MIRROR_TIMEOUT_MS abandons a mirrored request that has not finished by then. */
const MIRROR_TIMEOUT_MS = 30_000

/**
 * H2cMirrorCall copies a request to one endpoint of an h2c mirror backend (a gRPC mirror) as a
 * stream on the endpoint's session, and throws the response away. Like MirrorCall it never
 * pushes back on the request it copies: past the buffer limit, on an error or after the timeout
 * it is abandoned quietly. It takes the decoded body bytes (no HTTP/1.1 chunk framing).
 */
export class H2cMirrorCall implements UpstreamListener {
  readonly #headers: http2.OutgoingHttpHeaders
  readonly #hasBody: boolean
  #stream: H2cStream | undefined
  #endpoint: Endpoint | undefined
  #pending: Uint8Array[] | undefined = []
  #pendingBytes = 0
  #ended = false
  #done = false
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(headers: http2.OutgoingHttpHeaders, hasBody: boolean) {
    this.#headers = headers
    this.#hasBody = hasBody
  }

  start(sessions: H2cSessions, backend: CompiledBackend, noBody: boolean): void {
    const endpoint = backend.endpoints.pick(NO_REQUEST, undefined)?.endpoint
    if (!endpoint) return this.#abandon()
    this.#endpoint = endpoint
    endpoint.inflight++
    this.#timer = setTimeout(() => this.#abandon(), MIRROR_TIMEOUT_MS)
    this.#timer.unref?.()
    this.#stream = new H2cStream(this, noBody)
    this.#stream.connect(sessions, endpoint.key, endpoint.address, endpoint.port)
  }

  data(chunk: Uint8Array): void {
    if (this.#done) return
    if (this.#pending) {
      this.#pendingBytes += chunk.length
      if (this.#pendingBytes > MIRROR_BUFFER_LIMIT) return this.#abandon()
      this.#pending.push(chunk)
      return
    }
    const stream = this.#stream
    stream?.write(chunk)
    if (stream && stream.backlog > MIRROR_BUFFER_LIMIT) this.#abandon()
  }

  end(): void {
    if (this.#done) return
    this.#ended = true
    if (!this.#pending && this.#hasBody) this.#stream?.end()
  }

  onConnected(): void {
    const stream = this.#stream
    if (!stream || this.#done) return
    stream.send(this.#headers, !this.#hasBody)
    const pending = this.#pending ?? []
    this.#pending = undefined
    for (const chunk of pending) stream.write(chunk)
    if (this.#ended && this.#hasBody) stream.end()
  }

  onConnectFailed(): void {
    this.#abandon()
  }

  onResponseHead(): void {}

  onResponseBody(): void {}

  onResponseEnd(): void {
    this.#finish()
  }

  onUpstreamError(): void {
    this.#abandon()
  }

  onUpstreamDrain(): void {}

  #finish(): void {
    if (this.#done) return
    this.#done = true
    clearTimeout(this.#timer)
    if (this.#endpoint) this.#endpoint.inflight--
  }

  #abandon(): void {
    const stream = this.#stream
    this.#finish()
    this.#pending = undefined
    stream?.destroy()
  }
}
