import { keyOf, type Resource } from '../resources/resources.ts'
import type { GatewayContext, TranslateContext } from './context.ts'
import { isInferencePoolRef, poolTargetKey } from './inference-pools.ts'
import { Conditions, statusEntry, type StatusMap } from './status.ts'

/** TargetRef is a policy's `targetRefs[]` entry (LocalPolicyTargetReference[WithSectionName]). */
export interface TargetRef {
  group?: string
  kind: string
  name: string
  sectionName?: string
}

/**
 * PolicyContext tracks one direct-attached policy (GEP-713) while translating: which Services (and
 * InferencePools) it applies to and its status. A policy's ancestors are the Gateways whose routes
 * send traffic to one of its targets; a policy with no such Gateway reports against its first
 * target, so its status is never empty.
 */
export class PolicyContext {
  readonly conditions: Conditions
  /** The targets this policy is in effect for: Services `namespace/name`, pools `InferencePool/namespace/name`. */
  readonly services: string[] = []
  /** Extra conditions reported on every ancestor (ResolvedRefs for BackendTLSPolicy). */
  readonly extra: Conditions

  constructor(readonly resource: Resource) {
    this.conditions = new Conditions(resource.meta.generation)
    this.extra = new Conditions(resource.meta.generation)
  }
}

/**
 * resolveServiceTargets checks a policy's targets: core Services (and, with `pools`,
 * InferencePools) that exist in the policy's namespace. It returns their keys; a missing or
 * unsupported target sets Accepted=False (TargetNotFound / Invalid) as GEP-713 describes.
 */
export function resolveServiceTargets(
  ctx: TranslateContext,
  policy: PolicyContext,
  refs: readonly TargetRef[],
  options: { pools?: boolean } = {}
): string[] {
  const namespace = policy.resource.meta.namespace
  const found: string[] = []
  for (const ref of refs) {
    if (options.pools && isInferencePoolRef(ref.group, ref.kind)) {
      if (ctx.resources.get('InferencePool', namespace, ref.name)) found.push(poolTargetKey(`${namespace}/${ref.name}`))
      else policy.conditions.set('Accepted', 'False', 'TargetNotFound', `InferencePool ${namespace}/${ref.name} not found`)
      continue
    }
    if ((ref.group ?? '') !== '' || ref.kind !== 'Service') {
      const expected = options.pools ? 'a core Service or an InferencePool' : 'a core Service'
      policy.conditions.set('Accepted', 'False', 'Invalid', `target ${ref.group ?? ''}/${ref.kind} ${ref.name} is not ${expected}`)
      continue
    }
    if (!ctx.resources.get('Service', namespace, ref.name)) {
      policy.conditions.set('Accepted', 'False', 'TargetNotFound', `Service ${namespace}/${ref.name} not found`)
      continue
    }
    found.push(`${namespace}/${ref.name}`)
  }
  return found
}

/**
 * claimTargets gives each Service to the oldest policy of a kind that targets it (then
 * namespace/name), as GEP-713 requires for conflicting direct policies; the others are marked
 * Conflicted for that Service.
 */
export function claimTargets<T>(
  policies: readonly { policy: PolicyContext; targets: readonly string[]; value: T }[]
): Map<string, { policy: PolicyContext; value: T }> {
  const winners = new Map<string, { policy: PolicyContext; value: T }>()
  const ordered = [...policies].sort(
    (a, b) =>
      a.policy.resource.meta.createdAt - b.policy.resource.meta.createdAt ||
      compare(`${a.policy.resource.meta.namespace}/${a.policy.resource.meta.name}`, `${b.policy.resource.meta.namespace}/${b.policy.resource.meta.name}`)
  )
  for (const { policy, targets, value } of ordered) {
    for (const service of targets) {
      const winner = winners.get(service)
      if (winner) {
        policy.conditions.set(
          'Accepted',
          'False',
          'Conflicted',
          `${describeTarget(service)} is already targeted by ${winner.policy.resource.meta.namespace}/${winner.policy.resource.meta.name}`
        )
        continue
      }
      winners.set(service, { policy, value })
      policy.services.push(service)
    }
  }
  return winners
}

/** writePolicyStatus writes `status.ancestors[]` of a policy once routes are attached. */
export function writePolicyStatus(ctx: TranslateContext, policy: PolicyContext, status: StatusMap, controllerName: string): void {
  if (!policy.conditions.get('Accepted')) policy.conditions.set('Accepted', 'True', 'Accepted', 'Policy is accepted')
  const conditions = [...policy.conditions.toJSON(), ...policy.extra.toJSON()]
  const gateways = new Set<GatewayContext>()
  for (const service of policy.services) for (const g of ctx.serviceGateways.get(service) ?? []) gateways.add(g)
  const ancestors =
    gateways.size > 0
      ? [...gateways].map((g) => ({
          ancestorRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: g.namespace, name: g.name },
          controllerName: g.controllerName,
          conditions,
        }))
      : [{ ancestorRef: firstTarget(policy), controllerName, conditions }]
  status.set(keyOf(policy.resource), statusEntry(policy.resource, { ancestors }))
}

/** firstTarget names the policy's first targetRef, the ancestor of a policy no Gateway uses. */
function firstTarget(policy: PolicyContext): { group: string; kind: string; namespace: string; name: string } {
  const ref = ((policy.resource.body.spec?.targetRefs ?? []) as TargetRef[])[0]
  const pool = ref !== undefined && isInferencePoolRef(ref.group, ref.kind)
  return {
    group: pool ? (ref.group ?? '') : '',
    kind: pool ? 'InferencePool' : 'Service',
    namespace: policy.resource.meta.namespace,
    name: ref?.name ?? '',
  }
}

/** describeTarget names a target key in messages. */
function describeTarget(key: string): string {
  const pool = poolTargetKey('')
  return key.startsWith(pool) ? `InferencePool ${key.slice(pool.length)}` : `Service ${key}`
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
