import type { Endpoint } from '../balancer/endpoint.ts'
import { LAST_CHUNK, encodeChunkHeader } from '../http1/chunked.ts'
import type { ResponseHead } from '../http1/response-head.ts'
import type { BodySink, RequestBody, ResponseBodyMode } from '../listeners/downstream.ts'
import type { Exchange } from '../listeners/exchange.ts'
import type { RouteTimeouts } from '../model.ts'
import type { BackendSet, CompiledBackend } from './backend-set.ts'
import { Deadline, type Deadlines } from './deadlines.ts'
import { upstreamRequestHead, type RequestFraming } from './forward-headers.ts'
import { respondError } from './respond-error.ts'
import { statusText } from './status-text.ts'
import type { UpstreamConnection, UpstreamListener } from './upstream-connection.ts'
import type { UpstreamPool } from './upstream-pool.ts'

/** CONNECT_TIMEOUT_MS bounds a TCP connect to an endpoint (Envoy's default is 10 s too). */
const CONNECT_TIMEOUT_MS = 10_000
/**
 * RESPONSE_HEADER_TIMEOUT_MS is how long Weir waits for a response head when the route sets no
 * `timeouts.backendRequest` (nginx proxy_read_timeout is 60 s). It does not apply to the body, so
 * a long, quiet event stream is never cut.
 */
const RESPONSE_HEADER_TIMEOUT_MS = 60_000
/** MAX_CONNECT_ATTEMPTS is how many endpoints one request tries when connections fail. */
const MAX_CONNECT_ATTEMPTS = 3

const CRLF = new Uint8Array([0x0d, 0x0a])

/** ForwardTarget is what a forwarding route hands the proxy. */
export interface ForwardTarget {
  readonly backends: BackendSet
  readonly timeouts: RouteTimeouts
}

/** ProxyRuntime is the long-lived state the proxy uses. */
export interface ProxyRuntime {
  readonly upstreams: UpstreamPool
  readonly deadlines: Deadlines
}

const CONNECTING = 0
const WAITING = 1
const STREAMING = 2
const DONE = 3

/**
 * ProxyCall forwards one exchange to a backend (Pingora's phases in one object): pick a backend
 * by weight and an endpoint through its picker, take a pooled connection or open one, send the
 * head and stream the body, then stream the response back with backpressure both ways. A failed
 * connection is retried on another endpoint (nothing was sent); a pooled connection the upstream
 * had closed is retried once on a fresh one when the request has no body. Timeouts answer 504.
 */
export class ProxyCall extends Deadline implements UpstreamListener, BodySink {
  #phase = CONNECTING
  readonly #ex: Exchange
  readonly #target: ForwardTarget
  readonly #rt: ProxyRuntime
  #backend: CompiledBackend | undefined
  #endpoint: Endpoint | undefined
  #conn: UpstreamConnection | undefined
  #tried: Endpoint[] | undefined
  #attempts = 0
  #requestDeadline = Infinity
  #sentAt = 0
  #body: RequestBody | undefined
  #bodySent = false
  #encodeChunks = false
  #staleRetried = false

  constructor(ex: Exchange, target: ForwardTarget, rt: ProxyRuntime) {
    super()
    this.#ex = ex
    this.#target = target
    this.#rt = rt
  }

  /** start begins forwarding; the exchange is answered asynchronously. */
  start(): void {
    const backend = this.#target.backends.pick()
    if (!backend) return this.#local(500, 'internal', 'no backend has a weight above 0')
    if (backend.failure) return this.#local(backend.failure.status, 'internal', backend.failure.message)
    this.#backend = backend
    const request = this.#target.timeouts.request
    if (request) this.#requestDeadline = this.#ex.startedAt + request
    this.#ex.downstream.onClientGone = () => this.#clientGone()
    this.#attempt()
  }

  // ---- choosing and connecting ----

