import type { Model, SocketModel, StreamProtocol } from '../model.ts'
import type { BackendUse } from './compile-backend.ts'
import { compileRoute } from './compile-route.ts'
import { CompileScope, type CompileRuntime } from './compile-scope.ts'
import { RouteTable, type CompiledRoute } from './route-table.ts'
import { SocketTable, type CompiledListener } from './socket-table.ts'
import { compileStreamTable, type StreamTable } from './stream-table.ts'

/** Snapshot is one generation of compiled tables, keyed by socket (`address:port`). Never mutated. */
export interface Snapshot {
  readonly generation: number
  readonly model: Model
  readonly tables: ReadonlyMap<string, SocketTable>
  /** TCP, TLS and UDP sockets, whose connections (or datagrams) are relayed as they come. */
  readonly streams: ReadonlyMap<string, StreamTable>
  /** What the snapshot uses of the long-lived state, so the rest can be dropped after apply. */
  readonly use: BackendUse
}

/**
 * compile turns the model into request-path tables: host indexes, match predicates with their
 * regexes compiled, filters instantiated, weighted backend sets with pickers, and the route
 * handlers. Everything the request path needs is built here, once per reload.
 */
export function compile(model: Model, rt: CompileRuntime, generation: number): Snapshot {
  const steps = compileSteps(model, rt, generation)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
}

/**
 * compileSteps is compile as a generator that pauses after every route, so a reload can hand the
 * event loop back to requests between slices of a large configuration (see reload/slices.ts).
 */
export function* compileSteps(model: Model, rt: CompileRuntime, generation: number): Generator<void, Snapshot> {
  const scope = new CompileScope(rt)
  const tables = new Map<string, SocketTable>()
  const streams = new Map<string, StreamTable>()
  for (const socket of model.sockets) {
    if (isStreamSocket(socket)) {
      streams.set(socket.key, compileStreamTable(socket, scope))
      yield
      continue
    }
    const listeners: CompiledListener[] = []
    for (const l of socket.listeners) {
      const routes: CompiledRoute[] = []
      for (const r of l.routes) {
        routes.push(compileRoute(r, l.key, scope))
        yield
      }
      listeners.push({
        key: l.key,
        hostname: l.hostname,
        tls: l.tls,
        routes: new RouteTable(routes),
        unmatched: scope.rt.metrics.statsFor(l.key, ''),
      })
    }
    tables.set(socket.key, new SocketTable(socket.key, socket.port, socket.protocol, listeners))
  }
  return Object.freeze({ generation, model, tables, streams, use: scope.use })
}

function isStreamSocket(s: SocketModel): s is SocketModel & { protocol: StreamProtocol } {
  return s.protocol === 'TCP' || s.protocol === 'TLS' || s.protocol === 'UDP'
}
