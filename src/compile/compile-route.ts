import type { Filter } from '../filters/filter.ts'
import type { Exchange } from '../listeners/exchange.ts'
import type { BackendModel, FilterSpec, RouteMatch, RouteModel } from '../model.ts'
import { BackendSet } from '../proxy/backend-set.ts'
import type { ForwardTarget, ProxyRuntime } from '../proxy/forward-target.ts'
import { ProxyCall } from '../proxy/proxy-call.ts'
import { respondError } from '../proxy/respond-error.ts'
import type { CompileScope } from './compile-scope.ts'
import { createFilters } from './create-filters.ts'
import { compileMatch } from './matchers.ts'
import type { CompiledRoute } from './route-table.ts'

/**
 * compileRoute builds one route match for the request path: its match predicate, its filters
 * (instantiated once per reload) and its action, composed into one handler. Request filters run
 * in the order listed; the first that answers ends the exchange; response filters are handed to
 * the proxy, which runs them on the response head.
 */
export function compileRoute(r: RouteModel, listener: string, scope: CompileScope): CompiledRoute {
  const filters = createFilters(r.filters, r.match, scope)
  const requestFilters = filters.filter((f) => f.request)
  const responseFilters = filters.filter((f) => f.response)
  const terminal = compileAction(r, scope)
  let handle: (ex: Exchange) => void = terminal
  if (requestFilters.length > 0 || responseFilters.length > 0) {
    const response = responseFilters.length > 0 ? responseFilters : undefined
    handle = (ex) => {
      for (let i = 0; i < requestFilters.length; i++) {
        if ((requestFilters[i] as Filter).request!(ex)) return
      }
      ex.responseFilters = response
      terminal(ex)
    }
  }
  return {
    name: r.name,
    listener,
    hostname: r.hostname,
    stats: scope.rt.metrics.statsFor(listener, r.name),
    matches: compileMatch(r.match),
    handle,
  }
}

function compileAction(r: RouteModel, scope: CompileScope): (ex: Exchange) => void {
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
    timeouts: r.timeouts,
    ...(r.retry ? { retry: r.retry } : {}),
    ...(r.sessionPersistence ? { sessionPersistence: r.sessionPersistence } : {}),
  }
  const rt: ProxyRuntime = scope.rt
  return (ex) => new ProxyCall(ex, target, rt).start()
}
