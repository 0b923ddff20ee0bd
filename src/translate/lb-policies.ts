import type { ActiveHealthCheckModel, InferencePolicyName, LoadBalancerModel } from '../model.ts'
import { parseDuration } from '../resources/durations.ts'
import type { TranslateContext } from './context.ts'
import { isInferencePoolRef, poolTargetKey } from './inference-pools.ts'
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

/** How an InferencePool target picks; PrefixCache is the default and applies to pools only. */
const POOL_TYPES: Readonly<Record<string, InferencePolicyName>> = {
  PrefixCache: 'prefix-cache',
  LeastRequest: 'least-request',
  RoundRobin: 'round-robin',
  Random: 'random',
}

/** LoadBalancingSettings is what a BackendLoadBalancingPolicy contributes to a Service or a pool. */
interface LoadBalancingSettings {
  readonly loadBalancer?: LoadBalancerModel
  readonly healthCheck?: ActiveHealthCheckModel
  /** The picker of the InferencePool targets, when the policy sets a type. */
  readonly poolPolicy?: InferencePolicyName
}

/**
 * processLoadBalancingPolicies reads Weir's BackendLoadBalancingPolicy (weir.dev/v1alpha1), a
 * direct policy attached by targetRefs like Gateway API's own policies: the load-balancing
 * algorithm of the targeted Services (LeastRequest by default, RoundRobin, Random, ConsistentHash
 * on a header or cookie) and an optional active HTTP health check. Passive ejection of endpoints
 * that refuse connections is always on. It may also target InferencePools, whose picker it sets:
 * PrefixCache (their default), LeastRequest, RoundRobin or Random.
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
    claims.push({ policy, targets: resolveServiceTargets(ctx, policy, spec.targetRefs ?? [], { pools: true }), value: settings })
  }
  const pools = poolTargetKey('')
  for (const [target, { value }] of claimTargets(claims)) {
    const { poolPolicy, ...service } = value
    if (target.startsWith(pools)) {
      if (poolPolicy) ctx.poolPolicies.set(target.slice(pools.length), poolPolicy)
      continue
    }
    const entry = ctx.servicePolicies.get(target) ?? {}
    entry.policy = { ...entry.policy, ...service }
    ctx.servicePolicies.set(target, entry)
  }
  return contexts
}

/**
 * readSettings reads the policy for the kinds it targets: the Service algorithm and health check
 * for Service targets, the pool picker for InferencePool targets (a pool's endpoints are judged
 * by their metrics, so a health check or ConsistentHash on a pool target is invalid).
 */
function readSettings(spec: LoadBalancingPolicySpec): LoadBalancingSettings | string {
  const refs = spec.targetRefs ?? []
  const poolTargets = refs.some((ref) => isInferencePoolRef(ref.group, ref.kind))
  const serviceTargets = refs.length === 0 || refs.some((ref) => !isInferencePoolRef(ref.group, ref.kind))
  let poolPolicy: InferencePolicyName | undefined
  if (poolTargets) {
    const type = spec.loadBalancer?.type
    if (type !== undefined) {
      poolPolicy = POOL_TYPES[type]
      if (!poolPolicy) return `spec.loadBalancer.type must be one of ${Object.keys(POOL_TYPES).join(', ')} for an InferencePool`
    }
    if (spec.healthCheck) return 'spec.healthCheck applies to Services only: write it in a policy that targets no InferencePool'
  }
  if (spec.loadBalancer?.type === 'PrefixCache' && serviceTargets) {
    return 'spec.loadBalancer.type PrefixCache applies to InferencePools only: a Service’s requests are not read as prompts'
  }
  const settings = serviceTargets ? readServiceSettings(spec) : {}
  if (typeof settings === 'string') return settings
  return { ...settings, ...(poolPolicy ? { poolPolicy } : {}) }
}

function readServiceSettings(spec: LoadBalancingPolicySpec): LoadBalancingSettings | string {
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
