import type { ErrorSource } from '../http/error-source.ts'
import type { Endpoint } from '../balancer/endpoint.ts'
import type { Attempt } from '../balancer/attempt.ts'
import type { ResponseHead } from '../http1/response-head.ts'
import type { BodySink, RequestBody, ResponseBodyMode, TunnelPeer } from '../http/body.ts'
import type { Exchange } from '../listeners/exchange.ts'
import type { SessionPersistenceModel } from '../model.ts'
import type { CompiledBackend } from './backend-set.ts'
import { Deadline } from './deadlines.ts'
import { chooseEndpoint, type EndpointChoice } from './endpoint-choice.ts'
import { CONNECT_TIMEOUT_MS, MAX_CONNECT_ATTEMPTS, RESPONSE_HEADER_TIMEOUT_MS } from './proxy-limits.ts'
import { prepareInference, type InferenceCall, type UsageReader } from '../inference/inference-request-phase.ts'
import type { ForwardTarget, ProxyRuntime } from './forward-target.ts'
import { upstreamHeadFor } from './forward-headers.ts'
import { H2cStream, h2cRequestHeaders } from './h2c-upstream.ts'
import { sampleMirrors } from '../filters/mirror.ts'
import { startMirrors, type Mirror } from './mirror-call.ts'
import type { CompiledMirror } from './backend-set.ts'
import { RequestBodyRelay } from './request-body-relay.ts'
import { respondError } from './respond-error.ts'
import { RetryState } from './retry-state.ts'
import { sendUpstreamHead } from './response-headers.ts'
import { sessionHeader, sessionTarget } from './session-persistence.ts'
import { joinTunnel } from './upgrade-tunnel.ts'
import { openChannel, type UpstreamChannel } from './upstream-channel.ts'
import type { UpstreamConnection } from './upstream-connection.ts'
import type { UpstreamListener } from './upstream-listener.ts'

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
export class ProxyCall extends Deadline implements UpstreamListener, BodySink, EndpointChoice {
  #phase = CONNECTING
  readonly #ex: Exchange
  readonly #target: ForwardTarget
  readonly #rt: ProxyRuntime
  #backend: CompiledBackend | undefined
  #endpoint: Endpoint | undefined
  /** The connection (or h2c stream) of the current attempt. */
  #channel: UpstreamChannel | undefined
  // What chooseEndpoint reads (EndpointChoice): the call itself carries it, so nothing is allocated for it.
  #tried: Endpoint[] | undefined
  #sessionEndpoint: Endpoint | undefined
  #connectAttempts = 0
  #requestDeadline = Infinity
  #sentAt = 0
  #head: string | undefined
  #body: RequestBody | undefined
  #relay: RequestBodyRelay | undefined
  #bodyStarted = false
  #bodySent = false
  #retry: RetryState | undefined
  #session: SessionPersistenceModel | undefined
  #staleRetried = false
  /** The mirrors this request was sampled for, and their calls once started. */
  #mirrorTo: CompiledMirror[] | undefined
  #mirrors: Mirror[] | undefined
  /** The client side of an upgraded connection. */
  #client: TunnelPeer | undefined
  /** Set for an OpenAI request to an InferencePool: its pool picks the endpoints. */
  #inference: InferenceCall | undefined
  /** The current attempt, which hears dispatched, first byte, then finished or failed. */
  #picked: Attempt | undefined
  #sawBytes = false
  /** Reads the token usage of an inference attempt's response. */
  #usage: UsageReader | undefined

  constructor(ex: Exchange, target: ForwardTarget, rt: ProxyRuntime) {
    super()
    this.#ex = ex
    this.#target = target
    this.#rt = rt
  }

  // ---- EndpointChoice: what chooseEndpoint reads ----

  get backend(): CompiledBackend {
    return this.#backend as CompiledBackend
  }

  get request(): Exchange {
    return this.#ex
  }

  get session(): Endpoint | undefined {
    return this.#sessionEndpoint
  }

