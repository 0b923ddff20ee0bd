import type { ResponseHead } from '../http1/response-head.ts'
import type { ResponseBodyMode } from '../http/body.ts'
import type { UpstreamConnection } from './upstream-connection.ts'

/** UpstreamListener receives the events of the one request a connection carries at a time. */
export interface UpstreamListener {
  /** The connection is open (new connections only); the request may be written. */
  onConnected(conn: UpstreamConnection): void
  onConnectFailed(err: Error): void
  /** A final (non-1xx) response head arrived; `first[start, end)` are body bytes that came with it. */
  onResponseHead(head: ResponseHead, body: ResponseBodyMode, first: Uint8Array | undefined, start: number, end: number): void
  onResponseBody(chunk: Uint8Array): void
  /** The response is complete; `trailers` (flat lower-cased pairs) when the upstream sent some. */
  onResponseEnd(trailers?: readonly string[]): void
  /** An interim response (1xx other than 101: 100 Continue, 103 Early Hints) arrived before the final one. */
  onInformational?(head: ResponseHead): void
  /** The upstream accepted an upgrade (101); call `tunnel` to start passing bytes. */
  onUpgrade?(head: ResponseHead): void
  /** The connection failed; `responseStarted` tells whether a response head had arrived. */
  onUpstreamError(err: Error, responseStarted: boolean): void
  /** Writes that returned false have drained. */
  onUpstreamDrain(): void
}

/** ConnectionReturn is where a connection goes back when its response is complete. */
export interface ConnectionReturn {
  release(conn: UpstreamConnection): void
  forget(conn: UpstreamConnection): void
}

/** TunnelSink receives the bytes of an upgraded (101) connection. */
export interface TunnelSink {
  data(chunk: Uint8Array): void
  end(): void
}
