import { keyOf, type Resource } from '../resources/resources.ts'
import { resolveParent, type ParentRef } from './attach.ts'
import type { ListenerContext, TranslateContext } from './context.ts'
import { ANY_HOST, hostnamesOverlap } from './hostnames.ts'

/** Where a route lost a listener to a route of the other kind: listener → the winner's name. */
export type KindConflicts = ReadonlyMap<string, ReadonlyMap<ListenerContext, string>>

interface Claim {
  readonly route: Resource
  readonly kind: 'HTTPRoute' | 'GRPCRoute'
  readonly hostnames: readonly string[]
}

/**
 * findKindConflicts applies the GRPCRoute rule for HTTPRoutes and GRPCRoutes on one listener
 * (apis/v1/grpcroute_types.go GRPCRouteSpec.Hostnames): when routes of the two kinds share a
 * hostname there, exactly one is accepted: the oldest, then the first by `{namespace}/{name}`.
 * Routes are taken in that order and each keeps a listener unless an earlier route of the other
 * kind already claimed an overlapping hostname. The result is keyed by route key (keyOf).
 */
export function findKindConflicts(ctx: TranslateContext): KindConflicts {
  const grpc = ctx.resources.list<{ spec: { parentRefs?: ParentRef[]; hostnames?: string[] } }>('GRPCRoute')
  const out = new Map<string, Map<ListenerContext, string>>()
  if (grpc.length === 0) return out
  const http = ctx.resources.list<{ spec: { parentRefs?: ParentRef[]; hostnames?: string[] } }>('HTTPRoute')
  const byListener = new Map<ListenerContext, Claim[]>()
  const collect = (kind: 'HTTPRoute' | 'GRPCRoute', routes: typeof grpc) => {
    for (const r of routes) {
      for (const ref of r.body.spec.parentRefs ?? []) {
        const res = resolveParent(ctx, r, kind, r.body.spec.hostnames ?? [], ref)
        if (res.kind === 'foreign') continue
        for (const a of res.attachments) {
          let claims = byListener.get(a.listener)
          if (!claims) byListener.set(a.listener, (claims = []))
          claims.push({ route: r, kind, hostnames: a.hostnames })
        }
      }
    }
  }
  collect('HTTPRoute', http)
  collect('GRPCRoute', grpc)
  for (const [listener, claims] of byListener) {
    if (!claims.some((c) => c.kind === 'GRPCRoute') || !claims.some((c) => c.kind === 'HTTPRoute')) continue
    claims.sort(
      (a, b) => a.route.meta.createdAt - b.route.meta.createdAt || compareNames(a.route, b.route)
    )
    const kept: Claim[] = []
    for (const c of claims) {
      const winner = kept.find((k) => k.kind !== c.kind && overlaps(k.hostnames, c.hostnames))
      if (!winner) {
        kept.push(c)
        continue
      }
      const key = keyOf(c.route)
      let lost = out.get(key)
      if (!lost) out.set(key, (lost = new Map()))
      lost.set(listener, `${winner.kind} ${winner.route.meta.namespace}/${winner.route.meta.name}`)
    }
  }
  return out
}

function overlaps(a: readonly string[], b: readonly string[]): boolean {
  const any = (h: string) => (h === ANY_HOST ? undefined : h)
  return a.some((x) => b.some((y) => hostnamesOverlap(any(x), any(y))))
}

function compareNames(a: Resource, b: Resource): number {
  const x = `${a.meta.namespace}/${a.meta.name}`
  const y = `${b.meta.namespace}/${b.meta.name}`
  return x < y ? -1 : x > y ? 1 : 0
}
