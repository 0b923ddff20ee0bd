import type { BackendModel } from '../model.ts'
import type { Resource } from '../resources/resources.ts'
import { findServicePort, serviceEndpoints, type BackendRef } from './backends.ts'
import type { TranslateContext } from './context.ts'
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
  const found = findServicePort(ctx, route, namespace, ref)
  if ('reason' in found) return fail(found.reason, found.message)
  const port = found.port
  return {
    backend: { key, service: `${namespace}/${ref.name}`, weight, endpoints: serviceEndpoints(ctx, namespace, ref.name, port) },
  }
}
