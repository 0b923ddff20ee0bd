import type { Endpoint } from '../balancer/endpoint.ts'
import type { Exchange } from '../listeners/exchange.ts'
import type { CompiledBackend } from './backend-set.ts'
import { H2cStream, type H2cSessions } from './h2c-upstream.ts'
import type { UpstreamConnection } from './upstream-connection.ts'
import type { UpstreamListener } from './upstream-listener.ts'
import type { UpstreamPool } from './upstream-pool.ts'

/** UpstreamChannel carries one attempt: an HTTP/1.1 connection or a stream on an h2c session. */
export type UpstreamChannel = UpstreamConnection | H2cStream

/** OpenedChannel is a channel and whether the request can be sent on it at once. */
export interface OpenedChannel {
  readonly channel: UpstreamChannel
  /** False while connecting: the listener hears onConnected or onConnectFailed. */
  readonly ready: boolean
}

/**
 * openChannel starts one attempt on an endpoint: a stream on the endpoint's h2c session, an idle
 * pooled connection (ready at once), or a new connection, over TLS when the backend has a
 * BackendTLSPolicy. Pooled TLS connections are keyed by SNI too, so they are never shared across
 * server names.
 */
export function openChannel(
  rt: { readonly upstreams: UpstreamPool; readonly h2c: H2cSessions },
  backend: CompiledBackend,
  endpoint: Endpoint,
  listener: UpstreamListener,
  ex: Exchange
): OpenedChannel {
  const noBody = ex.method === 'HEAD'
  if (backend.protocol === 'h2c') {
    const stream = new H2cStream(listener, noBody)
    stream.connect(rt.h2c, endpoint.key, endpoint.address, endpoint.port)
    return { channel: stream, ready: false }
  }
  const decode = !ex.downstream.acceptsRawChunked
  const upgrade = ex.upgrade !== ''
  const key = backend.tls ? `${endpoint.key}|tls|${backend.tls.serverName}` : endpoint.key
  const idle = rt.upstreams.take(key)
  if (idle) {
    idle.begin(listener, noBody, decode, upgrade)
    return { channel: idle, ready: true }
  }
  const conn = rt.upstreams.create(key)
  conn.begin(listener, noBody, decode, upgrade)
  conn.connect(endpoint.address, endpoint.port, backend.tls)
  return { channel: conn, ready: false }
}
