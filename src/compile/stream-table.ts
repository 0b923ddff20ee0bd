import type { StreamEndpoint, StreamHandler, StreamRoute, StreamUpstream } from '../listeners/stream-handler.ts'
import type { RouteMatch, SocketModel, StreamProtocol } from '../model.ts'
import { BackendSet } from '../proxy/backend-set.ts'
import { connectStream, pickStreamEndpoint } from '../proxy/stream-connect.ts'
import type { CompileScope } from './compile-scope.ts'
import { HostIndex } from './host-index.ts'

/** Stream backends carry no filters; the match only serves filter factories, so any will do. */
const NO_MATCH: RouteMatch = { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] }

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
 * StreamTable is the immutable table of one TCP, TLS-passthrough or UDP socket for one generation.
 * A TLS connection's SNI picks the listener (most specific hostname, as on HTTPS: listener
 * isolation), then the route within it by hostname (exact beats wildcard); a TCP or UDP socket
 * has one listener and its oldest route serves all its traffic.
 */
export class StreamTable implements StreamHandler {
  readonly #listeners = new HostIndex<HostIndex<StreamRoute>>()
  readonly #names = new Set<string>()

  constructor(
    readonly key: string,
    readonly protocol: StreamProtocol,
    listeners: readonly { hostname: string | undefined; routes: HostIndex<StreamRoute> }[],
    names: Iterable<string>
  ) {
    for (const l of listeners) this.#listeners.set(protocol === 'TLS' ? (l.hostname ?? '*') : '*', l.routes)
    for (const n of names) this.#names.add(n)
  }

  route(serverName: string | undefined): StreamRoute | undefined {
    if (this.protocol !== 'TLS') return this.#listeners.lookup('')?.lookup('')
    if (serverName === undefined) return undefined
    return this.#listeners.lookup(serverName)?.lookup(serverName)
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
    return { hostname: l.hostname, routes }
  })
  return new StreamTable(socket.key, socket.protocol, listeners, names)
}
