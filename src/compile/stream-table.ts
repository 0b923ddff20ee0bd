import type { ServedListener } from '../listeners/http-handler.ts'
import type { StreamEndpoint, StreamHandler, StreamRoute, StreamUpstream } from '../listeners/stream-handler.ts'
import type { ListenerTls, RouteMatch, SocketModel, StreamProtocol } from '../model.ts'
import { BackendSet } from '../proxy/backend-set.ts'
import { connectStream, pickStreamEndpoint } from '../proxy/stream-connect.ts'
import type { CompileScope } from './compile-scope.ts'
import { HostIndex } from './host-index.ts'

/** Stream backends carry no filters; the match only serves filter factories, so any will do. */
const NO_MATCH: RouteMatch = { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] }

/** CompiledStreamListener is a Gateway listener of a stream socket: its hostname, certificates when it terminates TLS, and its routes by hostname. */
interface CompiledStreamListener extends ServedListener {
  readonly hostname: string | undefined
  readonly tls: ListenerTls | undefined
  readonly routes: HostIndex<StreamRoute>
}

/** CompiledStreamRoute is a TCPRoute or TLSRoute on one listener with its weighted backends. */
class CompiledStreamRoute implements StreamRoute {
  readonly id: string

  constructor(
    readonly name: string,
    readonly listener: string,
    readonly backends: BackendSet
  ) {
    this.id = `${listener} ${name}`
  }

  connect(): Promise<StreamUpstream | undefined> {
    return connectStream(this.backends)
  }

  pickEndpoint(): StreamEndpoint | undefined {
    return pickStreamEndpoint(this.backends)
  }
}

/**
 * StreamTable is the immutable table of one TCP, TLS or UDP socket for one generation.
 * A TLS connection's SNI picks the listener (most specific hostname, as on HTTPS: listener
 * isolation), then the route within it by hostname (exact beats wildcard); a TCP or UDP socket
 * has one listener and its oldest route serves all its traffic.
 */
export class StreamTable implements StreamHandler {
  readonly #byHost = new HostIndex<CompiledStreamListener>()
  readonly #names = new Set<string>()
  readonly terminates: boolean

  constructor(
    readonly key: string,
    readonly protocol: StreamProtocol,
    readonly listeners: readonly CompiledStreamListener[],
    names: Iterable<string>
  ) {
    for (const l of listeners) this.#byHost.set(protocol === 'TLS' ? (l.hostname ?? '*') : '*', l)
    for (const n of names) this.#names.add(n)
    this.terminates = listeners.some((l) => l.tls !== undefined)
  }

  listenerFor(host: string): ServedListener | undefined {
    return this.#byHost.lookup(host)
  }

  route(serverName: string | undefined): StreamRoute | undefined {
    if (this.protocol !== 'TLS') return this.#byHost.lookup('')?.routes.lookup('')
    if (serverName === undefined) return undefined
    return this.#byHost.lookup(serverName)?.routes.lookup(serverName)
  }

  has(routeId: string): boolean {
    return this.#names.has(routeId)
  }
}

/** compileStreamTable builds a TCP, TLS or UDP socket's table. */
export function compileStreamTable(socket: SocketModel & { protocol: StreamProtocol }, scope: CompileScope): StreamTable {
  const names: string[] = []
  const listeners = socket.listeners.map((l) => {
    const routes = new HostIndex<StreamRoute>()
    const streams = l.streams ?? []
    // Oldest last, so it overwrites: the oldest route wins a hostname that several claim.
    for (let i = streams.length - 1; i >= 0; i--) {
      const s = streams[i]!
      const backends = new BackendSet(s.backends.map((b) => ({ backend: scope.backend(b, NO_MATCH), weight: b.weight })))
      const route = new CompiledStreamRoute(s.name, l.key, backends)
      names.push(route.id)
      for (const h of s.hostnames) routes.set(h, route)
    }
    return { hostname: l.hostname, tls: l.tls, routes }
  })
  return new StreamTable(socket.key, socket.protocol, listeners, names)
}
