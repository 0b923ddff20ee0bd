import type { Resource } from '../resources/resources.ts'
import { GATEWAY_GROUP, type GatewayContext, type ListenerContext, type TranslateContext } from './context.ts'
import { effectiveHostnames } from './hostnames.ts'
import { StatusError } from './status.ts'

/** ParentRef is a route's `spec.parentRefs[]` entry as written. */
export interface ParentRef {
  group?: string
  kind?: string
  namespace?: string
  name: string
  sectionName?: string
  port?: number
}

/** Attachment is one listener a route attaches to and the hostnames it serves there. */
export interface Attachment {
  readonly listener: ListenerContext
  readonly hostnames: readonly string[]
}

/** ParentResolution is what a parentRef resolved to: the Gateway, and listeners or the reason none. */
export type ParentResolution =
  | { readonly kind: 'foreign' }
  | { readonly kind: 'resolved'; readonly gateway: GatewayContext | undefined; readonly attachments: Attachment[]; readonly error?: StatusError }

/**
 * resolveParent attaches a route to the listeners one parentRef selects (apis/v1/shared_types.go
 * ParentReference): the Gateway named, narrowed by sectionName and port; then the listener's
 * allowedRoutes (kinds and namespaces); then hostname intersection. It returns `foreign` for a
 * parent another controller owns, whose status Weir must not write.
 */
export function resolveParent(
  ctx: TranslateContext,
  route: Resource,
  routeKind: string,
  routeHostnames: readonly string[],
  ref: ParentRef
): ParentResolution {
  const group = ref.group ?? GATEWAY_GROUP
  const kind = ref.kind ?? 'Gateway'
  const namespace = ref.namespace ?? route.meta.namespace
  if (group !== GATEWAY_GROUP || kind !== 'Gateway') {
    return resolved(
      undefined,
      new StatusError('Accepted', 'NoMatchingParent', `parent kind ${group}/${kind} is not supported: routes attach to Gateways`)
    )
  }
  const gateway = ctx.findGateway(namespace, ref.name)
  if (!gateway) {
    if (ctx.options.controllerName !== undefined) return { kind: 'foreign' }
    return resolved(undefined, new StatusError('Accepted', 'NoMatchingParent', `Gateway ${namespace}/${ref.name} not found`))
  }
  if (!gateway.gatewayClass?.accepted) {
    return resolved(gateway, new StatusError('Accepted', 'Pending', `Gateway ${namespace}/${ref.name} is not accepted`))
  }
  const selected = gateway.listeners.filter(
    (l) =>
      (ref.sectionName === undefined || ref.sectionName === l.name) &&
      (ref.port === undefined || ref.port === l.port)
  )
  if (selected.length === 0) {
    const what = [ref.sectionName && `sectionName ${ref.sectionName}`, ref.port && `port ${ref.port}`]
      .filter(Boolean)
      .join(' and ')
    return resolved(
      gateway,
      new StatusError('Accepted', 'NoMatchingParent', `Gateway ${namespace}/${ref.name} has no listener with ${what}`)
    )
  }
  const allowed = selected.filter(
    (l) => l.allowsKind(GATEWAY_GROUP, routeKind) && l.allowsNamespace(route.meta.namespace, ctx.resources)
  )
  if (allowed.length === 0) {
    return resolved(
      gateway,
      new StatusError(
        'Accepted',
        'NotAllowedByListeners',
        `no listener of Gateway ${namespace}/${ref.name} allows ${routeKind} from namespace ${route.meta.namespace}`
      )
    )
  }
  const attachments: Attachment[] = []
  for (const l of allowed) {
    const hostnames = effectiveHostnames(l.hostname, routeHostnames)
    if (hostnames.length > 0) attachments.push({ listener: l, hostnames })
  }
  if (attachments.length === 0) {
    return resolved(
      gateway,
      new StatusError(
        'Accepted',
        'NoMatchingListenerHostname',
        `no hostname of the route intersects a listener hostname of Gateway ${namespace}/${ref.name}`
      )
    )
  }
  return { kind: 'resolved', gateway, attachments }
}

function resolved(gateway: GatewayContext | undefined, error: StatusError): ParentResolution {
  return { kind: 'resolved', gateway, attachments: [], error }
}
