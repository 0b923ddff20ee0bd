import http2 from 'node:http2'
import type { TLSSocket } from 'node:tls'
import { isHopByHop } from '../http/hop-by-hop.ts'
import { statusText } from '../http/status-text.ts'
import type { Downstream } from './downstream.ts'
import type { BodySink, RequestBody, ResponseBodyMode } from '../http/body.ts'
import { Exchange } from './exchange.ts'
import type { TimedConnection } from './client-timeouts.ts'
import type { ConnectionHost } from './http-handler.ts'
import { normaliseHost, splitTarget } from './request-target.ts'
import { generatedHeaders } from '../http/generated-headers.ts'
import { forwardableTrailer } from '../http1/trailer-fields.ts'

const NO_TOKENS: readonly string[] = []

/**
 * Http2Session serves the streams of one HTTP/2 connection (from TLS with ALPN h2, or cleartext
 * with prior knowledge on a plain listener): each stream
 * becomes an Exchange whose downstream is the stream. Pseudo-headers give method, path and
 * authority; everything after routing is the same as for HTTP/1.1.
 */
export class Http2Session implements TimedConnection {
  readonly #session: http2.ServerHttp2Session
  readonly #host: ConnectionHost
  #streams = 0
  /** When the last stream ended (the keep-alive timeout counts from it). */
  #idleSince: number

  readonly #scheme: 'http' | 'https'

