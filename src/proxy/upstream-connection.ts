import type { Socket, SocketHandler } from 'bun'
import { ChunkedDecoder } from '../http1/chunked.ts'
import { BunSocketWriter } from '../net/bun-socket-writer.ts'
import { parseResponseHead, type ResponseHead } from '../http1/response-head.ts'
import { BODY_CHUNKED, BODY_NONE, BODY_STREAM, type ResponseBodyMode } from '../http/body.ts'
import type { UpstreamTls } from '../model.ts'
import { identityProblem } from './upstream-identity.ts'
import type { ConnectionReturn, TunnelSink, UpstreamListener } from './upstream-listener.ts'
import { concatBytes } from '../net/concat-bytes.ts'

/** MAX_RESPONSE_HEAD_BYTES bounds an upstream response head (nginx proxy_buffer_size is 4-8 KiB; Envoy 60 KiB). */
const MAX_RESPONSE_HEAD_BYTES = 64 * 1024

const WAIT_HEAD = 0
const BODY_LENGTH = 1
const BODY_CHUNK = 2
const BODY_UNTIL_CLOSE = 3
const IDLE = 4
const CLOSED = 5
const UPGRADING = 6
const TUNNEL = 7

/**
 * UpstreamConnection is one keep-alive HTTP/1.1 connection to an endpoint (a Bun TCP socket). It
 * writes a request with backpressure, parses the response strictly and frames its body by
 * Content-Length, chunked (validated as it passes, forwarded still framed when the client speaks
 * HTTP/1.1) or connection close, then returns itself to the pool if it can be reused.
 */
export class UpstreamConnection {
  readonly endpointKey: string
  #socket: Socket<UpstreamConnection> | undefined
  readonly #home: ConnectionReturn
  #listener: UpstreamListener | undefined
  #state = IDLE
  #input: Uint8Array | undefined
  #remaining = 0
  #decoder: ChunkedDecoder | undefined
  #decodeChunks = false
  #noBody = false
  #reusable = true
  #writer: BunSocketWriter | undefined
  #tls: UpstreamTls | undefined
  #upgrade = false
  #tunnel: TunnelSink | undefined
  /** Requests this connection has carried; a reused connection may be stale. */
  requests = 0
  /** performance.now() when the connection last went idle. */
  idleSince = 0

  constructor(endpointKey: string, home: ConnectionReturn) {
    this.endpointKey = endpointKey
    this.#home = home
  }

  /**
   * connect opens the socket for the request set by `begin`: its listener hears onConnected or
   * onConnectFailed. With `tls` the connection is TLS (BackendTLSPolicy): the chain is verified
   * against the given CA (or the system roots) and the certificate must carry the expected name.
   */
  connect(hostname: string, port: number, tls?: UpstreamTls): void {
    this.#tls = tls
    const options = tls
      ? { hostname, port, socket: HANDLERS, data: this, tls: { serverName: tls.serverName, rejectUnauthorized: true, ...(tls.caPem ? { ca: tls.caPem } : {}) } }
      : { hostname, port, socket: HANDLERS, data: this }
    Bun.connect<UpstreamConnection>(options).then(
      () => {
        // The open handler has already taken the socket.
      },
      (err: Error) => {
        this.#state = CLOSED
        const l = this.#listener
        this.#listener = undefined
        l?.onConnectFailed(err)
      }
    )
  }

  /** usable tells whether an idle connection can take a request. */
  get usable(): boolean {
    return this.#state === IDLE && this.#socket !== undefined
  }

  /**
   * begin assigns the next request. `noBody` is set for HEAD requests; `decodeChunks` asks for
   * chunked bodies as plain bytes (for clients that cannot take HTTP/1.1 chunk framing).
   */
  begin(listener: UpstreamListener, noBody: boolean, decodeChunks: boolean, upgrade = false): void {
    this.#listener = listener
    this.#state = WAIT_HEAD
    this.#noBody = noBody
    this.#decodeChunks = decodeChunks
    this.#reusable = true
    this.#input = undefined
    this.#upgrade = upgrade
  }

  /**
   * tunnel turns the connection into a byte pipe after a 101 response: everything the upstream
   * sends goes to `sink`, and `write` sends raw bytes. The connection is never pooled again.
   */
  tunnel(sink: TunnelSink): void {
    this.#tunnel = sink
    this.#state = TUNNEL
    this.#reusable = false
    const rest = this.#input
    this.#input = undefined
    if (rest && rest.length > 0) sink.data(rest)
  }

