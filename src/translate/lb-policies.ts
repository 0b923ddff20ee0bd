import type { ActiveHealthCheckModel, LoadBalancerModel } from '../model.ts'
import { parseDuration } from '../resources/durations.ts'
import type { TranslateContext } from './context.ts'
import { claimTargets, PolicyContext, resolveServiceTargets, type TargetRef } from './policy-targets.ts'

/** Defaults of an active health check, Envoy Gateway's where it has one. */
const DEFAULT_HEALTH_INTERVAL_MS = 3_000
const DEFAULT_HEALTH_TIMEOUT_MS = 1_000
const DEFAULT_UNHEALTHY_THRESHOLD = 3
const DEFAULT_HEALTHY_THRESHOLD = 1

interface LoadBalancingPolicySpec {
  targetRefs?: TargetRef[]
  loadBalancer?: {
    type?: string
    consistentHash?: { header?: { name?: string }; cookie?: { name?: string } }
  }
  healthCheck?: {
    active?: {
      path?: string
      interval?: string
      timeout?: string
      unhealthyThreshold?: number
      healthyThreshold?: number
      expectedStatuses?: number[]
    }
  }
}

const TYPES: Readonly<Record<string, LoadBalancerModel['type']>> = {
  LeastRequest: 'least-request',
  RoundRobin: 'round-robin',
  Random: 'random',
  ConsistentHash: 'consistent-hash',
}

/** LoadBalancingSettings is what a BackendLoadBalancingPolicy contributes to a Service. */
interface LoadBalancingSettings {
  readonly loadBalancer?: LoadBalancerModel
  readonly healthCheck?: ActiveHealthCheckModel
}

/**
 * processLoadBalancingPolicies reads Weir's BackendLoadBalancingPolicy (weir.dev/v1alpha1), a
 * direct policy attached by targetRefs like Gateway API's own policies: the load-balancing
 * algorithm of the targeted Services (LeastRequest by default, RoundRobin, Random, ConsistentHash
 * on a header or cookie) and an optional active HTTP health check. Passive ejection of endpoints
 * that refuse connections is always on.
 */
export function processLoadBalancingPolicies(ctx: TranslateContext): PolicyContext[] {
  const contexts: PolicyContext[] = []
  const claims: { policy: PolicyContext; targets: string[]; value: LoadBalancingSettings }[] = []
  for (const r of ctx.resources.list<{ spec?: LoadBalancingPolicySpec }>('BackendLoadBalancingPolicy')) {
    const policy = new PolicyContext(r)
    contexts.push(policy)
    const spec = r.body.spec ?? {}
    const settings = readSettings(spec)
    if (typeof settings === 'string') {
      policy.conditions.set('Accepted', 'False', 'Invalid', settings)
      continue
    }
    claims.push({ policy, targets: resolveServiceTargets(ctx, policy, spec.targetRefs ?? []), value: settings })
  }
  for (const [service, { value }] of claimTargets(claims)) {
    const entry = ctx.servicePolicies.get(service) ?? {}
    entry.policy = { ...entry.policy, ...value }
    ctx.servicePolicies.set(service, entry)
  }
  return contexts
}

function readSettings(spec: LoadBalancingPolicySpec): LoadBalancingSettings | string {
  let loadBalancer: LoadBalancerModel | undefined
  if (spec.loadBalancer) {
    const type = TYPES[spec.loadBalancer.type ?? 'LeastRequest']
    if (!type) return `spec.loadBalancer.type must be one of ${Object.keys(TYPES).join(', ')}`
    if (type === 'consistent-hash') {
      const header = spec.loadBalancer.consistentHash?.header?.name
      const cookie = spec.loadBalancer.consistentHash?.cookie?.name
      if (!header && !cookie) return 'spec.loadBalancer.consistentHash needs header.name or cookie.name'
      loadBalancer = { type, ...(header ? { header } : {}), ...(cookie ? { cookie } : {}) }
    } else {
      loadBalancer = { type }
    }
  }
  let healthCheck: ActiveHealthCheckModel | undefined
  const active = spec.healthCheck?.active
  if (active) {
    const interval = active.interval ? parseDuration(active.interval) : DEFAULT_HEALTH_INTERVAL_MS
    const timeout = active.timeout ? parseDuration(active.timeout) : DEFAULT_HEALTH_TIMEOUT_MS
    if (!interval || !timeout) return 'spec.healthCheck.active.interval and timeout must be durations like 5s'
    if (active.path !== undefined && !active.path.startsWith('/')) return 'spec.healthCheck.active.path must start with /'
    healthCheck = {
      path: active.path ?? '/',
      intervalMs: interval,
      timeoutMs: timeout,
      unhealthyThreshold: active.unhealthyThreshold ?? DEFAULT_UNHEALTHY_THRESHOLD,
      healthyThreshold: active.healthyThreshold ?? DEFAULT_HEALTHY_THRESHOLD,
      expectedStatuses: active.expectedStatuses ?? [200],
    }
  }
  return { ...(loadBalancer ? { loadBalancer } : {}), ...(healthCheck ? { healthCheck } : {}) }
}
