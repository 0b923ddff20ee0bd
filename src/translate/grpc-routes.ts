import type { BackendModel } from '../model.ts'
import type { Resource } from '../resources/resources.ts'
import type { TranslateContext } from './context.ts'
import { grpcMatch, type GRPCRouteMatchSpec } from './grpc-matches.ts'
import type { KindConflicts } from './route-kind-conflicts.ts'
import { processRoutes, type RouteKindRules } from './routes.ts'
import type { StatusEntry } from './status.ts'

/**
 * GRPC_ROUTE is how GRPCRoutes differ from HTTPRoutes: method matches become path matches
 * (grpc-matches.ts), and a Service port that names no protocol is spoken to in cleartext HTTP/2,
 * since gRPC cannot travel over HTTP/1.1. Filters are validated by the same factories; the
 * GRPCRoute schema allows only RequestHeaderModifier, ResponseHeaderModifier, RequestMirror and
 * ExtensionRef.
 */
const GRPC_ROUTE: RouteKindRules = {
  kind: 'GRPCRoute',
  normaliseMatch: (m: GRPCRouteMatchSpec) => grpcMatch(m),
  adaptBackend: (b: BackendModel) => (b.protocol === 'http1' && !b.tls ? { ...b, protocol: 'h2c' } : b),
}

/** processGRPCRoutes translates every GRPCRoute like an HTTPRoute (routes.ts processRoutes). */
export function processGRPCRoutes(ctx: TranslateContext, status: Map<string, StatusEntry>, key: (r: Resource) => string, conflicts: KindConflicts): void {
  processRoutes(ctx, status, key, GRPC_ROUTE, conflicts)
}
