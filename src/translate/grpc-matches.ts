import type { RouteMatch } from '../model.ts'
import { normaliseMatch } from './matches.ts'
import { StatusError } from './status.ts'

/** GRPCRouteMatchSpec is a GRPCRoute `matches[]` entry as written. */
export interface GRPCRouteMatchSpec {
  method?: { type?: string; service?: string; method?: string }
  headers?: { type?: string; name: string; value: string }[]
}

/** Any one path segment: a service or method the match leaves open. */
const ANY_SEGMENT = '[^/]+'

/**
 * grpcMatch compiles a GRPCRouteMatch to the path match it means (a gRPC call is a POST to
 * `/{service}/{method}`), so GRPCRoutes share the HTTPRoute tables:
 *  - Exact service and method: path Exact `/service/method`;
 *  - Exact service only: path PathPrefix `/service` (every method of it);
 *  - Exact method only: a regular expression for that method under any service;
 *  - RegularExpression: `/(service)/(method)`, an absent part matching any one segment;
 *  - no method: every path.
 * Headers are matched as HTTPRoute headers are. The service and method are kept for GRPCRoute
 * precedence, which counts their characters.
 */
export function grpcMatch(spec: GRPCRouteMatchSpec): RouteMatch {
  const m = spec.method
  const service = m?.service ?? ''
  const method = m?.method ?? ''
  const headers = spec.headers ?? []
  if (!m || (service === '' && method === '')) return normaliseMatch({ headers })
  let path: { type: string; value: string }
  if ((m.type ?? 'Exact') === 'RegularExpression') {
    checkPart(service, 'service')
    checkPart(method, 'method')
    path = { type: 'RegularExpression', value: `/(?:${service || ANY_SEGMENT})/(?:${method || ANY_SEGMENT})` }
  } else if (service !== '' && method !== '') {
    path = { type: 'Exact', value: `/${service}/${method}` }
  } else if (service !== '') {
    path = { type: 'PathPrefix', value: `/${service}` }
  } else {
    path = { type: 'RegularExpression', value: `/${ANY_SEGMENT}/${escapeRegex(method)}` }
  }
  return { ...normaliseMatch({ path, headers }), grpcMethod: { service, method } }
}

/** checkPart names the part of a method match whose regular expression does not compile. */
function checkPart(pattern: string, what: string): void {
  try {
    new RegExp(pattern)
  } catch (err) {
    throw new StatusError('Accepted', 'UnsupportedValue', `method ${what} regular expression ${JSON.stringify(pattern)} is invalid: ${(err as Error).message}`)
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
