import { LAST_CHUNK, encodeChunkHeader } from '../http1/chunked.ts'
import { lastChunkWithTrailers } from '../http1/trailer-section.ts'
import { parseRequestHead, type RequestHead } from '../http1/request-head.ts'
import { statusText } from '../http/status-text.ts'
import type { Downstream } from './downstream.ts'
import type { RequestBody, ResponseBodyMode, TunnelPeer } from '../http/body.ts'
import { Exchange } from './exchange.ts'
import type { ConnectionHost } from './http-handler.ts'
import { Http1RequestBody, type BodyOwner } from './http1-request-body.ts'
import {
  FRAME_ENCODE_CHUNKED,
  FRAME_NONE,
  FRAME_UNTIL_CLOSE,
  interimHeadText,
  responseFrame,
  responseHasNoBody,
  responseHeadText,
  switchingProtocolsHead,
} from '../http1/response-head-text.ts'
import { normaliseHost, splitTarget } from './request-target.ts'
import type { Transport, TransportEvents } from './transport.ts'
import { concatBytes } from '../net/concat-bytes.ts'
import { generatedHeaders } from '../http/generated-headers.ts'
import { LINGER_MS, type TimedConnection } from './client-timeouts.ts'

/** MAX_HEAD_BYTES bounds a request head (nginx: large_client_header_buffers 4 8k = 32 KiB). */
const MAX_HEAD_BYTES = 32 * 1024
/** DISCARD_LIMIT is how much of an unread request body Weir reads and drops to keep a connection. */
const DISCARD_LIMIT = 1024 * 1024

const CRLF_BYTES = new Uint8Array([0x0d, 0x0a])
const CONTINUE_100 = 'HTTP/1.1 100 Continue\r\n\r\n'


// What the connection's deadline waits for (ClientTimeouts says how long each may take).
const WAIT_NONE = 0
/** The request head, from its first byte (or from accept): 408 if part of it came. */
const WAIT_HEAD = 1
/** The next bytes of a request body. */
const WAIT_BODY = 2
/** The next request on a kept-alive connection. */
const WAIT_IDLE = 3
/** The client's FIN after Weir ended the connection. */
const WAIT_LINGER = 4

/**
 * Http1Connection serves one HTTP/1.1 client connection over a Transport: it parses request
 * heads strictly (see src/http1), frames request bodies, hands each request to the host's current
 * handler as an Exchange, and writes the response with keep-alive, pipelining (one request at a
 * time, in order) and backpressure. It is the Downstream of its current exchange.
 */
export class Http1Connection implements TransportEvents, Downstream, BodyOwner, TimedConnection {
  readonly #t: Transport
  readonly #host: ConnectionHost
  #input: Uint8Array | undefined
  #closed = false
  /** Set once Weir decided to close: input is ignored from then on. */
  #ending = false
  #active = false
  #head: RequestHead | undefined
  #body: Http1RequestBody | undefined
  #keepAlive = true
  #isHeadRequest = false
  #http10 = false
  #frame = FRAME_NONE
  #headersSent = false
  #responseDone = false
  #inputPaused = false
  #lastHostRaw = ''
  #lastHost = ''
  #waitingFor = WAIT_HEAD
  #deadline: number
  /** When a response write last found the client not reading (0: it reads). */
  #sendBlockedSince = 0
  /** Whether this request's 100 Continue went out (from Weir or passed on from the upstream). */
  #continueSent = false
  /** The upstream side of an upgraded connection; set once a 101 has been sent. */
  #tunnel: TunnelPeer | undefined
  onWritable: (() => void) | undefined = undefined
  onClientGone: (() => void) | undefined = undefined

  constructor(transport: Transport, host: ConnectionHost) {
    this.#t = transport
    this.#host = host
    this.#deadline = host.clock.now + host.timeouts.headerMs
  }

  /** idle tells whether no request is in progress (the connection may be closed safely). */
  get idle(): boolean {
    return !this.#active && this.#input === undefined
  }

  /** close ends the connection now if it is idle, else after the current response. */
  close(): void {
    if (this.idle) this.#end()
    else {
      this.#keepAlive = false
    }
  }

  /** destroy drops the connection at once (end of a drain period). */
  destroy(): void {
    this.#t.destroy()
  }

