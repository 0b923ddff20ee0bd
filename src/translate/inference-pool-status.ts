import { keyOf } from '../resources/resources.ts'
import { GATEWAY_GROUP, type TranslateContext } from './context.ts'
import type { PoolContext } from './context.ts'
import { Conditions, statusEntry, type StatusMap } from './status.ts'

/**
 * writeInferencePoolStatus writes `status.parents[]` of every pool once routes are attached
 * (GIE `api/v1/inferencepool_types.go`): one entry per Gateway whose HTTPRoutes reference the
 * pool, none for a pool no route references (conformance InferencePoolResolvedRefsCondition).
 *
 * Accepted: True `Accepted` (Weir serves pools itself, with or without an endpointPickerRef, as
 * conformance InferencePoolMissingEPPRef allows); False `HTTPRouteNotAccepted` when no route that
 * references the pool is accepted by that Gateway; False `Invalid` (Weir's reason: GIE has none for
 * a spec the CRD would have rejected) when the spec cannot be served.
 * ResolvedRefs: True `ResolvedRefs`, or False `InvalidExtensionRef` when endpointPickerRef does not
 * resolve (conformance InferencePoolInvalidEPPService).
 */
export function writeInferencePoolStatus(ctx: TranslateContext, status: StatusMap): void {
  for (const pool of ctx.pools.values()) {
    const r = pool.resource
    const gateways = [...pool.parents.entries()].sort(([a], [b]) => compare(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`))
    const parents = gateways.map(([gateway, accepted]) => {
      const conditions = new Conditions(r.meta.generation)
      if (!accepted) {
        conditions.set(
          'Accepted',
          'False',
          'HTTPRouteNotAccepted',
          `no HTTPRoute that references this pool is accepted by Gateway ${gateway.namespace}/${gateway.name}: see the HTTPRoute's status`
        )
      } else if (pool.invalid) {
        conditions.set('Accepted', 'False', 'Invalid', pool.invalid)
      } else {
        conditions.set('Accepted', 'True', 'Accepted', acceptedMessage(pool))
      }
      if (pool.extensionRefError) {
        conditions.set('ResolvedRefs', 'False', 'InvalidExtensionRef', `${pool.extensionRefError}; requests to this pool answer 500`)
      } else {
        conditions.set('ResolvedRefs', 'True', 'ResolvedRefs', 'All references are resolved')
      }
      return {
        parentRef: { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gateway.namespace, name: gateway.name },
        controllerName: gateway.controllerName,
        conditions: conditions.toJSON(),
      }
    })
    status.set(keyOf(r), statusEntry(r, { parents }))
  }
}

/** acceptedMessage summarises how the pool is served, then what Weir did with its spec. */
function acceptedMessage(pool: PoolContext): string {
  const n = pool.endpoints.length
  const parts = [`InferencePool is accepted: ${n} endpoint${n === 1 ? '' : 's'}, picked in-process by ${pool.policy}`]
  return [...parts, ...pool.notes].join('; ')
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
