import type { Endpoint } from '../balancer/endpoint.ts'
import type { Filter, ResponseHeadOut } from '../filters/filter.ts'
import { LAST_CHUNK, encodeChunkHeader } from '../http1/chunked.ts'
import type { ResponseHead } from '../http1/response-head.ts'
import type { BodySink, RequestBody, ResponseBodyMode } from '../listeners/downstream.ts'
import type { Exchange } from '../listeners/exchange.ts'
import type { RetryPolicy, RouteTimeouts, SessionPersistenceModel } from '../model.ts'
import type { BackendSet, CompiledBackend } from './backend-set.ts'
import { Deadline, type Deadlines } from './deadlines.ts'
import { upstreamRequestHead, type RequestFraming } from './forward-headers.ts'
import { isHopByHop } from './hop-by-hop.ts'
import { MirrorCall } from './mirror-call.ts'
import { respondError } from './respond-error.ts'
import { sessionHeader, sessionTarget } from './session-persistence.ts'
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
/** MAX_CONNECT_ATTEMPTS is how many endpoints one attempt tries when connections fail. */
const MAX_CONNECT_ATTEMPTS = 3
/**
 * MAX_REPLAY_BYTES is the largest request body kept for a retry. A retry must resend the body;
 * bodies larger than this are streamed without a copy and their requests are not retried.
 */
const MAX_REPLAY_BYTES = 1024 * 1024

const CRLF = new Uint8Array([0x0d, 0x0a])
const NO_TOKENS: readonly string[] = []

/** ForwardTarget is what a forwarding route hands the proxy. */
export interface ForwardTarget {
  readonly backends: BackendSet
  readonly timeouts: RouteTimeouts
  readonly retry?: RetryPolicy
  readonly sessionPersistence?: SessionPersistenceModel
}

/** ProxyRuntime is the long-lived state the proxy uses. */
export interface ProxyRuntime {
  readonly upstreams: UpstreamPool
  readonly deadlines: Deadlines
}

const CONNECTING = 0
const WAITING = 1
const STREAMING = 2
const BACKOFF = 3
const DONE = 4

