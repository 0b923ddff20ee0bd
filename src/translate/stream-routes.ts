import type { BackendModel } from '../model.ts'
import { keyOf } from '../resources/resources.ts'
import { resolveParent, type ParentRef } from './attach.ts'
import type { BackendRef } from './backends.ts'
import { DEFAULT_CONTROLLER_NAME, type ListenerContext, type TranslateContext } from './context.ts'
import { resolveStreamBackendRef } from './stream-backends.ts'
import { Conditions, statusEntry, type StatusError, type StatusMap } from './status.ts'

/** StreamRouteKind is a route kind whose traffic is relayed as bytes or datagrams. */
export type StreamRouteKind = 'TCPRoute' | 'TLSRoute' | 'UDPRoute'

interface StreamRouteSpec {
  parentRefs?: ParentRef[]
  hostnames?: string[]
  rules?: { name?: string; backendRefs?: BackendRef[] }[]
}

/**
 * processStreamRoutes attaches TCPRoutes, TLSRoutes or UDPRoutes to TCP, TLS or UDP listeners (the listener's
 * supportedKinds decide which) and writes their status per parent: Accepted with the attachment
 * reason, ResolvedRefs from the backendRefs. A route's rules carry no matches, so the backendRefs
 * of every rule form one weighted set. TLSRoute hostnames intersect the listener's (SNI routing);
 * a TCPRoute or UDPRoute serves all the traffic of its listener.
 */
export function processStreamRoutes(ctx: TranslateContext, status: StatusMap, kind: StreamRouteKind): void {
  for (const r of ctx.resources.list<{ spec: StreamRouteSpec }>(kind)) {
    const spec = r.body.spec
    const backends: BackendModel[] = []
    const refErrors: StatusError[] = []
    for (const rule of spec.rules ?? []) {
      for (const ref of rule.backendRefs ?? []) {
        const { backend, error } = resolveStreamBackendRef(ctx, r, ref)
        backends.push(backend)
        if (error) refErrors.push(error)
      }
    }
    const routeHostnames = kind === 'TLSRoute' ? (spec.hostnames ?? []) : []
    const attachedTo = new Set<ListenerContext>()
    const parents = []
    for (const ref of spec.parentRefs ?? []) {
      const resolution = resolveParent(ctx, r, kind, routeHostnames, ref)
      if (resolution.kind === 'foreign') continue
      const conditions = new Conditions(r.meta.generation)
      if (resolution.error) {
        conditions.set('Accepted', 'False', resolution.error.reason, resolution.error.message)
      } else {
        conditions.set('Accepted', 'True', 'Accepted', 'Route is accepted')
        for (const a of resolution.attachments) {
          if (attachedTo.has(a.listener)) continue
          attachedTo.add(a.listener)
          a.listener.attachedRoutes++
          a.listener.streams.push({
            name: `${kind.toLowerCase()}/${r.meta.namespace}/${r.meta.name}`,
            routeKind: kind,
            routeNamespace: r.meta.namespace,
            routeName: r.meta.name,
            hostnames: kind === 'TLSRoute' ? a.hostnames : ['*'],
            backends,
            createdAt: r.meta.createdAt,
          })
        }
      }
      const firstRefError = refErrors[0]
      if (firstRefError) {
        conditions.set('ResolvedRefs', 'False', firstRefError.reason, refErrors.map((e) => e.message).join('; '))
      } else if (backends.length === 0) {
        conditions.set('ResolvedRefs', 'False', 'BackendNotFound', 'the route has no backendRefs')
      } else {
        conditions.set('ResolvedRefs', 'True', 'ResolvedRefs', 'All references are resolved')
      }
      parents.push({
        parentRef: ref,
        controllerName: resolution.gateway?.controllerName ?? DEFAULT_CONTROLLER_NAME,
        conditions: conditions.toJSON(),
      })
    }
    status.set(keyOf(r), statusEntry(r, { parents }))
  }
}
