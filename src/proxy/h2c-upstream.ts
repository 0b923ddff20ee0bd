import http2 from 'node:http2'
import type { ResponseHead } from '../http1/response-head.ts'
import { BODY_NONE, BODY_STREAM, type ResponseBodyMode } from '../http/body.ts'
import type { Exchange } from '../listeners/exchange.ts'
import { isHopByHop } from '../http/hop-by-hop.ts'
import type { UpstreamListener } from './upstream-listener.ts'

/** SESSION_IDLE_MS closes an HTTP/2 session with no open stream after this long. */
const SESSION_IDLE_MS = 30_000

/**
 * H2cSessions keeps one cleartext HTTP/2 session per endpoint (Service port appProtocol
 * `kubernetes.io/h2c`): requests are streams multiplexed on it, so there is no pool to manage.
 * A session that closes or receives GOAWAY is replaced on the next request.
 */
export class H2cSessions {
  readonly #sessions = new Map<string, http2.ClientHttp2Session>()

  /** session returns the live session to an endpoint, opening one if needed. */
  session(key: string, host: string, port: number): http2.ClientHttp2Session {
    const existing = this.#sessions.get(key)
    if (existing && !existing.closed && !existing.destroyed) return existing
    const session = http2.connect(`http://${host.includes(':') ? `[${host}]` : host}:${port}`)
    session.setTimeout(SESSION_IDLE_MS, () => session.close())
    const forget = () => {
      if (this.#sessions.get(key) === session) this.#sessions.delete(key)
    }
    session.on('close', forget)
    session.on('goaway', forget)
    session.on('error', forget)
    this.#sessions.set(key, session)
    return session
  }

  /** closeAll closes every session (on shutdown). */
  closeAll(): void {
    for (const s of this.#sessions.values()) s.close()
    this.#sessions.clear()
  }
}

/**
 * H2cStream carries one request to an h2c endpoint and reports the response to the proxy through
 * the same UpstreamListener events as an HTTP/1.1 connection.
 */
export class H2cStream {
  readonly #listener: UpstreamListener
  readonly #noBody: boolean
  #session: http2.ClientHttp2Session | undefined
  #stream: http2.ClientHttp2Stream | undefined
  #responded = false
  #ended = false
  #trailers: string[] | undefined

  constructor(listener: UpstreamListener, noBody: boolean) {
    this.#listener = listener
    this.#noBody = noBody
  }

  /** connect gets the endpoint's session; the listener hears onConnected or onConnectFailed. */
  connect(sessions: H2cSessions, key: string, host: string, port: number): void {
    const session = sessions.session(key, host, port)
    this.#session = session
    if (!session.connecting) {
      queueMicrotask(() => this.#listener.onConnected(this as never))
      return
    }
    const onConnect = () => {
      session.off('error', onError)
      this.#listener.onConnected(this as never)
    }
    const onError = (err: Error) => {
      session.off('connect', onConnect)
      this.#listener.onConnectFailed(err)
    }
    session.once('connect', onConnect)
    session.once('error', onError)
  }

  /** send opens the stream with the request headers; `endStream` when there is no body. */
  send(headers: http2.OutgoingHttpHeaders, endStream: boolean): void {
    const session = this.#session
    if (!session) return
    let stream: http2.ClientHttp2Stream
    try {
      stream = session.request(headers, { endStream })
    } catch (err) {
      this.#listener.onUpstreamError(err as Error, false)
      return
    }
    this.#stream = stream
    stream.on('response', (h) => this.#onResponse(h))
    stream.on('data', (chunk: Buffer) => this.#listener.onResponseBody(chunk))
    stream.on('trailers', (t: http2.IncomingHttpHeaders) => (this.#trailers = flatFields(t)))
    stream.on('end', () => {
      this.#ended = true
      this.#listener.onResponseEnd(this.#trailers)
    })
    stream.on('drain', () => this.#listener.onUpstreamDrain())
    stream.on('close', () => {
      if (!this.#ended) this.#listener.onUpstreamError(new Error(`h2c stream closed (code ${stream.rstCode})`), this.#responded)
    })
    stream.on('error', () => {
      // Reported by the close event that follows.
    })
  }

  /** write sends request body bytes; false means wait for onUpstreamDrain. */
  write(chunk: Uint8Array): boolean {
    return this.#stream?.write(chunk) ?? false
  }

  /** backlog is how many request body bytes wait to be sent (a mirror gives up past a limit). */
  get backlog(): number {
    return this.#stream?.writableLength ?? 0
  }

  /** end finishes the request body. */
  end(): void {
    this.#stream?.end()
  }

  pause(): void {
    this.#stream?.pause()
  }

  resume(): void {
    this.#stream?.resume()
  }

  /** destroy cancels the stream; the session stays for other requests. */
  destroy(): void {
    this.#ended = true
    const s = this.#stream
    if (s && !s.destroyed) s.close(http2.constants.NGHTTP2_CANCEL)
  }

  #onResponse(h: http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader): void {
    this.#responded = true
    const status = Number(h[':status'] ?? 502)
    const headers = flatFields(h)
    const length = h['content-length'] === undefined ? -1 : Number(h['content-length'])
    const head: ResponseHead = {
      status,
      reason: '',
      minorVersion: 1,
      headers,
      contentLength: length,
      chunked: false,
      connectionClose: false,
      connectionTokens: [],
    }
    let mode: ResponseBodyMode = BODY_STREAM
    // A response whose HEADERS frame ended the stream (gRPC's trailers-only answer) has no body:
    // passed on as such, the client gets one HEADERS frame with END_STREAM as well.
    if ((this.#stream as { endAfterHeaders?: boolean } | undefined)?.endAfterHeaders) mode = BODY_NONE
    else if (this.#noBody || status === 204 || status === 304) mode = length >= 0 && this.#noBody ? { kind: 'length', length } : BODY_NONE
    else if (length >= 0) mode = { kind: 'length', length }
    // For HEAD, 204 and 304 no body follows; the stream's end event still finishes the exchange.
    this.#listener.onResponseHead(head, mode, undefined, 0, 0)
  }
}

/** flatFields lists an HTTP/2 header block's regular fields as flat [name, value] pairs. */
function flatFields(h: http2.IncomingHttpHeaders): string[] {
  const out: string[] = []
  for (const [name, value] of Object.entries(h)) {
    if (name.charCodeAt(0) === 0x3a || value === undefined) continue
    if (Array.isArray(value)) for (const v of value) out.push(name, v)
    else out.push(name, String(value))
  }
  return out
}

/**
 * h2cRequestHeaders builds the HTTP/2 request headers for the upstream: the pseudo-headers from
 * the (possibly rewritten) request, every end-to-end header, and X-Forwarded-For/-Proto as for
 * HTTP/1.1. Connection-specific headers are not allowed in HTTP/2 (RFC 9113 §8.2.2). `length` is
 * the body's, when there is a body and its length is known.
 */
export function h2cRequestHeaders(ex: Exchange, target: string, length: number | undefined): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {
    ':method': ex.method,
    ':path': target,
    ':scheme': 'http',
    ':authority': ex.authority,
  }
  let forwardedFor: string | undefined
  const h = ex.headers
  for (let i = 0; i < h.length; i += 2) {
    const name = h[i] as string
    const value = h[i + 1] as string
    if (name === 'host' || name === 'content-length' || name === 'expect' || name === 'x-forwarded-proto') continue
    if (name === 'x-forwarded-for') {
      forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`
      continue
    }
    if (name === 'te') {
      // The one TE value HTTP/2 allows (RFC 9113 §8.2.2); gRPC servers require it.
      if (/(^|,)\s*trailers\s*(;|,|$)/i.test(value)) out.te = 'trailers'
      continue
    }
    if (isHopByHop(name, ex.connectionTokens)) continue
    const prev = out[name]
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [String(prev), value]
  }
  out['x-forwarded-for'] = forwardedFor === undefined ? ex.clientAddress : `${forwardedFor}, ${ex.clientAddress}`
  out['x-forwarded-proto'] = ex.scheme
  // A string: Bun's HTTP/2 client sends a numeric 0 as an empty value, which servers reset.
  if (length !== undefined && length >= 0) out['content-length'] = String(length)
  return out
}
