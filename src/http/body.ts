// Body vocabulary shared by both sides of the proxy: how a request body is read and how a
// response body arrives, whatever protocol carries it.

/**
 * TunnelPeer is one side of an upgraded connection: `write` passes bytes on (false means slow
 * down: pause the other side until `onDrain`), `end` closes it.
 */
export interface TunnelPeer {
  write(chunk: Uint8Array): boolean
  end(): void
  pause(): void
  resume(): void
}

/** ResponseBodyMode says how the response body will arrive at `sendBody`. */
export type ResponseBodyMode =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  /** Raw HTTP/1.1 chunked bytes, passed through as they are (only if acceptsRawChunked). */
  | { readonly kind: 'chunked' }
  /** Plain bytes of unknown length; the downstream frames them. */
  | { readonly kind: 'stream' }

/** BODY_NONE and BODY_STREAM are shared mode objects, to avoid allocating them per response. */
export const BODY_NONE: ResponseBodyMode = { kind: 'none' }
export const BODY_STREAM: ResponseBodyMode = { kind: 'stream' }
export const BODY_CHUNKED: ResponseBodyMode = { kind: 'chunked' }

/**
 * RequestBody delivers a request body to one consumer. HTTP/1.1 chunked bodies are delivered
 * still framed (`rawChunked`), so an HTTP/1.1 upstream can take them without re-encoding.
 */
export interface RequestBody {
  /** Body length from Content-Length, or -1 when unknown (chunked, or HTTP/2 without one). */
  readonly length: number
  readonly rawChunked: boolean
  /**
   * start begins delivery; bytes already received are delivered before it returns. `decoded`
   * asks for the payload without HTTP/1.1 chunk framing (for an HTTP/2 upstream).
   */
  start(sink: BodySink, decoded?: boolean): void
  pause(): void
  resume(): void
}

/** BodySink consumes body bytes. */
export interface BodySink {
  data(chunk: Uint8Array): void
  end(): void
  error(err: Error): void
}