  /** write sends request bytes (a string must be ASCII); false means wait for onUpstreamDrain. */
  write(data: Uint8Array | string): boolean {
    if (!this.#writer || this.#state === CLOSED) return false
    return this.#writer.write(data)
  }

  /** backlog is how many request bytes wait for the upstream to read them. */
  get backlog(): number {
    return this.#writer?.queuedBytes ?? 0
  }

  /** pause stops reading the response (the client is slow). */
  pause(): void {
    this.#socket?.pause()
  }

  resume(): void {
    this.#socket?.resume()
  }

  /** markNotReusable makes the connection close when this response ends (e.g. request body not fully sent). */
  markNotReusable(): void {
    this.#reusable = false
  }

  /** destroy closes the connection at once; the current request, if any, is abandoned silently. */
  destroy(): void {
    this.#listener = undefined
    this.#close()
  }

  // ---- socket callbacks ----

  onOpen(socket: Socket<UpstreamConnection>): void {
    this.#socket = socket
    this.#writer = new BunSocketWriter(socket)
    if (this.#tls) return // wait for the handshake
    const l = this.#listener
    if (l) l.onConnected(this)
  }

  onHandshake(socket: Socket<UpstreamConnection>, success: boolean, error: Error | null): void {
    const problem = !success ? (error?.message ?? 'TLS handshake failed') : identityProblem(socket, this.#tls as UpstreamTls)
    if (problem) {
      const l = this.#listener
      this.#listener = undefined
      this.#close()
      l?.onConnectFailed(new Error(`TLS to upstream: ${problem}`))
      return
    }
    this.#listener?.onConnected(this)
  }

  onDrain(): void {
    if (this.#writer?.flush()) this.#listener?.onUpstreamDrain()
  }

  onData(chunk: Uint8Array): void {
    switch (this.#state) {
      case TUNNEL:
        this.#tunnel?.data(chunk)
        return
      case WAIT_HEAD:
        this.#input = this.#input ? concatBytes(this.#input, chunk) : chunk
        this.#parseHead()
        return
      case BODY_LENGTH:
      case BODY_CHUNK:
      case BODY_UNTIL_CLOSE:
        this.#body(chunk)
        return
      default:
        // Bytes on an idle connection were not asked for: the connection is out of step.
        this.#close()
    }
  }

  onClose(error?: Error): void {
    const state = this.#state
    this.#state = CLOSED
    this.#socket = undefined
    this.#home.forget(this)
    if (state === TUNNEL) {
      const sink = this.#tunnel
      this.#tunnel = undefined
      sink?.end()
      return
    }
    const l = this.#listener
    this.#listener = undefined
    if (!l) return
    if (state === BODY_UNTIL_CLOSE) {
      l.onResponseEnd()
    } else if (state === WAIT_HEAD || state === BODY_LENGTH || state === BODY_CHUNK) {
      l.onUpstreamError(error ?? new Error('upstream closed the connection'), state !== WAIT_HEAD)
    }
  }

  // ---- internals ----

  #parseHead(): void {
    const input = this.#input
    if (!input) return
    let offset = 0
    for (;;) {
      const r = parseResponseHead(input, offset, input.length, MAX_RESPONSE_HEAD_BYTES)
      if (r.kind === 'incomplete') {
        if (offset > 0) this.#input = input.subarray(offset)
        return
      }
      if (r.kind === 'error') {
        this.#fail(new Error(`invalid response from upstream: ${r.reason}`), false)
        return
      }
      offset += r.length
      const head = r.head
      if (head.status >= 200) {
        this.#input = undefined
        this.#startBody(head, input, offset)
        return
      }
      if (head.status === 101) {
        if (!this.#upgrade) {
          this.#fail(new Error('upstream switched protocols without being asked'), false)
          return
        }
        // The rest of the input already belongs to the new protocol; tunnel() passes it on.
        this.#input = offset < input.length ? input.subarray(offset) : undefined
        this.#state = UPGRADING
        this.#listener?.onUpgrade?.(head)
        return
      }
      // 1xx interim responses (100 Continue, 103 Early Hints) are passed on; the final one follows.
      this.#listener?.onInformational?.(head)
      if (this.#state === CLOSED) return
      if (offset === input.length) {
        this.#input = undefined
        return
      }
    }
  }

  /** startBody frames the body that follows a final head; `input[offset..]` holds bytes already received. */
  #startBody(head: ResponseHead, input: Uint8Array, offset: number): void {
    const l = this.#listener
    if (!l) return
    const available = input.length - offset
    if (head.connectionClose) this.#reusable = false
    if (this.#noBody || head.status === 204 || head.status === 304) {
      const mode: ResponseBodyMode =
        head.contentLength >= 0 && this.#noBody ? { kind: 'length', length: head.contentLength } : BODY_NONE
      if (available > 0) this.#reusable = false
      l.onResponseHead(head, mode, undefined, 0, 0)
      this.#finish()
      return
    }
    if (head.chunked) {
      this.#state = BODY_CHUNK
      const rest = available > 0 ? input.subarray(offset) : undefined
      if (this.#decodeChunks) {
        this.#decoder = new ChunkedDecoder((data) => this.#listener?.onResponseBody(data))
        l.onResponseHead(head, BODY_STREAM, undefined, 0, 0)
        if (rest) this.#body(rest)
        return
      }
      this.#decoder = new ChunkedDecoder()
      const first = rest ? this.#takeChunked(rest) : undefined
      if (this.#state === CLOSED) return // invalid framing: already reported
      l.onResponseHead(head, BODY_CHUNKED, first, 0, first ? first.length : 0)
      if (this.#decoder?.done) this.#finish()
      return
    }
    if (head.contentLength >= 0) {
      this.#state = BODY_LENGTH
      const take = Math.min(available, head.contentLength)
      if (take < available) this.#reusable = false
      this.#remaining = head.contentLength - take
      l.onResponseHead(head, { kind: 'length', length: head.contentLength }, input, offset, offset + take)
      if (this.#remaining === 0) this.#finish()
      return
    }
    this.#state = BODY_UNTIL_CLOSE
    this.#reusable = false
    l.onResponseHead(head, BODY_STREAM, input, offset, input.length)
  }

  /** takeChunked validates raw chunked bytes and returns the part that belongs to the body. */
  #takeChunked(chunk: Uint8Array): Uint8Array | undefined {
    const decoder = this.#decoder as ChunkedDecoder
    let progress
    try {
      progress = decoder.push(chunk)
    } catch (err) {
      this.#fail(err as Error, true)
      return undefined
    }
    if (progress.consumed < chunk.length) this.#reusable = false
    return progress.consumed === chunk.length ? chunk : chunk.subarray(0, progress.consumed)
  }

  #body(chunk: Uint8Array): void {
    const l = this.#listener
    if (!l) return
    switch (this.#state) {
      case BODY_LENGTH: {
        const take = Math.min(chunk.length, this.#remaining)
        if (take < chunk.length) this.#reusable = false
        this.#remaining -= take
        l.onResponseBody(take === chunk.length ? chunk : chunk.subarray(0, take))
        if (this.#remaining === 0) this.#finish()
        return
      }
      case BODY_CHUNK: {
        const decoder = this.#decoder as ChunkedDecoder
        if (this.#decodeChunks) {
          try {
            const progress = decoder.push(chunk) // payload goes out through onData
            if (progress.consumed < chunk.length) this.#reusable = false
          } catch (err) {
            this.#fail(err as Error, true)
            return
          }
        } else {
          const piece = this.#takeChunked(chunk)
          if (!piece) return
          l.onResponseBody(piece)
        }
        if (decoder.done) this.#finish()
        return
      }
      case BODY_UNTIL_CLOSE:
        l.onResponseBody(chunk)
    }
  }

  #finish(): void {
    const l = this.#listener
    this.#listener = undefined
    // Raw chunked bodies carry their trailers in the bytes; decoded ones hand them over here.
    const found = this.#decodeChunks ? this.#decoder?.trailers() : undefined
    const trailers = found && found.length > 0 ? found : undefined
    this.#decoder = undefined
    if (this.#reusable && this.#state !== CLOSED) {
      this.#state = IDLE
      l?.onResponseEnd(trailers)
      // A response that ended while its client was slow left reading paused, and the proxy let
      // go of the connection before the client drained: the next request must be read.
      this.#socket?.resume()
      this.#home.release(this)
    } else {
      this.#state = IDLE // so the close below is not reported as an error
      l?.onResponseEnd(trailers)
      this.#close()
    }
  }

  #fail(err: Error, responseStarted: boolean): void {
    const l = this.#listener
    this.#listener = undefined
    this.#close()
    l?.onUpstreamError(err, responseStarted)
  }

  #close(): void {
    this.#state = CLOSED
    const s = this.#socket
    this.#socket = undefined
    this.#writer?.clear()
    this.#writer = undefined
    if (s) s.terminate()
    this.#home.forget(this)
  }
}

const HANDLERS: SocketHandler<UpstreamConnection> = {
  open(s) {
    s.data.onOpen(s)
  },
  handshake(s, success, error) {
    s.data.onHandshake(s, success, error)
  },
  data(s, chunk) {
    s.data.onData(chunk)
  },
  drain(s) {
    s.data.onDrain()
  },
  close(s, err) {
    s.data.onClose(err)
  },
  error(s, err) {
    s.data.onClose(err)
  },
  connectError() {
    // Reported through the promise returned by Bun.connect.
  },
}
