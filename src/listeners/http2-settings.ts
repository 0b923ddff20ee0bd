import type http2 from 'node:http2'

/**
 * HTTP2_SERVER_OPTIONS are the limits Weir announces in its SETTINGS frame on every HTTP/2
 * connection, cleartext or TLS (measured: Bun 1.4.5's node:http2 enforces both).
 *  - 128 concurrent streams per connection, nginx's http2_max_concurrent_streams default: a
 *    client past it gets REFUSED_STREAM for the extra stream (safe to retry), not a slow queue.
 *  - a header list of 32 KiB, the HTTP/1.1 request-head limit (http1-connection.ts
 *    MAX_HEAD_BYTES): a larger one resets the stream (ENHANCE_YOUR_CALM), where HTTP/1.1 gets 431.
 */
export const HTTP2_SERVER_OPTIONS: http2.ServerOptions = {
  settings: {
    maxConcurrentStreams: 128,
    maxHeaderListSize: 32 * 1024,
  },
}