  checkDeadline(now: number): void {
    if (this.#closed || this.#tunnel) return
    if (this.#sendBlockedSince !== 0 && now - this.#sendBlockedSince >= this.#host.timeouts.sendMs) {
      this.#t.destroy() // the client stopped reading its response
      return
    }
    if (this.#waitingFor === WAIT_NONE || now < this.#deadline) return
    switch (this.#waitingFor) {
      case WAIT_HEAD:
        if (this.#input === undefined) this.#end() // nothing came: nobody to answer
        else this.#failRequest(408, 'Request Timeout: the request head did not arrive in time\n')
        return
      case WAIT_BODY:
        this.#bodyTimedOut()
        return
      case WAIT_IDLE:
        this.#end()
        return
      case WAIT_LINGER:
        if (this.#sendBlockedSince === 0) this.#t.destroy()
        return
    }
  }

  // ---- TransportEvents ----

  onData(chunk: Uint8Array): void {
    if (this.#closed || this.#ending) return
    if (this.#tunnel) {
      if (!this.#tunnel.write(chunk)) this.pauseInput()
      return
    }
    if (this.#active) {
      const body = this.#body
      const rest = body && !body.complete ? body.push(chunk) : chunk
      if (rest && rest.length > 0) this.#hold(rest)
      if (body?.complete) {
        if (this.#waitingFor === WAIT_BODY) this.#waitingFor = WAIT_NONE
        // A response sent before its request body was read waits for the body to be dropped.
        if (this.#responseDone) this.#nextRequest()
      } else if (this.#waitingFor === WAIT_BODY) {
        this.#deadline = this.#host.clock.now + this.#host.timeouts.bodyMs
      }
      return
    }
    const waiting = this.#input !== undefined
    if (!waiting && this.#waitingFor !== WAIT_HEAD) {
      // The first byte of a request: its whole head must follow within the header timeout.
      this.#waitingFor = WAIT_HEAD
      this.#deadline = this.#host.clock.now + this.#host.timeouts.headerMs
    }
    this.#input = this.#input ? concatBytes(this.#input, chunk) : chunk
    // A head arriving in small pieces is re-parsed only when a line may have ended (or the size
    // limit is crossed), so a slow client cannot make parsing quadratic.
    if (waiting && chunk.indexOf(0x0a) === -1 && this.#input.length <= MAX_HEAD_BYTES) return
    this.#processInput()
  }

  onDrain(): void {
    this.#sendBlockedSince = 0
    if (this.#tunnel) {
      this.#tunnel.resume()
      return
    }
    const cb = this.onWritable
    if (cb) cb()
  }

  onClose(): void {
    if (this.#closed) return
    this.#closed = true
    this.#host.connectionClosed(this)
    if (this.#tunnel) {
      const other = this.#tunnel
      this.#tunnel = undefined
      other.end()
      return
    }
    if (this.#active && !this.#responseDone) {
      const gone = this.onClientGone
      this.onClientGone = undefined
      if (gone) gone()
    }
  }

  // ---- Downstream ----

  get acceptsRawChunked(): boolean {
    return !this.#http10
  }

  get requestBody(): RequestBody | undefined {
    return this.#body
  }

  get headersSent(): boolean {
    return this.#headersSent
  }

  sendHead(
    status: number,
    reason: string,
    headers: readonly string[],
    dropTokens: readonly string[],
    body: ResponseBodyMode,
    first?: Uint8Array,
    firstStart = 0,
    firstEnd = first ? first.length : 0
  ): boolean {
    if (this.#closed || this.#headersSent) return false
    this.#headersSent = true
    if (this.#host.draining) this.#keepAlive = false
    const frame = responseFrame(status, body, this.#isHeadRequest, this.#http10)
    if (frame === FRAME_UNTIL_CLOSE) this.#keepAlive = false
    this.#frame = frame
    const head = responseHeadText(status, reason, headers, dropTokens, body, frame, this.#keepAlive, this.#http10)
    const noBody = responseHasNoBody(status, this.#isHeadRequest)
    if (!first || firstEnd <= firstStart || noBody) return this.#wrote(this.#t.writeHead(head))
    if (this.#frame === FRAME_ENCODE_CHUNKED) {
      return this.#wrote(this.#t.writeHead(head)) && this.sendBody(first.subarray(firstStart, firstEnd))
    }
    return this.#wrote(this.#t.writeHead(head, first, firstStart, firstEnd))
  }

  sendInformational(status: number, reason: string, headers: readonly string[], dropTokens: readonly string[]): void {
    const head = this.#head
    // RFC 9110 §15.2: no 1xx to an HTTP/1.0 client. A 100 goes only to a client that asked for
    // one and has not had it from Weir already (bodyStarted sends Weir's own).
    if (this.#closed || this.#headersSent || !head || head.minorVersion === 0) return
    if (status === 100 && (!head.expectContinue || this.#continueSent)) return
    if (status === 100) this.#continueSent = true
    this.#wrote(this.#t.writeHead(interimHeadText(status, reason, headers, dropTokens)))
  }

  sendBody(chunk: Uint8Array): boolean {
    if (this.#closed) return false
    if (this.#frame === FRAME_ENCODE_CHUNKED) {
      if (chunk.length === 0) return true
      this.#t.write(encodeChunkHeader(chunk.length))
      this.#t.write(chunk)
      return this.#wrote(this.#t.write(CRLF_BYTES))
    }
    if (this.#frame === FRAME_NONE) return true
    return this.#wrote(this.#t.write(chunk))
  }

  endBody(trailers?: readonly string[]): void {
    if (this.#closed || this.#responseDone) return
    if (this.#frame === FRAME_ENCODE_CHUNKED) {
      this.#wrote(this.#t.write(trailers && trailers.length > 0 ? lastChunkWithTrailers(trailers) : LAST_CHUNK))
    }
    this.#responseComplete()
  }

  respond(status: number, headers: readonly string[], body: string): void {
    if (this.#closed || this.#headersSent) return
    const bytes = Buffer.from(body, 'utf8')
    const all = generatedHeaders(headers)
    this.sendHead(status, statusText(status), all, NO_TOKENS, { kind: 'length', length: bytes.length }, bytes)
    this.#responseComplete()
  }

  upgrade(reason: string, headers: readonly string[], sink: TunnelPeer): TunnelPeer | undefined {
    const head = this.#head
    if (this.#closed || this.#headersSent || !head?.upgrade) return undefined
    this.#headersSent = true
    this.#responseDone = true
    this.#t.writeHead(switchingProtocolsHead(reason, headers, head.upgrade))
    this.#tunnel = sink
    this.#waitingFor = WAIT_NONE
    // Bytes the client sent after its request head already belong to the new protocol.
    const early = this.#input
    this.#input = undefined
    if (early && early.length > 0) sink.write(early)
    this.resumeInput()
    const t = this.#t
    return {
      write: (chunk) => t.write(chunk),
      end: () => t.end(),
      pause: () => this.pauseInput(),
      resume: () => this.resumeInput(),
    }
  }

  abort(): void {
    // Once Weir ended the connection its last response is on the way out: keep it.
    if (this.#closed || this.#ending) return
    this.#keepAlive = false
    this.#responseDone = true
    this.#t.destroy()
  }

  // ---- BodyOwner ----

  pauseInput(): void {
    if (this.#inputPaused) return
    this.#inputPaused = true
    this.#t.pause()
    // Weir stopped reading: the client is not the one keeping the body waiting.
    if (this.#waitingFor === WAIT_BODY) this.#waitingFor = WAIT_NONE
  }

  resumeInput(): void {
    if (!this.#inputPaused) return
    this.#inputPaused = false
    this.#t.resume()
    this.#awaitBody()
  }

  bodyStarted(): void {
    const head = this.#head
    if (head?.expectContinue && !this.#headersSent && !this.#continueSent && head.minorVersion === 1) {
      this.#continueSent = true
      this.#t.writeHead(CONTINUE_100)
    }
  }

  bodyFailed(err: Error): void {
    this.#keepAlive = false
    if (!this.#headersSent) this.respond(400, [], `bad request body: ${err.message}\n`)
    else this.abort()
  }

  // ---- internals ----

  /** wrote notes when a write found the client not reading, for the send timeout. */
  #wrote(flushed: boolean): boolean {
    if (!flushed && this.#sendBlockedSince === 0) this.#sendBlockedSince = this.#host.clock.now
    return flushed
  }

  /** end closes the write side; a client that never sends its FIN is dropped after LINGER_MS. */
  #end(): void {
    this.#ending = true
    this.#waitingFor = WAIT_LINGER
    this.#deadline = this.#host.clock.now + LINGER_MS
    this.#t.end()
  }

  /** awaitBody arms the body timeout while a request body is still to come and Weir reads. */
  #awaitBody(): void {
    const body = this.#body
    if (!this.#active || this.#ending || this.#inputPaused || !body || body.complete) return
    this.#waitingFor = WAIT_BODY
    this.#deadline = this.#host.clock.now + this.#host.timeouts.bodyMs
  }

  /**
   * bodyTimedOut gives up on a request body that stopped arriving: 408 if the response has not
   * started, else the connection is dropped; the consumer of the body is told either way.
   */
  #bodyTimedOut(): void {
    const body = this.#body
    this.#keepAlive = false
    if (!this.#responseDone) {
      if (!this.#headersSent) this.respond(408, [], 'Request Timeout: the request body stopped arriving\n')
      else {
        this.#t.destroy()
        this.#responseDone = true
      }
      body?.timedOut()
      return
    }
    this.#end() // a body Weir was reading only to drop it
  }

  /** failRequest answers a request that cannot be served and closes the connection. */
  #failRequest(status: number, text: string): void {
    this.#keepAlive = false
    this.#active = true
    this.#isHeadRequest = false
    this.#http10 = false
    // A previous exchange on this connection may have sent its head: this is a new response.
    this.#headersSent = false
    this.#responseDone = false
    this.#input = undefined
    this.respond(status, [], text)
  }

  #hold(bytes: Uint8Array): void {
    // Pipelined bytes wait until the current response is done; stop reading meanwhile.
    this.#input = this.#input ? concatBytes(this.#input, bytes) : bytes
    this.pauseInput()
  }

  #processInput(): void {
    while (!this.#active && !this.#closed && !this.#ending && this.#input !== undefined) {
      const input: Uint8Array = this.#input
      const r = parseRequestHead(input, 0, input.length, MAX_HEAD_BYTES)
      if (r.kind === 'incomplete') return
      this.#input = undefined
      if (r.kind === 'error') {
        this.#failRequest(r.status, `${statusText(r.status)}: ${r.reason}\n`)
        return
      }
      const rest = r.length < input.length ? input.subarray(r.length) : undefined
      this.#startExchange(r.head, rest)
    }
  }

  #startExchange(head: RequestHead, rest: Uint8Array | undefined): void {
    this.#active = true
    // Waiting for the response is the upstream timeouts' business; only a body can keep us waiting.
    this.#waitingFor = WAIT_NONE
    this.#head = head
    this.#headersSent = false
    this.#responseDone = false
    this.#continueSent = false
    this.#frame = FRAME_NONE
    this.#keepAlive = !head.connectionClose && !this.#host.draining
    this.#http10 = head.minorVersion === 0
    this.#isHeadRequest = head.method === 'HEAD'
    this.#body = head.chunked || head.contentLength > 0 ? new Http1RequestBody(this, head.contentLength, head.chunked) : undefined
    if (rest) {
      const after = this.#body ? this.#body.push(rest) : rest
      if (after && after.length > 0) this.#hold(after)
    }
    this.#awaitBody()
    const target = splitTarget(head.target)
    if (target === undefined) {
      this.#keepAlive = false
      this.respond(400, [], 'Bad Request: request target cannot be routed\n')
      return
    }
    const ex = new Exchange(
      head.method,
      target.path,
      target.rawQuery,
      target.host ?? this.#routingHost(head.host),
      target.authority ?? head.host,
      head.headers,
      head.connectionTokens,
      this.#t.remoteAddress,
      this.#t.secure ? 'https' : 'http',
      this,
      this.#host.observer
    )
    if (head.upgrade !== '' && !this.#body) ex.upgrade = head.upgrade
    this.#host.handler.handle(ex, this.#t.serverName)
  }

  /** routingHost normalises a Host value, remembering the last one: clients repeat it. */
  #routingHost(raw: string): string {
    if (raw !== this.#lastHostRaw) {
      this.#lastHostRaw = raw
      this.#lastHost = normaliseHost(raw)
    }
    return this.#lastHost
  }

  #responseComplete(): void {
    this.#responseDone = true
    this.onWritable = undefined
    this.onClientGone = undefined
    const body = this.#body
    if (body && !body.complete) {
      // A client that asked for 100 Continue and never got it may not send its body at all, so
      // waiting for it would stall the connection: close instead. Otherwise read and drop it.
      const awaitingContinue = this.#head?.expectContinue === true && !body.started
      if (awaitingContinue || !body.discard(DISCARD_LIMIT)) this.#keepAlive = false
      else {
        this.resumeInput()
        this.#awaitBody()
      }
    }
    if (!this.#keepAlive) {
      this.#end()
      return
    }
    if (body && !body.complete) return // the rest of the body is read and dropped first
    this.#nextRequest()
  }

  #nextRequest(): void {
    this.#active = false
    this.#body = undefined
    this.#head = undefined
    if (this.#input !== undefined) {
      this.#waitingFor = WAIT_HEAD
      this.#deadline = this.#host.clock.now + this.#host.timeouts.headerMs
      queueMicrotask(() => this.#processInput())
    } else {
      this.#waitingFor = WAIT_IDLE
      this.#deadline = this.#host.clock.now + this.#host.timeouts.keepAliveMs
    }
    this.resumeInput()
  }
}

const NO_TOKENS: readonly string[] = []
