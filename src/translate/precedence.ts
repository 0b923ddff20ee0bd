import type { PathMatchType, RouteModel } from '../model.ts'
import { compareHostnameSpecificity } from './hostnames.ts'

/**
 * Path type rank. The spec orders Exact before any prefix and leaves RegularExpression to the
 * implementation; Weir follows Envoy Gateway: Exact, then RegularExpression, then PathPrefix, so a
 * regex route is not shadowed by a catch-all `PathPrefix /`.
 */
const PATH_RANK: Readonly<Record<PathMatchType, number>> = {
  Exact: 3,
  RegularExpression: 2,
  PathPrefix: 1,
}

/**
 * compareRoutes orders the route matches of one listener by HTTPRoute precedence
 * (apis/v1/httproute_types.go HTTPRouteRule.Matches and HTTPRouteSpec.Hostnames):
 *  1. the most specific hostname (exact, then longer wildcards, then none);
 *  2. Exact path, then RegularExpression, then PathPrefix;
 *  3. the path with the most characters;
 *  4. a method match;
 *  5. the most header matches;
 *  6. the most query parameter matches;
 *  7. the oldest route (creation time);
 *  8. `{namespace}/{name}` alphabetically;
 *  9. rule order, then match order within the rule.
 */
export function compareRoutes(a: RouteModel, b: RouteModel): number {
  if (a.routeKind === 'GRPCRoute' && b.routeKind === 'GRPCRoute') return compareGRPCRoutes(a, b)
  return (
    compareHostnameSpecificity(a.hostname, b.hostname) ||
    PATH_RANK[b.match.path.type] - PATH_RANK[a.match.path.type] ||
    b.match.path.value.length - a.match.path.value.length ||
    Number(b.match.method !== undefined) - Number(a.match.method !== undefined) ||
    b.match.headers.length - a.match.headers.length ||
    b.match.queryParams.length - a.match.queryParams.length ||
    a.createdAt - b.createdAt ||
    compareStrings(`${a.routeNamespace}/${a.routeName}`, `${b.routeNamespace}/${b.routeName}`) ||
    a.ruleIndex - b.ruleIndex ||
    a.matchIndex - b.matchIndex
  )
}

/**
 * compareGRPCRoutes orders GRPCRoute matches by GRPCRoute precedence (apis/v1/grpcroute_types.go
 * GRPCRouteRule.Matches): the most specific hostname (as for HTTPRoutes: the characters of a
 * non-wildcard name, then of a wildcard), then the most characters in the service, then in the
 * method, then the most header matches; then the oldest route, `{namespace}/{name}`, rule and
 * match order. A GRPCRoute never shares a hostname with an HTTPRoute on one listener (the
 * younger is rejected, see route-kind-conflicts.ts), so the two kinds never need merging.
 */
function compareGRPCRoutes(a: RouteModel, b: RouteModel): number {
  const ma = a.match.grpcMethod
  const mb = b.match.grpcMethod
  return (
    compareHostnameSpecificity(a.hostname, b.hostname) ||
    (mb?.service.length ?? 0) - (ma?.service.length ?? 0) ||
    (mb?.method.length ?? 0) - (ma?.method.length ?? 0) ||
    b.match.headers.length - a.match.headers.length ||
    a.createdAt - b.createdAt ||
    compareStrings(`${a.routeNamespace}/${a.routeName}`, `${b.routeNamespace}/${b.routeName}`) ||
    a.ruleIndex - b.ruleIndex ||
    a.matchIndex - b.matchIndex
  )
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