  get inference(): InferenceCall | undefined {
    return this.#inference
  }

  get tried(): readonly Endpoint[] | undefined {
    return this.#tried
  }

  /** start begins forwarding; the exchange is answered asynchronously. */
  start(): void {
    const ex = this.#ex
    const backend = this.#target.backends.pick()
    if (!backend) return this.#local(500, 'internal', 'no backend has a weight above 0')
    if (backend.failure) return this.#local(backend.failure.status, 'internal', backend.failure.message)
    this.#backend = backend
    if (backend.filters.request(ex)) return
    this.#mirrorTo = sampleMirrors(backend.mirrors, sampleMirrors(this.#target.mirrors, undefined))
    if (!backend.inference) return this.#begin(backend)
    // An InferencePool's requests go through the inference request phase first (src/inference).
    prepareInference(ex, backend.inference, (call) => this.#begin(backend, call))
  }

  /** begin sets up timeouts, retries, the session and the body relay, then makes the first attempt. */
  #begin(backend: CompiledBackend, inference?: InferenceCall): void {
    const ex = this.#ex
    this.#inference = inference
    const request = this.#target.timeouts.request
    if (request) this.#requestDeadline = ex.startedAt + request
    const retry = this.#target.retry ?? backend.defaultRetry
    if (retry) this.#retry = new RetryState(retry, backend.retryBudget)
    this.#session = this.#target.sessionPersistence ?? backend.sessionPersistence
    const sticky = this.#session ? sessionTarget(ex, this.#session, backend.endpoints) : undefined
    this.#sessionEndpoint = sticky
    backend.retryBudget?.recordRequest()
    const body = ex.requestBody
    this.#body = body
    if (body) this.#relay = new RequestBodyRelay(!body.rawChunked && body.length < 0, this.#retry !== undefined)
    ex.downstream.onClientGone = () => this.#clientGone()
    this.#attempt()
  }

  // ---- choosing and connecting ----

