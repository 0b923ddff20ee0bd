/**
 * routeFile writes `count` HTTPRoutes (one rule, one Exact match each) attached to Gateway `gw`
 * and pointing at Service `svc`: the shape of a big generated route file.
 */
export function routeFile(count: number, tag = 'r'): string {
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    out.push(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${tag}-${i}}
spec:
  parentRefs: [{name: gw}]
  hostnames: ["h${i % 50}.example.com"]
  rules:
  - matches: [{path: {type: PathPrefix, value: /${tag}/${i}}, headers: [{name: x-tenant, value: t${i % 7}}]}]
    filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-route, value: "${i}"}]}}]
    backendRefs: [{name: svc, port: 80}]
`)
  }
  return out.join('---\n')
}
