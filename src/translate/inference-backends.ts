import type { Resource } from '../resources/resources.ts'
import type { BackendRef, BackendResolution } from './backends.ts'
import { GATEWAY_GROUP, type TranslateContext } from './context.ts'
import { referenceAllowed } from './references.ts'
import { StatusError } from './status.ts'

/**
 * resolvePoolBackendRef turns a backendRef to an InferencePool into a backend keyed
 * `InferencePool/<namespace>/<name>` that carries the pool. The backendRef `port` is ignored: the
 * pool's targetPorts say where its servers listen (conformance InferencePoolHTTPRoutePortValidation).
 * A missing pool is BackendNotFound and its share answers 500 while the route stays accepted
 * (HTTPRouteInvalidInferencePoolRef); a pool that exists but cannot be used (invalid spec, an
 * endpointPickerRef that does not resolve) answers 500 too, and its own status says why.
 */
export function resolvePoolBackendRef(ctx: TranslateContext, route: Resource, ref: BackendRef): BackendResolution {
  const namespace = ref.namespace ?? route.meta.namespace
  const weight = ref.weight ?? 1
  const key = `InferencePool/${namespace}/${ref.name}`
  const fail = (reason: string, message: string): BackendResolution => ({
    backend: { key, weight, endpoints: [], failure: { status: 500, message } },
    error: new StatusError('ResolvedRefs', reason, message),
  })
  const allowed = referenceAllowed(
    ctx.resources,
    { group: GATEWAY_GROUP, kind: route.kind, namespace: route.meta.namespace },
    { group: ref.group ?? '', kind: 'InferencePool', namespace, name: ref.name }
  )
  if (!allowed) {
    return fail('RefNotPermitted', `InferencePool ${namespace}/${ref.name} is in another namespace and no ReferenceGrant allows it`)
  }
  const pool = ctx.pools.get(`${namespace}/${ref.name}`)
  if (!pool) return fail('BackendNotFound', `InferencePool ${namespace}/${ref.name} not found`)
  const failure = pool.failure
  if (failure) return { backend: { key, weight, endpoints: [], failure: { status: 500, message: failure } }, pool }
  const inferencePool = pool.toModel()
  return {
    backend: { key, weight, endpoints: inferencePool.endpoints, protocol: inferencePool.protocol, inferencePool },
    pool,
  }
}