  constructor(session: http2.ServerHttp2Session, host: ConnectionHost, scheme: 'http' | 'https') {
    this.#session = session
    this.#host = host
    this.#scheme = scheme
    this.#idleSince = host.clock.now
    session.on('stream', (stream, headers) => this.#onStream(stream, headers))
    session.on('close', () => host.connectionClosed(this))
    session.on('error', () => session.destroy())
  }

  get idle(): boolean {
    return this.#streams === 0
  }

  /** checkDeadline closes a session that carried no stream for the keep-alive timeout. */
  checkDeadline(now: number): void {
    if (this.#streams === 0 && now - this.#idleSince >= this.#host.timeouts.keepAliveMs) this.close()
  }

  /** close sends GOAWAY: streams in progress finish, no new ones start. */
  close(): void {
    this.#session.close()
  }

  destroy(): void {
    this.#session.destroy()
  }

  #onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    this.#streams++
    stream.on('close', () => {
      if (--this.#streams === 0) this.#idleSince = this.#host.clock.now
    })
    const socket = this.#session.socket as TLSSocket
    const ds = new Http2StreamDownstream(stream, headers)
    const method = String(headers[':method'] ?? 'GET')
    const authority = String(headers[':authority'] ?? headers.host ?? '')
    const target = splitTarget(String(headers[':path'] ?? '/'))
    if (target === undefined) {
      ds.respond(400, [], 'Bad Request: request target cannot be routed\n')
      return
    }
    const flat: string[] = []
    for (const [name, value] of Object.entries(headers)) {
      if (name.charCodeAt(0) === 0x3a /* ':' */ || value === undefined) continue
      if (Array.isArray(value)) for (const v of value) flat.push(name, v)
      else flat.push(name, value)
    }
    const ex = new Exchange(
      method,
      target.path,
      target.rawQuery,
      normaliseHost(authority),
      authority,
      flat,
      NO_TOKENS,
      socket.remoteAddress ?? '',
      this.#scheme,
      ds,
      this.#host.observer
    )
    const sni = typeof socket.servername === 'string' ? socket.servername.toLowerCase() : undefined
    this.#host.handler.handle(ex, sni)
  }
}

/** Http2StreamDownstream is the Downstream of one HTTP/2 stream. */
class Http2StreamDownstream implements Downstream {
  readonly acceptsRawChunked = false
  readonly requestBody: RequestBody | undefined
  onWritable: (() => void) | undefined = undefined
  onClientGone: (() => void) | undefined = undefined
  readonly #stream: http2.ServerHttp2Stream
  readonly #isHead: boolean
  /** The client said it takes trailers (gRPC clients do): responses may end with a trailer block. */
  readonly #wantsTrailers: boolean
  /** Whether the response was started with waitForTrailers, so its end goes through sendTrailers. */
  #trailerBlock = false
  #done = false

  constructor(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) {
    this.#stream = stream
    this.#isHead = headers[':method'] === 'HEAD'
    this.#wantsTrailers = /(^|,)\s*trailers\s*(;|,|$)/i.test(String(headers.te ?? ''))
    const length = headers['content-length'] === undefined ? -1 : Number(headers['content-length'])
    const hasBody = !(stream as { endAfterHeaders?: boolean }).endAfterHeaders && length !== 0
    this.requestBody = hasBody ? new Http2RequestBody(stream, length) : undefined
    stream.on('drain', () => this.onWritable?.())
    stream.on('close', () => {
      if (this.#done) return
      this.#done = true
      const gone = this.onClientGone
      this.onClientGone = undefined
      gone?.()
    })
  }

  get headersSent(): boolean {
    return this.#stream.headersSent
  }

  sendHead(
    status: number,
    _reason: string,
    headers: readonly string[],
    dropTokens: readonly string[],
    body: ResponseBodyMode,
    first?: Uint8Array,
    firstStart = 0,
    firstEnd = first ? first.length : 0
  ): boolean {
    const stream = this.#stream
    if (stream.destroyed || stream.headersSent) return false
    const out: http2.OutgoingHttpHeaders = { ':status': status }
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i] as string
      if (name === 'content-length' || isHopByHop(name, dropTokens)) continue
      const value = headers[i + 1] as string
      const prev = out[name]
      if (prev === undefined) out[name] = value
      else out[name] = Array.isArray(prev) ? [...prev, value] : [String(prev), value]
    }
    if (body.kind === 'length' && status !== 204 && status !== 304) out['content-length'] = body.length
    const endStream = body.kind === 'none' || this.#isHead || status === 204 || status === 304
    // Trailers are only known at the end, so a response that may carry them keeps the stream open
    // for a trailer block: when the client takes trailers, or the upstream announced some.
    this.#trailerBlock = !endStream && (this.#wantsTrailers || out.trailer !== undefined)
    stream.respond(out, { endStream, waitForTrailers: this.#trailerBlock })
    if (endStream) this.#done = true
    if (first && firstEnd > firstStart && !endStream) return stream.write(first.subarray(firstStart, firstEnd))
    return true
  }

  sendInformational(status: number, _reason: string, headers: readonly string[], dropTokens: readonly string[]): void {
    const stream = this.#stream
    if (stream.destroyed || stream.headersSent || status === 100) return
    const out: http2.OutgoingHttpHeaders = { ':status': status }
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i] as string
      if (isHopByHop(name, dropTokens)) continue
      const prev = out[name]
      const value = headers[i + 1] as string
      out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [String(prev), value]
    }
    stream.additionalHeaders(out)
  }

  sendBody(chunk: Uint8Array): boolean {
    if (this.#stream.destroyed || this.#done) return true
    return this.#stream.write(chunk)
  }

  endBody(trailers?: readonly string[]): void {
    if (this.#done) return
    this.#done = true
    const stream = this.#stream
    if (this.#trailerBlock) {
      stream.once('wantTrailers', () => stream.sendTrailers(trailerBlock(trailers)))
    }
    stream.end()
  }

  respond(status: number, headers: readonly string[], body: string): void {
    if (this.#stream.destroyed || this.#stream.headersSent) return
    const bytes = Buffer.from(body, 'utf8')
    const all = generatedHeaders(headers)
    this.sendHead(status, statusText(status), all, NO_TOKENS, { kind: 'length', length: bytes.length }, bytes)
    this.endBody()
  }

  abort(): void {
    this.#done = true
    if (!this.#stream.destroyed) this.#stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR)
  }
}

/** trailerBlock turns upstream trailer fields into an HTTP/2 trailer block, without the ones a proxy drops. */
function trailerBlock(trailers: readonly string[] | undefined): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {}
  if (!trailers) return out
  for (let i = 0; i < trailers.length; i += 2) {
    const name = trailers[i] as string
    if (!forwardableTrailer(name) || isHopByHop(name, NO_TOKENS)) continue
    const value = trailers[i + 1] as string
    const prev = out[name]
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [String(prev), value]
  }
  return out
}

/** Http2RequestBody reads a request body from an HTTP/2 stream (no framing to validate). */
class Http2RequestBody implements RequestBody {
  readonly rawChunked = false
  readonly #stream: http2.ServerHttp2Stream

  constructor(
    stream: http2.ServerHttp2Stream,
    readonly length: number
  ) {
    this.#stream = stream
  }

  start(sink: BodySink, _decoded?: boolean): void {
    this.#stream.on('data', (chunk: Buffer) => sink.data(chunk))
    this.#stream.on('end', () => sink.end())
    this.#stream.on('aborted', () => sink.error(new Error('client reset the stream')))
  }

  pause(): void {
    this.#stream.pause()
  }

  resume(): void {
    this.#stream.resume()
  }
}
