import type { Socket } from 'node:net'
import type { StreamProtocol } from '../model.ts'
import type { ServedListener } from './http-handler.ts'

/**
 * StreamHandler serves one TCP, TLS or UDP listening socket for one generation (a
 * compiled stream table is one): it finds the route for each new connection (or UDP session),
 * and tells a reload whether the route of an established one still exists.
 */
export interface StreamHandler {
  readonly protocol: StreamProtocol
  /** True for TLS listeners in mode Terminate: Weir completes the handshake, then relays the plaintext. */
  readonly terminates: boolean
  /** The Gateway listeners, for SNI certificate selection when terminating. */
  readonly listeners: readonly ServedListener[]
  /** listenerFor returns the listener serving a TLS server name. */
  listenerFor(host: string): ServedListener | undefined
  /** route finds the route for a connection; `serverName` is the TLS SNI (undefined on TCP). */
  route(serverName: string | undefined): StreamRoute | undefined
  /** has tells whether a route of this id is still served: connections on it are kept. */
  has(routeId: string): boolean
}

/** StreamRoute is where a connection's bytes go: one TCPRoute or TLSRoute on one listener. */
export interface StreamRoute {
  /** The listener key and the route name: the identity a reload keeps connections by. */
  readonly id: string
  /** `tcproute/namespace/name` (or tlsroute/, udproute/), for logs. */
  readonly name: string
  readonly listener: string
  /**
   * connect opens a connection to an endpoint of a backend picked by weight, trying other
   * endpoints when one refuses or times out (nothing was relayed yet). Undefined: none answered.
   */
  connect(): Promise<StreamUpstream | undefined>
  /** pickEndpoint chooses the endpoint of a new UDP session (a backend by weight, then the balancer). */
  pickEndpoint(): StreamEndpoint | undefined
}

/** StreamEndpoint is the endpoint a UDP session sends to; `done` is called once when the session ends. */
export interface StreamEndpoint {
  readonly address: string
  readonly port: number
  done(): void
}

/** StreamUpstream is a connected upstream socket; `done` is called once when the relay ends. */
export interface StreamUpstream {
  readonly socket: Socket
  /** `address:port` of the endpoint, for logs. */
  readonly endpoint: string
  done(): void
}

/** isStreamHandler tells a stream socket's table from an HTTP one. */
export function isStreamHandler(table: object): table is StreamHandler {
  return 'route' in table && 'has' in table
}

/** StreamEnd is why a relayed connection or UDP session ended. */
export type StreamEnd = 'done' | 'idle' | 'error' | 'closed' | 'no-route' | 'no-upstream' | 'bad-hello'

/** StreamRecord is what the access log says of one connection or UDP session once it ends. */
export interface StreamRecord {
  readonly protocol: StreamProtocol
  /** The Gateway listener (`namespace/gateway/listener`); '' when no route was found. */
  readonly listener: string
  readonly route: string
  readonly client: string
  readonly upstream: string
  readonly serverName?: string
  /** Bytes from the client to the upstream, and back. */
  readonly bytesUp: number
  readonly bytesDown: number
  readonly durationMs: number
  readonly end: StreamEnd
}

/** StreamObserver is told of every connection or UDP session when it ends. */
export type StreamObserver = (record: StreamRecord) => void
