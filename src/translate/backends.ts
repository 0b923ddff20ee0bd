import type { BackendModel, EndpointModel, UpstreamProtocol } from '../model.ts'
import type { Resource } from '../resources/resources.ts'
import type { TranslateContext } from './context.ts'
import { resolvePoolBackendRef } from './inference-backends.ts'
import { isInferencePoolRef } from './inference-pools.ts'
import { type PoolContext } from './context.ts'
import { referenceAllowed } from './references.ts'
import { StatusError } from './status.ts'

/** BackendRef is an HTTPRoute `backendRefs[]` entry as written. */
export interface BackendRef {
  group?: string
  kind?: string
  name: string
  namespace?: string
  port?: number
  weight?: number
  filters?: unknown[]
}

export interface ServicePort {
  name?: string
  port: number
  targetPort?: number | string
  appProtocol?: string
}

interface EndpointSliceBody {
  addressType?: string
  endpoints?: { addresses?: string[]; conditions?: { ready?: boolean } }[]
  ports?: { name?: string; port?: number }[]
}

/**
 * The wire protocol for each Service port `appProtocol` Weir speaks (Kubernetes standard
 * application protocols): HTTP/1.1 (WebSocket upgrades included) or HTTP/2 cleartext.
 */
const APP_PROTOCOLS: Readonly<Record<string, UpstreamProtocol>> = {
  http: 'http1',
  'kubernetes.io/http': 'http1',
  'kubernetes.io/ws': 'http1',
  'kubernetes.io/wss': 'http1',
  'kubernetes.io/h2c': 'h2c',
  // Not a Kubernetes standard name, but what gRPC Services commonly declare (Istio's convention).
  grpc: 'h2c',
}

/** BackendResolution is a backendRef turned into a weighted backend, plus the error to report. */
export interface BackendResolution {
  readonly backend: BackendModel
  readonly error?: StatusError
  /** The InferencePool the ref names, when it exists and may be referenced (status parents). */
  readonly pool?: PoolContext
}

/**
 * findServicePort checks the Service part of a backendRef, for every route kind: a ReferenceGrant
 * for another namespace (RefNotPermitted), then the Service and its port (BackendNotFound).
 */
export function findServicePort(
  ctx: TranslateContext,
  route: Resource,
  namespace: string,
  ref: BackendRef
): { readonly port: ServicePort } | { readonly reason: string; readonly message: string } {
  const allowed = referenceAllowed(
    ctx.resources,
    { group: 'gateway.networking.k8s.io', kind: route.kind, namespace: route.meta.namespace },
    { group: '', kind: 'Service', namespace, name: ref.name }
  )
  if (!allowed) {
    return { reason: 'RefNotPermitted', message: `Service ${namespace}/${ref.name} is in another namespace and no ReferenceGrant allows it` }
  }
  const service = ctx.resources.get<{ spec?: { ports?: ServicePort[] } }>('Service', namespace, ref.name)
  if (!service) return { reason: 'BackendNotFound', message: `Service ${namespace}/${ref.name} not found` }
  if (ref.port === undefined) return { reason: 'BackendNotFound', message: `backendRef to Service ${namespace}/${ref.name} needs a port` }
  const port = (service.body.spec?.ports ?? []).find((p) => p.port === ref.port)
  if (!port) return { reason: 'BackendNotFound', message: `Service ${namespace}/${ref.name} has no port ${ref.port}` }
  return { port }
}

/**
 * resolveBackendRef turns a backendRef into a BackendModel (HTTPBackendRef rules): core Services
 * and InferencePools (resolvePoolBackendRef; InvalidKind otherwise), cross-namespace refs need a ReferenceGrant
 * (RefNotPermitted), the Service and its port must exist (BackendNotFound) and speak a protocol
 * Weir can forward (UnsupportedProtocol). An unusable ref still yields a backend, with a 500
 * failure, so its share of the traffic fails and the rest of the rule keeps working.
 */
