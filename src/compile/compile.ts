import type { Metrics } from '../admin/metrics.ts'
import type { EndpointRegistry } from '../balancer/endpoint.ts'
import { Pool } from '../balancer/pool.ts'
import { DEFAULT_PICKER, PICKERS } from '../balancer/registry.ts'
import type { Exchange } from '../listeners/exchange.ts'
import type { BackendModel, ListenerModel, Model, RouteModel } from '../model.ts'
import { BackendSet, type CompiledBackend } from '../proxy/backend-set.ts'
import { ProxyCall, type ForwardTarget, type ProxyRuntime } from '../proxy/proxy-call.ts'
import { respondError } from '../proxy/respond-error.ts'
import { compileMatch } from './matchers.ts'
import { RouteTable, type CompiledRoute } from './route-table.ts'
import { SocketTable, type CompiledListener } from './socket-table.ts'

/** CompileRuntime is the long-lived state compiled tables refer to. */
export interface CompileRuntime extends ProxyRuntime {
  readonly endpoints: EndpointRegistry
  readonly metrics: Metrics
}

/** Snapshot is one generation of compiled tables, keyed by socket (`address:port`). Never mutated. */
export interface Snapshot {
  readonly generation: number
  readonly model: Model
  readonly tables: ReadonlyMap<string, SocketTable>
  /** Endpoint keys the snapshot uses, so the registry can forget the others. */
  readonly endpointKeys: ReadonlySet<string>
}

/**
 * compile turns the model into request-path tables: host indexes, match predicates with their
 * regexes compiled, weighted backend sets with pickers, and the route handlers. Everything the
 * request path needs is built here, once per reload.
 */
export function compile(model: Model, rt: CompileRuntime, generation: number): Snapshot {
  const endpointKeys = new Set<string>()
  const backendCache = new Map<BackendModel, CompiledBackend>()
  const tables = new Map<string, SocketTable>()
  for (const socket of model.sockets) {
    const listeners = socket.listeners.map((l) => compileListener(l, rt, endpointKeys, backendCache))
    tables.set(socket.key, new SocketTable(socket.key, socket.protocol, listeners))
  }
  return Object.freeze({ generation, model, tables, endpointKeys })
}

function compileListener(
  l: ListenerModel,
  rt: CompileRuntime,
  endpointKeys: Set<string>,
  backendCache: Map<BackendModel, CompiledBackend>
): CompiledListener {
  const routes = l.routes.map((r) => compileRoute(r, l.key, rt, endpointKeys, backendCache))
  return { key: l.key, hostname: l.hostname, tls: l.tls, routes: new RouteTable(routes), unmatched: rt.metrics.statsFor(l.key, '') }
}

function compileRoute(
  r: RouteModel,
  listener: string,
  rt: CompileRuntime,
  endpointKeys: Set<string>,
  backendCache: Map<BackendModel, CompiledBackend>
): CompiledRoute {
  return {
    name: r.name,
    listener,
    hostname: r.hostname,
    stats: rt.metrics.statsFor(listener, r.name),
    matches: compileMatch(r.match),
    handle: compileAction(r, rt, endpointKeys, backendCache),
  }
}

function compileAction(
  r: RouteModel,
  rt: CompileRuntime,
  endpointKeys: Set<string>,
  backendCache: Map<BackendModel, CompiledBackend>
): (ex: Exchange) => void {
  const action = r.action
  if (action.kind === 'respond') {
    const { status, message } = action
    return (ex) => {
      respondError(ex, status, message)
      ex.finish(status)
    }
  }
  const weighted = action.backends.map((b) => {
    let backend = backendCache.get(b)
    if (!backend) {
      backend = compileBackend(b, rt, endpointKeys)
      backendCache.set(b, backend)
    }
    return { backend, weight: b.weight }
  })
  const target: ForwardTarget = { backends: new BackendSet(weighted), timeouts: r.timeouts }
  return (ex) => new ProxyCall(ex, target, rt).start()
}

function compileBackend(b: BackendModel, rt: CompileRuntime, endpointKeys: Set<string>): CompiledBackend {
  const endpoints = b.endpoints.map((e) => {
    const endpoint = rt.endpoints.get(e.address, e.port)
    endpointKeys.add(endpoint.key)
    return endpoint
  })
  const picker = (PICKERS.get(DEFAULT_PICKER) ?? fail(DEFAULT_PICKER)).create()
  return { key: b.key, pool: new Pool(endpoints, picker), ...(b.failure ? { failure: b.failure } : {}) }
}

function fail(type: string): never {
  throw new Error(`picker ${type} is not registered`)
}
