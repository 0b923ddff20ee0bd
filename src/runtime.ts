import { Metrics } from './admin/metrics.ts'
import { ActiveHealthChecks } from './balancer/active-health.ts'
import { EndpointRegistry } from './balancer/endpoint.ts'
import type { Snapshot } from './compile/compile.ts'
import type { CompileRuntime } from './compile/compile-scope.ts'
import { InferencePools } from './inference/inference-pool-runtime.ts'
import { Deadlines, deadlines } from './proxy/deadlines.ts'
import { H2cSessions } from './proxy/h2c-upstream.ts'
import { UpstreamPool } from './proxy/upstream-pool.ts'

/**
 * createRuntime makes the long-lived state that configurations are compiled against and that
 * survives reloads (Caddy's hosts, Pingora's backends): endpoint health and load, pooled upstream
 * connections, retry budgets, active health checks and metrics.
 */
export function createRuntime(metrics = new Metrics(), sweeper: Deadlines = deadlines): CompileRuntime {
  const inferencePools = new InferencePools()
  metrics.poolSnapshots = () => inferencePools.snapshots()
  return {
    inferencePools,
    endpoints: new EndpointRegistry(),
    upstreams: new UpstreamPool(),
    h2c: new H2cSessions(),
    deadlines: sweeper,
    metrics,
    budgets: new Map(),
    healthChecks: new ActiveHealthChecks(),
  }
}

/** trimRuntime drops the long-lived state that the applied snapshot no longer uses. */
export function trimRuntime(rt: CompileRuntime, snapshot: Snapshot): void {
  rt.endpoints.retain(snapshot.use.endpointKeys)
  rt.healthChecks.retain(snapshot.use.healthCheckKeys)
  for (const key of rt.budgets.keys()) if (!snapshot.use.budgetKeys.has(key)) rt.budgets.delete(key)
  rt.inferencePools.retain(snapshot.use.poolKeys)
}