export function resolveBackendRef(ctx: TranslateContext, route: Resource, ref: BackendRef): BackendResolution {
  const group = ref.group ?? ''
  const kind = ref.kind ?? 'Service'
  const namespace = ref.namespace ?? route.meta.namespace
  const weight = ref.weight ?? 1
  const key = `${kind}/${namespace}/${ref.name}:${ref.port ?? ''}`
  const fail = (reason: string, message: string): BackendResolution => ({
    backend: { key, weight, endpoints: [], failure: { status: 500, message } },
    error: new StatusError('ResolvedRefs', reason, message),
  })
  if (isInferencePoolRef(group, kind)) return resolvePoolBackendRef(ctx, route, ref)
  if (group !== '' || kind !== 'Service') {
    return fail('InvalidKind', `backendRef ${group ? `${group}/` : ''}${kind} ${ref.name} is not a supported kind: use a core Service or an InferencePool`)
  }
  const found = findServicePort(ctx, route, namespace, ref)
  if ('reason' in found) return fail(found.reason, found.message)
  const port = found.port
  const protocol = port.appProtocol === undefined ? 'http1' : APP_PROTOCOLS[port.appProtocol.toLowerCase()]
  const policies = ctx.servicePolicies.get(`${namespace}/${ref.name}`)
  if (!protocol || (port.appProtocol?.toLowerCase() === 'kubernetes.io/wss' && !policies?.tls)) {
    return fail(
      'UnsupportedProtocol',
      `Service ${namespace}/${ref.name} port ${ref.port} has appProtocol ${port.appProtocol}, which Weir cannot forward to` +
        (protocol ? ' without a BackendTLSPolicy' : '')
    )
  }
  const serviceName = `${namespace}/${ref.name}`
  if (policies?.tlsFailure) {
    return { backend: { key, service: serviceName, weight, endpoints: [], failure: { status: 500, message: policies.tlsFailure } } }
  }
  return {
    backend: {
      key,
      service: serviceName,
      weight,
      endpoints: serviceEndpoints(ctx, namespace, ref.name, port),
      protocol,
      ...(policies?.tls ? { tls: policies.tls } : {}),
      ...(policies?.policy ? { policy: policies.policy } : {}),
    },
  }
}

/**
 * serviceEndpoints lists the ready addresses of a Service port from its EndpointSlices (label
 * `kubernetes.io/service-name`): the slice port named like the Service port, or, for an unnamed
 * Service port, the unnamed slice port or the one numbered like targetPort (a slice without ports
 * uses the numeric targetPort, else the Service port). An endpoint whose
 * `ready` condition is false is left out; an absent condition counts as ready, as in Kubernetes.
 */
export function serviceEndpoints(
  ctx: TranslateContext,
  namespace: string,
  service: string,
  port: ServicePort
): EndpointModel[] {
  const out: EndpointModel[] = []
  const seen = new Set<string>()
  for (const slice of ctx.resources.list<EndpointSliceBody>('EndpointSlice')) {
    if (slice.meta.namespace !== namespace) continue
    if (slice.meta.labels['kubernetes.io/service-name'] !== service) continue
    const slicePort = matchSlicePort(slice.body.ports, port)
    if (slicePort === undefined) continue
    for (const e of slice.body.endpoints ?? []) {
      if (e.conditions?.ready === false) continue
      for (const address of e.addresses ?? []) {
        const id = `${address}:${slicePort}`
        if (seen.has(id)) continue
        seen.add(id)
        out.push({ address, port: slicePort })
      }
    }
  }
  return out
}

function matchSlicePort(
  ports: readonly { name?: string; port?: number }[] | undefined,
  servicePort: ServicePort
): number | undefined {
  // A slice that lists no ports serves the Service port's target (or the port itself): this keeps
  // hand-written slices for local model servers short.
  if (!ports || ports.length === 0) {
    return typeof servicePort.targetPort === 'number' ? servicePort.targetPort : servicePort.port
  }
  const name = servicePort.name ?? ''
  const byName = ports.find((p) => (p.name ?? '') === name && p.port !== undefined)
  if (byName) return byName.port
  if (typeof servicePort.targetPort === 'number') {
    const byNumber = ports.find((p) => p.port === servicePort.targetPort)
    if (byNumber) return byNumber.port
  }
  return undefined
}
