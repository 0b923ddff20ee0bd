/**
 * The route table of the route-mix scenarios: route i answers host `svc-i.bench.test`, path
 * prefix `/svc-i/` and header `x-tenant: ti`, all three required. Both config writers, the wrk
 * script and the micro-benchmark derive routes from here, so they always agree.
 */

/** Header every route-mix request carries and every route-mix route requires. */
export const TENANT_HEADER = 'x-tenant'

/** What request route i serves. */
export interface MixRoute {
  readonly host: string
  readonly pathPrefix: string
  readonly tenant: string
}

/** The i-th route (0-based). */
export function mixRoute(i: number): MixRoute {
  return { host: `svc-${i}.bench.test`, pathPrefix: `/svc-${i}/`, tenant: `t${i}` }
}

/** The path a request for `file` (e.g. `13b`) uses on route i. */
export function mixPath(i: number, file: string): string {
  return `${mixRoute(i).pathPrefix}${file}`
}