/**
 * ProxyCall forwards one exchange to a backend (Pingora's phases in one object): pick a backend
 * by weight, run its backendRef filters, pick an endpoint (the session's, else through the
 * picker), take a pooled connection or open one, send the head and stream the body (copied to
 * any mirrors), then stream the response back through the response filters, with backpressure
 * both ways. A failed connection moves to another endpoint (nothing was sent); a pooled
 * connection the upstream had just closed is retried once on a fresh one; `retry` retries the
 * listed statuses and connection errors within the retry budget. Timeouts answer 504.
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
  #connectAttempts = 0
  #requestDeadline = Infinity
  #sentAt = 0
  #head: string | undefined
  #body: RequestBody | undefined
  #bodyStarted = false
  #bodySent = false
  #bodyComplete = false
  #encodeChunks = false
  #replay: Uint8Array[] | undefined
  #replayBytes = 0
  #retry: RetryPolicy | undefined
  #retries = 0
  #session: SessionPersistenceModel | undefined
  #sessionEndpoint: Endpoint | undefined
  #staleRetried = false
  #mirrors: MirrorCall[] | undefined

  constructor(ex: Exchange, target: ForwardTarget, rt: ProxyRuntime) {
    super()
    this.#ex = ex
    this.#target = target
    this.#rt = rt
  }

  /** start begins forwarding; the exchange is answered asynchronously. */
  start(): void {
    const ex = this.#ex
    const backend = this.#target.backends.pick()
    if (!backend) return this.#local(500, 'internal', 'no backend has a weight above 0')
    if (backend.failure) return this.#local(backend.failure.status, 'internal', backend.failure.message)
    this.#backend = backend
    for (const f of backend.requestFilters) if (f.request!(ex)) return
    const request = this.#target.timeouts.request
    if (request) this.#requestDeadline = ex.startedAt + request
    this.#retry = this.#target.retry ?? backend.defaultRetry
    this.#session = this.#target.sessionPersistence ?? backend.sessionPersistence
    if (this.#session) this.#sessionEndpoint = sessionTarget(ex, this.#session, backend.pool)
    backend.retryBudget?.recordRequest()
    this.#body = ex.downstream.requestBody
    if (this.#body && this.#retry) this.#replay = []
    ex.downstream.onClientGone = () => this.#clientGone()
    this.#attempt()
  }

  // ---- choosing and connecting ----

  #attempt(): void {
    const backend = this.#backend as CompiledBackend
    let endpoint = this.#chooseEndpoint(backend)
    if (!endpoint && this.#retries > 0 && this.#tried) {
      // Every endpoint was tried: a retry may go back to one of them.
      this.#tried = undefined
      endpoint = this.#chooseEndpoint(backend)
    }
    if (!endpoint) {
      if (this.#connectAttempts === 0 && this.#retries === 0) return this.#local(503, 'upstream', `no ready endpoint for ${backend.key}`)
      return this.#local(502, 'upstream', `could not connect to any endpoint of ${backend.key}`)
    }
    this.#endpoint = endpoint
    endpoint.inflight++
    this.#connectAttempts++
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

  #chooseEndpoint(backend: CompiledBackend): Endpoint | undefined {
    const sticky = this.#sessionEndpoint
    if (sticky && !this.#tried?.includes(sticky)) return sticky
    return backend.pool.pick(this.#tried, this.#ex)
  }

  onConnected(): void {
    if (this.#phase === DONE) return
    this.#send()
  }

  onConnectFailed(err: Error): void {
    if (this.#phase === DONE) return
    const endpoint = this.#endpoint as Endpoint
    this.#release(endpoint)
    endpoint.recordFailure(performance.now())
    ;(this.#tried ??= []).push(endpoint)
    this.#conn = undefined
    if (this.#connectAttempts < MAX_CONNECT_ATTEMPTS) this.#attempt()
    else if (!this.#retryAfterFailure()) this.#local(502, 'upstream', `connect to ${endpoint.key} failed: ${err.message}`)
  }

  // ---- request ----

  #send(): void {
    const conn = this.#conn as UpstreamConnection
    const ex = this.#ex
    conn.requests++
    this.#phase = WAITING
    this.#sentAt = performance.now()
    const backendTimeout = this.#target.timeouts.backendRequest
    this.#setDeadline(this.#sentAt + (backendTimeout || RESPONSE_HEADER_TIMEOUT_MS))
    const body = this.#body
    if (this.#head === undefined) {
      let framing: RequestFraming = 'none'
      if (body) framing = body.length >= 0 ? 'length' : 'chunked'
      this.#encodeChunks = body !== undefined && !body.rawChunked && body.length < 0
      const target = ex.rawQuery === '' ? ex.upstreamPath : `${ex.upstreamPath}?${ex.rawQuery}`
      this.#head = upstreamRequestHead(ex, target, framing, body ? body.length : 0)
      if (ex.mirrors) this.#startMirrors()
    }
    conn.write(this.#head)
    if (!body) {
      this.#bodySent = true
      return
    }
    if (!this.#bodyStarted) {
      this.#bodyStarted = true
      body.start(this)
      return
    }
    // A retry: resend the body kept for it (complete, or the request would not be retried).
    for (const chunk of this.#replay ?? []) this.#writeBody(conn, chunk)
    if (this.#encodeChunks) conn.write(LAST_CHUNK)
    this.#bodySent = true
  }

  #startMirrors(): void {
    const ex = this.#ex
    this.#mirrors = (ex.mirrors ?? []).map((backend) => {
      const m = new MirrorCall(this.#rt.upstreams, this.#head as string, this.#encodeChunks)
      m.start(backend, ex.method === 'HEAD')
      return m
    })
    if (!this.#body) for (const m of this.#mirrors) m.end()
  }

  data(chunk: Uint8Array): void {
    if (this.#phase === DONE) return
    if (this.#replay) {
      this.#replayBytes += chunk.length
      if (this.#replayBytes <= MAX_REPLAY_BYTES) this.#replay.push(chunk)
      else this.#replay = undefined
    }
    if (this.#mirrors) for (const m of this.#mirrors) m.data(chunk)
    const conn = this.#conn
    if (!conn || this.#phase === BACKOFF) return
    if (!this.#writeBody(conn, chunk)) this.#body?.pause()
  }

  end(): void {
    this.#bodyComplete = true
    if (this.#mirrors) for (const m of this.#mirrors) m.end()
    if (this.#phase === DONE || this.#phase === BACKOFF) return
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

  #writeBody(conn: UpstreamConnection, chunk: Uint8Array): boolean {
    if (!this.#encodeChunks) return conn.write(chunk)
    if (chunk.length === 0) return true
    conn.write(encodeChunkHeader(chunk.length))
    conn.write(chunk)
    return conn.write(CRLF)
  }

  // ---- response ----

  onResponseHead(head: ResponseHead, mode: ResponseBodyMode, first: Uint8Array | undefined, start: number, end: number): void {
    if (this.#phase === DONE) return
    const retry = this.#retry
    if (retry && retry.codes.includes(head.status) && this.#canRetry()) {
      if (this.#retryAfterFailure()) return
    }
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
    const backendFilters = (this.#backend as CompiledBackend).responseFilters
    const startSession = this.#session !== undefined && this.#sessionEndpoint !== endpoint
    if (!ex.responseFilters && backendFilters.length === 0 && !startSession) {
      const reason = head.reason === '' ? statusText(head.status) : head.reason
      if (!ds.sendHead(head.status, reason, head.headers, head.connectionTokens, mode, first, start, end)) conn.pause()
      return
    }
    const out: ResponseHeadOut = { status: head.status, headers: endToEnd(head.headers, head.connectionTokens) }
    runResponseFilters(backendFilters, ex, out)
    if (ex.responseFilters) runResponseFilters(ex.responseFilters, ex, out)
    if (startSession) out.headers.push(...sessionHeader(this.#session as SessionPersistenceModel, endpoint))
    const reason = out.status === head.status && head.reason !== '' ? head.reason : statusText(out.status)
    ex.status = out.status
    if (!ds.sendHead(out.status, reason, out.headers, NO_TOKENS, mode, first, start, end)) conn.pause()
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
      this.#release(this.#endpoint as Endpoint)
      this.#attempt()
      return
    }
    if (this.#retry?.onConnectionError && this.#canRetry() && this.#retryAfterFailure()) return
    this.#local(502, 'upstream', `upstream ${this.#endpoint?.key} failed: ${err.message}`)
  }

  // ---- retries ----

  /** canRetry tells whether another attempt is allowed and the request can be sent again. */
  #canRetry(): boolean {
    const retry = this.#retry
    if (!retry || this.#retries >= retry.attempts) return false
    if (!this.#body) return true
    return this.#replay !== undefined && this.#bodyComplete
  }

  /**
   * retryAfterFailure schedules the next attempt after the backoff, on another endpoint where
   * there is one. It returns false when no retry is allowed, and answers 503 itself when the
   * backend's retry budget is spent (XBackendTrafficPolicy).
   */
  #retryAfterFailure(): boolean {
    if (!this.#canRetry()) return false
    const budget = (this.#backend as CompiledBackend).retryBudget
    if (budget && !budget.tryRetry()) {
      this.#discardAttempt()
      this.#local(503, 'upstream', `retry budget of ${this.#backend?.key} is spent`)
      return true
    }
    this.#retries++
    this.#discardAttempt()
    this.#phase = BACKOFF
    this.#setDeadline(this.#requestDeadline)
    const backoff = (this.#retry as RetryPolicy).backoffMs * 2 ** (this.#retries - 1)
    setTimeout(() => {
      if (this.#phase !== BACKOFF) return
      this.#connectAttempts = 0
      this.#attempt()
    }, backoff)
    return true
  }

  /** discardAttempt drops the current connection and endpoint so another can be tried. */
  #discardAttempt(): void {
    this.#conn?.destroy()
    this.#conn = undefined
    const endpoint = this.#endpoint
    if (endpoint) {
      this.#release(endpoint)
      ;(this.#tried ??= []).push(endpoint)
    }
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

  #release(endpoint: Endpoint): void {
    endpoint.inflight--
    if (this.#endpoint === endpoint) this.#endpoint = undefined
  }

  #done(status: number): void {
    if (this.#phase === DONE) return
    this.#phase = DONE
    this.#rt.deadlines.delete(this)
    if (this.#endpoint) this.#release(this.#endpoint)
    const ds = this.#ex.downstream
    ds.onWritable = undefined
    ds.onClientGone = undefined
    this.#ex.finish(status)
  }
}

function runResponseFilters(filters: readonly Filter[], ex: Exchange, head: ResponseHeadOut): void {
  for (let i = 0; i < filters.length; i++) (filters[i] as Filter).response!(ex, head)
}

/** endToEnd copies a response header list without its hop-by-hop and framing fields. */
function endToEnd(headers: readonly string[], tokens: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string
    if (name === 'content-length' || isHopByHop(name, tokens)) continue
    out.push(name, headers[i + 1] as string)
  }
  return out
}
