import type { FilterChain } from '../filters/filter-chain.ts'
import type { Exchange } from '../listeners/exchange.ts'
import type { BackendModel, RouteModel } from '../model.ts'
import { BackendSet } from '../proxy/backend-set.ts'
import type { ForwardTarget, ProxyRuntime } from '../proxy/forward-target.ts'
import { ProxyCall } from '../proxy/proxy-call.ts'
import { respondError } from '../proxy/respond-error.ts'
import type { CompileScope } from './compile-scope.ts'
import { compileMirrors, createFilterChain } from './create-filters.ts'
import { allOf, compileConditions } from './matchers.ts'
import type { CompiledRoute } from './route-table.ts'

/**
 * compileRoute builds one route match for the request path: its match predicate, its filter
 * chain (instantiated once per reload) and its action, composed into one handler. The chain's
 * request phase runs first, and a filter that answers ends the exchange; its response phase and
 * mirrors go to the proxy with the forwarding target.
 */
export function compileRoute(r: RouteModel, listener: string, scope: CompileScope): CompiledRoute {
  const filters = createFilterChain(r.filters, r.match)
  const terminal = compileAction(r, scope, filters)
  const conditions = compileConditions(r.match)
  const handle: (ex: Exchange) => void = filters.hasRequestPhase
    ? (ex) => {
        if (!filters.request(ex)) terminal(ex)
      }
    : terminal
  return {
    name: r.name,
    listener,
    hostname: r.hostname,
    stats: scope.rt.metrics.statsFor(listener, r.name),
    matches: allOf(conditions.map((c) => c.test)),
    conditions,
    handle,
  }
}

function compileAction(r: RouteModel, scope: CompileScope, filters: FilterChain): (ex: Exchange) => void {
  const action = r.action
  if (action.kind === 'respond') {
    const { status, message } = action
    return (ex) => {
      respondError(ex, status, message)
      ex.finish(status)
    }
  }
  const weighted = action.backends.map((b: BackendModel) => ({ backend: scope.backend(b, r.match), weight: b.weight }))
  const target: ForwardTarget = {
    backends: new BackendSet(weighted),
    filters,
    mirrors: compileMirrors(filters, r.match, scope),
    timeouts: r.timeouts,
    ...(r.retry ? { retry: r.retry } : {}),
    ...(r.sessionPersistence ? { sessionPersistence: r.sessionPersistence } : {}),
  }
  const rt: ProxyRuntime = scope.rt
  return (ex) => new ProxyCall(ex, target, rt).start()
}
