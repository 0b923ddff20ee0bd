import type { Endpoint } from '../balancer/endpoint.ts'
import { NO_REQUEST } from '../balancer/picker.ts'
import { LAST_CHUNK, encodeChunkHeader } from '../http1/chunked.ts'
import type { Exchange } from '../listeners/exchange.ts'
import type { CompiledBackend, CompiledMirror } from './backend-set.ts'
import { H2cMirrorCall } from './h2c-mirror.ts'
import { h2cRequestHeaders, type H2cSessions } from './h2c-upstream.ts'
import type { UpstreamConnection } from './upstream-connection.ts'
import type { UpstreamListener } from './upstream-listener.ts'
import type { UpstreamPool } from './upstream-pool.ts'

/**
 * MIRROR_BUFFER_LIMIT bounds what a mirror may hold back (body bytes waiting for its connection
 * or its socket). A mirror that falls further behind is dropped: the real request never waits.
 */
const MIRROR_BUFFER_LIMIT = 1024 * 1024
/** MIRROR_TIMEOUT_MS abandons a mirrored request that has not finished by then. */
const MIRROR_TIMEOUT_MS = 30_000

const CRLF = new Uint8Array([0x0d, 0x0a])

/** Mirror is a copy of a request on its way to a mirror backend; it takes the body as it arrives. */
export interface Mirror {
  data(chunk: Uint8Array): void
  end(): void
}

const SKIPPED: Mirror = { data() {}, end() {} }

/**
 * startMirrors sends a copy of the request to each mirror backend; the caller passes them the
 * body as it arrives (`data`, `end`), `decoded` when those bytes carry no HTTP/1.1 chunk framing.
 * A request without a body is complete at once. `head` is the HTTP/1.1 head, `target` the
 * request target for an h2c mirror (a gRPC one).
 */
export function startMirrors(
  rt: { readonly upstreams: UpstreamPool; readonly h2c: H2cSessions },
  ex: Exchange,
  mirrors: readonly CompiledMirror[],
  head: string,
  target: string,
  decoded: boolean
): Mirror[] {
  const body = ex.requestBody
  const encodeChunks = body !== undefined && !body.rawChunked && body.length < 0
  return mirrors.map(({ backend }) => {
    if (backend.protocol === 'h2c') {
      // HTTP/2 carries the payload only: bytes still framed as chunks cannot be copied to it.
      if (body?.rawChunked && !decoded) return SKIPPED
      const m = new H2cMirrorCall(h2cRequestHeaders(ex, target, body?.length), body !== undefined)
      m.start(rt.h2c, backend, ex.method === 'HEAD')
      if (!body) m.end()
      return m
    }
    const m = new MirrorCall(rt.upstreams, head, encodeChunks)
    m.start(backend, ex.method === 'HEAD')
    if (!body) m.end()
    return m
  })
}

/**
 * MirrorCall sends a copy of a request (the same head, the same body bytes as they arrive) to
 * one endpoint of a mirror backend and throws the response away. It never pushes back on the
 * request it copies: bytes it cannot send yet are buffered up to a limit, and past the limit, on
 * an error or after a timeout, the mirror is abandoned quietly.
 */
export class MirrorCall implements UpstreamListener {
  readonly #pool: UpstreamPool
  readonly #head: string
  readonly #encodeChunks: boolean
  #conn: UpstreamConnection | undefined
  #endpoint: Endpoint | undefined
  #pending: Uint8Array[] | undefined = []
  #pendingBytes = 0
  #ended = false
  #done = false
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(pool: UpstreamPool, head: string, encodeChunks: boolean) {
    this.#pool = pool
    this.#head = head
    this.#encodeChunks = encodeChunks
  }

  /** start picks an endpoint of the mirror backend and sends the head once connected. */
  start(backend: CompiledBackend, noBody: boolean): void {
    // A mirror reports nothing back: its backend's Service picker learns nothing from requests.
    const endpoint = backend.endpoints.pick(NO_REQUEST, undefined)?.endpoint
    if (!endpoint) return this.#abandon()
    this.#endpoint = endpoint
    endpoint.inflight++
    this.#timer = setTimeout(() => this.#abandon(), MIRROR_TIMEOUT_MS)
    this.#timer.unref?.()
    const key = backend.tls ? `${endpoint.key}|tls|${backend.tls.serverName}` : endpoint.key
    const idle = this.#pool.take(key)
    if (idle) {
      this.#conn = idle
      idle.begin(this, noBody, true)
      this.#flushPending()
      return
    }
    const conn = this.#pool.create(key)
    this.#conn = conn
    conn.begin(this, noBody, true)
    conn.connect(endpoint.address, endpoint.port, backend.tls)
  }

  /** data copies request body bytes. */
  data(chunk: Uint8Array): void {
    if (this.#done) return
    if (this.#pending) {
      this.#pendingBytes += chunk.length
      if (this.#pendingBytes > MIRROR_BUFFER_LIMIT) return this.#abandon()
      this.#pending.push(chunk)
      return
    }
    this.#write(chunk)
  }

  /** end marks the end of the request body. */
  end(): void {
    if (this.#done) return
    this.#ended = true
    if (!this.#pending && this.#encodeChunks) this.#conn?.write(LAST_CHUNK)
  }

  onConnected(): void {
    this.#flushPending()
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

  #flushPending(): void {
    const conn = this.#conn
    if (!conn || this.#done) return
    conn.requests++
    conn.write(this.#head)
    const pending = this.#pending ?? []
    this.#pending = undefined
    for (const chunk of pending) this.#write(chunk)
    if (this.#ended && this.#encodeChunks) conn.write(LAST_CHUNK)
  }

  #write(chunk: Uint8Array): void {
    const conn = this.#conn
    if (!conn || chunk.length === 0) return
    if (this.#encodeChunks) {
      conn.write(encodeChunkHeader(chunk.length))
      conn.write(chunk)
      conn.write(CRLF)
    } else {
      conn.write(chunk)
    }
    if (conn.backlog > MIRROR_BUFFER_LIMIT) this.#abandon()
  }

  #finish(): void {
    if (this.#done) return
    this.#done = true
    clearTimeout(this.#timer)
    if (this.#endpoint) this.#endpoint.inflight--
    this.#conn = undefined
  }

  #abandon(): void {
    const conn = this.#conn
    this.#finish()
    this.#pending = undefined
    conn?.destroy()
  }
}
