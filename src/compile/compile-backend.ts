import type { ActiveHealthChecks } from '../balancer/active-health.ts'
import type { EndpointRegistry } from '../balancer/endpoint.ts'
import { EndpointSet } from '../balancer/endpoint-set.ts'
import { createPicker, DEFAULT_PICKER } from '../balancer/registry.ts'
import type { FilterChain } from '../filters/filter-chain.ts'
import type { CompiledMirror } from '../proxy/backend-set.ts'
import { compileInferencePool, INFERENCE_FAILOVER } from '../inference/compiled-inference-pool.ts'
import type { InferencePools } from '../inference/inference-pool-runtime.ts'
import type { BackendModel, LoadBalancerModel } from '../model.ts'
import type { CompiledBackend } from '../proxy/backend-set.ts'
import { RetryBudget } from '../proxy/retry-budget.ts'

/** BackendRuntime is the long-lived state backends are compiled against. */
export interface BackendRuntime {
  readonly endpoints: EndpointRegistry
  /** Retry budgets by backend key, kept across reloads so a reload does not reset them. */
  readonly budgets: Map<string, RetryBudget>
  readonly healthChecks: ActiveHealthChecks
  /** Inference pools' pickers and scrapers by pool key, kept across reloads. */
  readonly inferencePools: InferencePools
}

/** BackendUse records what a snapshot uses, so long-lived state can be trimmed after apply. */
export interface BackendUse {
  readonly endpointKeys: Set<string>
  readonly healthCheckKeys: Set<string>
  readonly budgetKeys: Set<string>
  readonly poolKeys: Set<string>
}

/**
 * compileBackend builds a backend's endpoint set (endpoints from the registry and the picker its policy
 * names, least-request by default), its retry budget and active health check, and its
 * backendRef filters (built by the caller, which knows the filter factories).
 */
export function compileBackend(
  b: BackendModel,
  rt: BackendRuntime,
  use: BackendUse,
  filters: FilterChain,
  mirrors: readonly CompiledMirror[]
): CompiledBackend {
  const endpoints = b.endpoints.map((e) => {
    const endpoint = rt.endpoints.get(e.address, e.port)
    use.endpointKeys.add(endpoint.key)
    return endpoint
  })
  const lb = b.policy?.loadBalancer
  const picker = createPicker(lb?.type ?? DEFAULT_PICKER, endpoints, pickerParams(lb))
  const policy = b.policy
  let retryBudget: RetryBudget | undefined
  if (policy?.retryBudget) {
    retryBudget = rt.budgets.get(b.key)
    if (retryBudget) retryBudget.update(policy.retryBudget)
    else rt.budgets.set(b.key, (retryBudget = new RetryBudget(policy.retryBudget)))
    use.budgetKeys.add(b.key)
  }
  if (policy?.healthCheck && endpoints.length > 0) {
    rt.healthChecks.ensure(b.key, endpoints, policy.healthCheck)
    use.healthCheckKeys.add(b.key)
  }
  const inference = b.inferencePool ? compileInferencePool(b.inferencePool, endpoints, rt.inferencePools) : undefined
  if (b.inferencePool) use.poolKeys.add(b.inferencePool.key)
  const defaultRetry = policy?.defaultRetry ?? (inference ? INFERENCE_FAILOVER : undefined)
  return {
    key: b.key,
    endpoints: new EndpointSet(endpoints, picker),
    ...(b.failure ? { failure: b.failure } : {}),
    filters,
    mirrors,
    protocol: b.protocol ?? 'http1',
    ...(b.tls ? { tls: b.tls } : {}),
    ...(retryBudget ? { retryBudget } : {}),
    ...(defaultRetry ? { defaultRetry } : {}),
    ...(policy?.sessionPersistence ? { sessionPersistence: policy.sessionPersistence } : {}),
    ...(inference ? { inference } : {}),
  }
}

function pickerParams(lb: LoadBalancerModel | undefined): { header?: string; cookie?: string } {
  if (lb?.type !== 'consistent-hash') return {}
  return { ...(lb.header ? { header: lb.header } : {}), ...(lb.cookie ? { cookie: lb.cookie } : {}) }
}
