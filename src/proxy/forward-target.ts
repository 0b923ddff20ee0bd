import type { RetryPolicy, RouteTimeouts, SessionPersistenceModel } from '../model.ts'
import type { FilterChain } from '../filters/filter-chain.ts'
import type { BackendSet } from './backend-set.ts'
import type { CompiledMirror } from './backend-set.ts'
import type { Deadlines } from './deadlines.ts'
import type { H2cSessions } from './h2c-upstream.ts'
import type { UpstreamPool } from './upstream-pool.ts'

/** ForwardTarget is what a forwarding route hands the proxy. */
export interface ForwardTarget {
  readonly backends: BackendSet
  /** The route's filters: their response phase runs on the upstream's answer. */
  readonly filters: FilterChain
  /** Where the route's RequestMirror filters copy requests. */
  readonly mirrors: readonly CompiledMirror[]
  readonly timeouts: RouteTimeouts
  readonly retry?: RetryPolicy
  readonly sessionPersistence?: SessionPersistenceModel
}

/** ProxyRuntime is the long-lived state the proxy uses. */
export interface ProxyRuntime {
  readonly upstreams: UpstreamPool
  readonly h2c: H2cSessions
  readonly deadlines: Deadlines
}
