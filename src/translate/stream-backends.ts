import type { BackendModel } from '../model.ts'
import type { Resource } from '../resources/resources.ts'
import type { BackendRef } from './backends.ts'
import { serviceEndpoints } from './backends.ts'
import type { TranslateContext } from './context.ts'
import { referenceAllowed } from './references.ts'
import { StatusError } from './status.ts'

/** StreamBackendResolution is a TCPRoute or TLSRoute backendRef as a weighted backend, plus the error to report. */
export interface StreamBackendResolution {
  readonly backend: BackendModel
  readonly error?: StatusError
}

/**
 * resolveStreamBackendRef turns a TCPRoute or TLSRoute backendRef into a BackendModel: a core
 * Service only (InvalidKind), a ReferenceGrant for another namespace (RefNotPermitted), and the
 * Service and port must exist (BackendNotFound). Bytes are relayed as they are, so the port's
 * appProtocol and BackendTLSPolicies do not apply. An unusable ref keeps its weight with a
 * failure set: connections that pick it are closed, as the spec asks.
 */
export function resolveStreamBackendRef(ctx: TranslateContext, route: Resource, ref: BackendRef): StreamBackendResolution {
  const group = ref.group ?? ''
  const kind = ref.kind ?? 'Service'
  const namespace = ref.namespace ?? route.meta.namespace
  const weight = ref.weight ?? 1
  const key = `${kind}/${namespace}/${ref.name}:${ref.port ?? ''}`
  const fail = (reason: string, message: string): StreamBackendResolution => ({
    backend: { key, weight, endpoints: [], failure: { status: 500, message } },
    error: new StatusError('ResolvedRefs', reason, message),
  })
  if (group !== '' || kind !== 'Service') {
    return fail('InvalidKind', `backendRef ${group ? `${group}/` : ''}${kind} ${ref.name} is not a supported kind: use a core Service`)
  }
  const allowed = referenceAllowed(
    ctx.resources,
    { group: 'gateway.networking.k8s.io', kind: route.kind, namespace: route.meta.namespace },
    { group: '', kind: 'Service', namespace, name: ref.name }
  )
  if (!allowed) {
    return fail('RefNotPermitted', `Service ${namespace}/${ref.name} is in another namespace and no ReferenceGrant allows it`)
  }
  const service = ctx.resources.get<{ spec?: { ports?: { name?: string; port: number; targetPort?: number | string }[] } }>(
    'Service',
    namespace,
    ref.name
  )
  if (!service) return fail('BackendNotFound', `Service ${namespace}/${ref.name} not found`)
  if (ref.port === undefined) return fail('BackendNotFound', `backendRef to Service ${namespace}/${ref.name} needs a port`)
  const port = (service.body.spec?.ports ?? []).find((p) => p.port === ref.port)
  if (!port) return fail('BackendNotFound', `Service ${namespace}/${ref.name} has no port ${ref.port}`)
  return {
    backend: { key, service: `${namespace}/${ref.name}`, weight, endpoints: serviceEndpoints(ctx, namespace, ref.name, port) },
  }
}