  #attempt(): void {
    const backend = this.#backend as CompiledBackend
    const endpoint = backend.pool.pick(this.#tried)
    if (!endpoint) {
      if (this.#attempts === 0) return this.#local(503, 'upstream', `no ready endpoint for ${backend.key}`)
      return this.#local(502, 'upstream', `could not connect to any endpoint of ${backend.key}`)
    }
    this.#endpoint = endpoint
    endpoint.inflight++
    this.#attempts++
    const noBody = this.#ex.method === 'HEAD'
    const decode = !this.#ex.downstream.acceptsRawChunked
    const idle = this.#rt.upstreams.take(endpoint.key)
    if (idle) {
      this.#conn = idle
      idle.begin(this, noBody, decode)
      this.#send()
      return
    }
    const conn = this.#rt.upstreams.create(endpoint.key)
    this.#conn = conn
    conn.begin(this, noBody, decode)
    this.#phase = CONNECTING
    this.#setDeadline(performance.now() + CONNECT_TIMEOUT_MS)
    conn.connect(endpoint.address, endpoint.port)
  }

  onConnected(): void {
    if (this.#phase === DONE) return
    this.#send()
  }

  onConnectFailed(err: Error): void {
    if (this.#phase === DONE) return
    const endpoint = this.#endpoint as Endpoint
    endpoint.inflight--
    endpoint.recordFailure(performance.now())
    ;(this.#tried ??= []).push(endpoint)
    this.#conn = undefined
    this.#endpoint = undefined
    if (this.#attempts < MAX_CONNECT_ATTEMPTS) this.#attempt()
    else this.#local(502, 'upstream', `connect to ${endpoint.key} failed: ${err.message}`)
  }

  // ---- request ----

  #send(): void {
    const conn = this.#conn as UpstreamConnection
    conn.requests++
    this.#phase = WAITING
    this.#sentAt = performance.now()
    const backendTimeout = this.#target.timeouts.backendRequest
    this.#setDeadline(this.#sentAt + (backendTimeout || RESPONSE_HEADER_TIMEOUT_MS))
    const ex = this.#ex
    const target = ex.rawQuery === '' ? ex.path : `${ex.path}?${ex.rawQuery}`
    const body = ex.downstream.requestBody
    let framing: RequestFraming = 'none'
    if (body) {
      if (body.length >= 0) framing = 'length'
      else framing = 'chunked'
      this.#encodeChunks = !body.rawChunked && body.length < 0
    }
    conn.write(upstreamRequestHead(ex, target, framing, body ? body.length : 0))
    if (!body) {
      this.#bodySent = true
      return
    }
    this.#body = body
    body.start(this)
  }

  data(chunk: Uint8Array): void {
    const conn = this.#conn
    if (!conn || this.#phase === DONE) return
    let ok: boolean
    if (this.#encodeChunks) {
      if (chunk.length === 0) return
      conn.write(encodeChunkHeader(chunk.length))
      conn.write(chunk)
      ok = conn.write(CRLF)
    } else {
      ok = conn.write(chunk)
    }
    if (!ok) this.#body?.pause()
  }

  end(): void {
    if (this.#encodeChunks) this.#conn?.write(LAST_CHUNK)
    this.#bodySent = true
  }

  error(): void {
    // The client connection failed mid-body; it answers the client itself.
    this.#conn?.destroy()
    this.#conn = undefined
    this.#done(400)
  }

  onUpstreamDrain(): void {
    this.#body?.resume()
  }

  // ---- response ----

  onResponseHead(head: ResponseHead, mode: ResponseBodyMode, first: Uint8Array | undefined, start: number, end: number): void {
    if (this.#phase === DONE) return
    const conn = this.#conn as UpstreamConnection
    const endpoint = this.#endpoint as Endpoint
    endpoint.recordSuccess()
    if (!this.#bodySent) conn.markNotReusable()
    this.#phase = STREAMING
    const backendTimeout = this.#target.timeouts.backendRequest
    this.#setDeadline(backendTimeout ? this.#sentAt + backendTimeout : Infinity)
    const ex = this.#ex
    ex.status = head.status
    ex.upstream = endpoint.key
    const ds = ex.downstream
    ds.onWritable = () => this.#conn?.resume()
    const reason = head.reason === '' ? statusText(head.status) : head.reason
    if (!ds.sendHead(head.status, reason, head.headers, head.connectionTokens, mode, first, start, end)) conn.pause()
  }

  onResponseBody(chunk: Uint8Array): void {
    if (this.#phase === DONE) return
    if (!this.#ex.downstream.sendBody(chunk)) this.#conn?.pause()
  }

  onResponseEnd(): void {
    if (this.#phase === DONE) return
    this.#conn = undefined
    this.#ex.downstream.endBody()
    this.#done(this.#ex.status)
  }

  onUpstreamError(err: Error, responseStarted: boolean): void {
    if (this.#phase === DONE) return
    const conn = this.#conn
    this.#conn = undefined
    if (responseStarted || this.#ex.downstream.headersSent) {
      this.#ex.errorSource = 'upstream'
      this.#ex.errorMessage = err.message
      this.#ex.downstream.abort()
      this.#done(this.#ex.status)
      return
    }
    const reused = conn !== undefined && conn.requests > 1
    if (reused && !this.#body && !this.#staleRetried) {
      // The upstream closed a pooled connection just as it was reused: try a fresh one.
      this.#staleRetried = true
      ;(this.#endpoint as Endpoint).inflight--
      this.#endpoint = undefined
      this.#attempt()
      return
    }
    this.#local(502, 'upstream', `upstream ${this.#endpoint?.key} failed: ${err.message}`)
  }

  // ---- timeouts and endings ----

  expire(): void {
    if (this.#phase === DONE) return
    const phase = this.#phase
    const conn = this.#conn
    this.#conn = undefined
    conn?.destroy()
    if (phase === CONNECTING) this.#endpoint?.recordFailure(performance.now())
    const ds = this.#ex.downstream
    const what = phase === CONNECTING ? 'connect timeout' : 'upstream timeout'
    if (ds.headersSent) {
      this.#ex.errorSource = 'upstream'
      this.#ex.errorMessage = what
      ds.abort()
      this.#done(this.#ex.status)
    } else {
      this.#local(504, 'upstream', `${what} (${this.#endpoint?.key ?? 'no endpoint'})`)
    }
  }

  #setDeadline(at: number): void {
    this.at = Math.min(at, this.#requestDeadline)
    if (this.at === Infinity) this.#rt.deadlines.delete(this)
    else this.#rt.deadlines.add(this)
  }

  #clientGone(): void {
    if (this.#phase === DONE) return
    this.#conn?.destroy()
    this.#conn = undefined
    this.#ex.errorSource = 'downstream'
    this.#ex.errorMessage = 'client closed the connection'
    this.#done(499)
  }

  #local(status: number, source: string, message: string): void {
    const ex = this.#ex
    ex.errorSource = source
    ex.errorMessage = message
    if (this.#endpoint) ex.upstream = this.#endpoint.key
    respondError(ex, status, message)
    this.#done(status)
  }

  #done(status: number): void {
    if (this.#phase === DONE) return
    this.#phase = DONE
    this.#rt.deadlines.delete(this)
    if (this.#endpoint) this.#endpoint.inflight--
    this.#endpoint = undefined
    const ds = this.#ex.downstream
    ds.onWritable = undefined
    ds.onClientGone = undefined
    this.#ex.finish(status)
  }
}