  #attempt(): void {
    const backend = this.#backend as CompiledBackend
    // Once every endpoint was tried, a retry may go back to one of them.
    let picked = chooseEndpoint(this)
    if (!picked && this.#retry && this.#retry.count > 0 && this.#tried) {
      this.#tried = undefined
      picked = chooseEndpoint(this)
    }
    if (!picked) {
      if (this.#connectAttempts === 0 && !this.#retry?.count) return this.#local(503, 'upstream', `no ready endpoint for ${backend.key}`)
      return this.#local(502, 'upstream', `could not connect to any endpoint of ${backend.key}`)
    }
    const endpoint = picked.endpoint
    this.#endpoint = endpoint
    this.#picked = picked
    this.#sawBytes = false
    this.#usage = this.#inference?.usageReader()
    endpoint.inflight++
    picked.dispatched()
    this.#connectAttempts++
    const { channel, ready } = openChannel(this.#rt, backend, endpoint, this, this.#ex)
    this.#channel = channel
    if (ready) return this.#send()
    this.#phase = CONNECTING
    this.#setDeadline(performance.now() + CONNECT_TIMEOUT_MS)
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
    this.#channel = undefined
    if (this.#connectAttempts < MAX_CONNECT_ATTEMPTS) this.#attempt()
    else if (!this.#retryAfterFailure()) this.#local(502, 'upstream', `connect to ${endpoint.key} failed: ${err.message}`)
  }

  // ---- request ----

  /** send writes the request head (or opens the h2c stream), then the body or its replay. */
  #send(): void {
    const ex = this.#ex
    this.#phase = WAITING
    this.#sentAt = performance.now()
    const backendTimeout = this.#target.timeouts.backendRequest
    this.#setDeadline(this.#sentAt + (backendTimeout || RESPONSE_HEADER_TIMEOUT_MS))
    const body = this.#body
    const target = ex.rawQuery === '' ? ex.upstreamPath : `${ex.upstreamPath}?${ex.rawQuery}`
    const channel = this.#channel as UpstreamChannel
    if (channel instanceof H2cStream) {
      channel.send(h2cRequestHeaders(ex, target, body?.length), !body)
    } else {
      channel.requests++
      this.#head ??= upstreamHeadFor(ex, target)
      channel.write(this.#head)
    }
    if (this.#mirrorTo && !this.#mirrors) {
      const decoded = channel instanceof H2cStream
      this.#mirrors = startMirrors(this.#rt, ex, this.#mirrorTo, this.#head ?? upstreamHeadFor(ex, target), target, decoded)
    }
    if (!body) {
      this.#bodySent = true
    } else if (!this.#bodyStarted) {
      this.#bodyStarted = true
      body.start(this, channel instanceof H2cStream)
    } else {
      // A retry: resend the body kept for it (complete, or the request would not be retried).
      this.#relay?.replay(channel)
      this.#bodySent = true
    }
  }

  data(chunk: Uint8Array): void {
    if (this.#phase === DONE) return
    const relay = this.#relay as RequestBodyRelay
    relay.keep(chunk)
    if (this.#mirrors) for (const m of this.#mirrors) m.data(chunk)
    if (this.#phase === BACKOFF) return
    const channel = this.#channel
    if (channel && !relay.write(channel, chunk)) this.#body?.pause()
  }

  end(): void {
    const relay = this.#relay as RequestBodyRelay
    relay.complete = true
    if (this.#mirrors) for (const m of this.#mirrors) m.end()
    if (this.#phase === DONE || this.#phase === BACKOFF) return
    const channel = this.#channel
    if (channel) relay.end(channel)
    this.#bodySent = true
  }

  error(err: Error): void {
    // The client connection failed mid-body (bad framing: 400, a body timeout: 408); it answers the client itself.
    this.#dropChannel()
    this.#ex.errorSource = 'downstream'
    this.#ex.errorMessage = err.message
    this.#done((err as { status?: number }).status ?? 400)
  }

  onUpstreamDrain(): void {
    if (this.#client) this.#client.resume()
    else this.#body?.resume()
  }

  /** onUpgrade turns the exchange into a tunnel once the upstream answered 101. */
  onUpgrade(head: ResponseHead): void {
    if (this.#phase === DONE) return
    const conn = this.#channel as UpstreamConnection
    const endpoint = this.#endpoint as Endpoint
    endpoint.recordSuccess()
    this.#phase = STREAMING
    this.#setDeadline(Infinity)
    this.#ex.status = 101
    this.#ex.upstream = endpoint.key
    this.#ex.downstream.onClientGone = undefined
    // The exchange ends, with status 101, when the tunnel closes.
    this.#client = joinTunnel(this.#ex, conn, head, () => this.#done(101))
    if (this.#client) return
    conn.destroy()
    this.#local(502, 'downstream', 'the client connection cannot be upgraded')
  }

  // ---- response ----

  onInformational(head: ResponseHead): void {
    if (this.#phase === DONE) return
    this.#ex.downstream.sendInformational?.(head.status, head.reason, head.headers, head.connectionTokens)
  }

  onResponseHead(head: ResponseHead, mode: ResponseBodyMode, first: Uint8Array | undefined, start: number, end: number): void {
    if (this.#phase === DONE) return
    if (this.#retry?.policy.codes.includes(head.status) && this.#retryAfterFailure()) return
    const channel = this.#channel as UpstreamChannel
    const endpoint = this.#endpoint as Endpoint
    endpoint.recordSuccess()
    if (!this.#bodySent && !(channel instanceof H2cStream)) channel.markNotReusable()
    this.#phase = STREAMING
    const backendTimeout = this.#target.timeouts.backendRequest
    this.#setDeadline(backendTimeout ? this.#sentAt + backendTimeout : Infinity)
    const ex = this.#ex
    ex.upstream = endpoint.key
    ex.downstream.onWritable = () => this.#channel?.resume()
    const session = this.#session
    const cookie = session && this.#sessionEndpoint !== endpoint ? sessionHeader(session, endpoint) : undefined
    if (first && end > start) this.#responseBytes(first.subarray(start, end))
    if (!sendUpstreamHead(ex, head, this.#target.filters, (this.#backend as CompiledBackend).filters, cookie, mode, first, start, end)) channel.pause()
  }

  onResponseBody(chunk: Uint8Array): void {
    if (this.#phase === DONE) return
    this.#responseBytes(chunk)
    if (!this.#ex.downstream.sendBody(chunk)) this.#channel?.pause()
  }

  /** responseBytes tells the attempt its first response byte came, and feeds the usage reader. */
  #responseBytes(chunk: Uint8Array): void {
    const picked = this.#picked
    if (!picked) return
    if (!this.#sawBytes) {
      this.#sawBytes = true
      picked.firstByte()
    }
    this.#usage?.feed(chunk)
  }

  onResponseEnd(trailers?: readonly string[]): void {
    if (this.#phase === DONE) return
    this.#channel = undefined
    this.#ex.downstream.endBody(trailers)
    this.#done(this.#ex.status)
  }

  onUpstreamError(err: Error, responseStarted: boolean): void {
    if (this.#phase === DONE) return
    const channel = this.#channel
    this.#channel = undefined
    if (responseStarted || this.#ex.downstream.headersSent) {
      this.#ex.errorSource = 'upstream'
      this.#ex.errorMessage = err.message
      this.#ex.downstream.abort()
      this.#done(this.#ex.status)
      return
    }
    const reused = channel !== undefined && !(channel instanceof H2cStream) && channel.requests > 1
    if (reused && !this.#body && !this.#staleRetried) {
      // The upstream closed a pooled connection just as it was reused: try a fresh one.
      this.#staleRetried = true
      this.#release(this.#endpoint as Endpoint)
      this.#attempt()
      return
    }
    if (this.#retry?.policy.onConnectionError && this.#retryAfterFailure()) return
    this.#local(502, 'upstream', `upstream ${this.#endpoint?.key} failed: ${err.message}`)
  }

  // ---- retries ----

  /**
   * retryAfterFailure schedules the next attempt after the backoff, on another endpoint where
   * there is one. It returns false when no retry is allowed, and answers 503 itself when the
   * backend's retry budget is spent (XBackendTrafficPolicy).
   */
  #retryAfterFailure(): boolean {
    const decision = this.#retry?.next(!this.#body || (this.#relay as RequestBodyRelay).replayable)
    if (!decision) return false
    if (!decision.retry) {
      if (!decision.budgetSpent) return false
      this.#discardAttempt()
      this.#local(503, 'upstream', `retry budget of ${this.#backend?.key} is spent`)
      return true
    }
    this.#discardAttempt()
    this.#phase = BACKOFF
    this.#setDeadline(this.#requestDeadline)
    setTimeout(() => {
      if (this.#phase !== BACKOFF) return
      this.#connectAttempts = 0
      this.#attempt()
    }, decision.backoffMs)
    return true
  }

  /** discardAttempt drops the current connection and endpoint so another can be tried. */
  #discardAttempt(): void {
    this.#dropChannel()
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
    this.#dropChannel()
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
    this.#dropChannel()
    this.#ex.errorSource = 'downstream'
    this.#ex.errorMessage = 'client closed the connection'
    this.#done(499)
  }

  #local(status: number, source: ErrorSource, message: string): void {
    const ex = this.#ex
    ex.errorSource = source
    ex.errorMessage = message
    if (this.#endpoint) ex.upstream = this.#endpoint.key
    respondError(ex, status, message)
    this.#done(status)
  }

  /** dropChannel closes the connection or stream of the current attempt. */
  #dropChannel(): void {
    this.#channel?.destroy()
    this.#channel = undefined
  }

  /** release ends the current attempt: finished once a response byte came, else failed. */
  #release(endpoint: Endpoint): void {
    const picked = this.#picked
    if (picked) {
      this.#picked = undefined
      if (this.#sawBytes) picked.finished(this.#usage?.usage())
      else picked.failed()
    }
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
