/**
 * Gateway API hostname rules (apis/v1/shared_types.go Hostname, httproute_types.go Hostnames):
 * a wildcard is a whole left-most `*` label and matches one or more labels, so `*.example.com`
 * matches `a.example.com` and `a.b.example.com` but not `example.com`.
 */

/** ANY_HOST is the effective hostname of a route that matches every host. */
export const ANY_HOST = '*'

/** isWildcard tells whether a hostname is of the form `*.suffix`. */
export function isWildcard(hostname: string): boolean {
  return hostname.startsWith('*.')
}

/** hostMatchesWildcard tells whether a concrete host falls under a `*.suffix` wildcard. */
export function hostMatchesWildcard(host: string, wildcard: string): boolean {
  const suffix = wildcard.slice(1) // '.example.com'
  return host.length > suffix.length && host.endsWith(suffix)
}

/**
 * intersectHostname returns the more specific of a listener and a route hostname when they
 * intersect, else undefined. Both may be exact or wildcard names.
 */
export function intersectHostname(listener: string, route: string): string | undefined {
  const lw = isWildcard(listener)
  const rw = isWildcard(route)
  if (!lw && !rw) return listener === route ? listener : undefined
  if (lw && !rw) return hostMatchesWildcard(route, listener) ? route : undefined
  if (!lw && rw) return hostMatchesWildcard(listener, route) ? listener : undefined
  // Both wildcards: the one with the longer suffix is the intersection.
  if (route === listener) return route
  if (hostMatchesWildcard(route.slice(2), listener)) return route
  if (hostMatchesWildcard(listener.slice(2), route)) return listener
  return undefined
}

/**
 * effectiveHostnames computes the hostnames a route serves on a listener
 * (GatewaySpec / HTTPRouteSpec.Hostnames): the listener's hostname when the route has none, the
 * route's when the listener has none, else the intersections. An empty result means the route
 * does not attach to this listener (NoMatchingListenerHostname).
 */
export function effectiveHostnames(
  listenerHostname: string | undefined,
  routeHostnames: readonly string[]
): string[] {
  if (routeHostnames.length === 0) return [listenerHostname ?? ANY_HOST]
  if (listenerHostname === undefined) return dedupe(routeHostnames)
  const out: string[] = []
  for (const h of routeHostnames) {
    const i = intersectHostname(listenerHostname, h)
    if (i !== undefined) out.push(i)
  }
  return dedupe(out)
}

function dedupe(list: readonly string[]): string[] {
  return [...new Set(list)]
}

/**
 * hostnamesOverlap tells whether two listener hostnames can both match one request host
 * (OverlappingTLSConfig, reason OverlappingHostnames); an absent hostname matches every host.
 */
export function hostnamesOverlap(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return true
  return intersectHostname(a, b) !== undefined
}

/**
 * compareHostnameSpecificity orders hostnames most specific first: exact names (longest first),
 * then wildcards with more labels right of the `*`, then the catch-all. Ties break
 * alphabetically so that orderings are deterministic.
 */
export function compareHostnameSpecificity(a: string, b: string): number {
  if (a === b) return 0
  const ra = hostnameRank(a)
  const rb = hostnameRank(b)
  if (ra !== rb) return rb - ra
  if (a.length !== b.length) return b.length - a.length
  return a < b ? -1 : 1
}

function hostnameRank(h: string): number {
  if (h === ANY_HOST) return 0
  return isWildcard(h) ? 1 : 2
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/

/** isIPAddressHostname tells whether a hostname is an IPv4 literal, which the spec forbids. */
export function isIPAddressHostname(h: string): boolean {
  return IPV4.test(h)
}
