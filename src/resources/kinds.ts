/**
 * The resource kinds Weir reads, keyed by `apiVersion` + `kind` as written in YAML.
 *
 * Several spellings map to one canonical kind: Gateway API kinds that exist in more than one
 * version, the seed guide's dialects (an HTTPRoute under `gateway.networking.x-k8s.io`,
 * `XListenerSet`), and the inference extension's two groups. Each entry names the JSON schema the
 * document is validated against (from @kubernetes-models), when one exists.
 */

/** CanonicalKind is the kind name used inside Weir, whatever spelling the file used. */
export type CanonicalKind =
  | 'GatewayClass'
  | 'Gateway'
  | 'HTTPRoute'
  | 'GRPCRoute'
  | 'TLSRoute'
  | 'TCPRoute'
  | 'UDPRoute'
  | 'ReferenceGrant'
  | 'BackendTLSPolicy'
  | 'ListenerSet'
  | 'XBackendTrafficPolicy'
  | 'CORSPolicy'
  | 'InferencePool'
  | 'InferenceObjective'
  | 'InferenceModel'
  | 'Namespace'
  | 'Service'
  | 'EndpointSlice'
  | 'Secret'
  | 'ConfigMap'

/** SchemaRef names a generated validator module and the apiVersion/kind it expects. */
export interface SchemaRef {
  readonly module: string
  readonly apiVersion: string
  readonly kind: string
}

/** KindInfo describes how one apiVersion/kind spelling is read. */
export interface KindInfo {
  readonly kind: CanonicalKind
  readonly group: string
  readonly namespaced: boolean
  readonly schema?: SchemaRef
  /** A note shown in status when the spelling is an alias of a newer one. */
  readonly alias?: string
}

const GW = 'gateway.networking.k8s.io'
const GWX = 'gateway.networking.x-k8s.io'
const GATEWAY_SCHEMAS = '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApis'
const CORE_SCHEMAS = 'kubernetes-models/_schemas/IoK8sApi'

/** gatewaySchema names the validator of a Gateway API kind; `experimental` selects the x-k8s group. */
function gatewaySchema(version: string, kind: string, experimental = false): SchemaRef {
  const moduleVersion = (experimental ? 'x' : '') + version.charAt(0).toUpperCase() + version.slice(1)
  return {
    module: `${GATEWAY_SCHEMAS}${moduleVersion}${kind}`,
    apiVersion: `${experimental ? GWX : GW}/${version}`,
    kind,
  }
}

const table = new Map<string, KindInfo>()

function add(apiVersion: string, kind: string, info: Omit<KindInfo, 'group'>): void {
  const slash = apiVersion.indexOf('/')
  table.set(`${apiVersion}/${kind}`, { ...info, group: slash === -1 ? '' : apiVersion.slice(0, slash) })
}

for (const v of ['v1', 'v1beta1']) {
  add(`${GW}/${v}`, 'GatewayClass', {
    kind: 'GatewayClass',
    namespaced: false,
    schema: gatewaySchema(v, 'GatewayClass'),
  })
  add(`${GW}/${v}`, 'Gateway', { kind: 'Gateway', namespaced: true, schema: gatewaySchema(v, 'Gateway') })
  add(`${GW}/${v}`, 'HTTPRoute', {
    kind: 'HTTPRoute',
    namespaced: true,
    schema: gatewaySchema(v, 'HTTPRoute'),
  })
  add(`${GW}/${v}`, 'ReferenceGrant', {
    kind: 'ReferenceGrant',
    namespaced: true,
    schema: gatewaySchema(v, 'ReferenceGrant'),
  })
}
add(`${GW}/v1alpha2`, 'ReferenceGrant', {
  kind: 'ReferenceGrant',
  namespaced: true,
  schema: gatewaySchema('v1alpha2', 'ReferenceGrant'),
})
add(`${GWX}/v1alpha1`, 'HTTPRoute', {
  kind: 'HTTPRoute',
  namespaced: true,
  schema: gatewaySchema('v1', 'HTTPRoute'),
  alias: `HTTPRoute belongs to ${GW}/v1; ${GWX}/v1alpha1 is read as the same kind`,
})
add(`${GW}/v1`, 'GRPCRoute', { kind: 'GRPCRoute', namespaced: true, schema: gatewaySchema('v1', 'GRPCRoute') })
add(`${GW}/v1alpha2`, 'GRPCRoute', {
  kind: 'GRPCRoute',
  namespaced: true,
  schema: gatewaySchema('v1alpha2', 'GRPCRoute'),
})
for (const v of ['v1', 'v1alpha2', 'v1alpha3']) {
  add(`${GW}/${v}`, 'TLSRoute', { kind: 'TLSRoute', namespaced: true, schema: gatewaySchema(v, 'TLSRoute') })
}
for (const kind of ['TCPRoute', 'UDPRoute'] as const) {
  // v1 (GA in Gateway API v1.6) has the same shape as v1alpha2, the newest schema published.
  add(`${GW}/v1`, kind, { kind, namespaced: true, schema: gatewaySchema('v1alpha2', kind) })
  add(`${GW}/v1alpha2`, kind, { kind, namespaced: true, schema: gatewaySchema('v1alpha2', kind) })
}
add(`${GW}/v1`, 'BackendTLSPolicy', {
  kind: 'BackendTLSPolicy',
  namespaced: true,
  schema: gatewaySchema('v1', 'BackendTLSPolicy'),
})
add(`${GW}/v1alpha3`, 'BackendTLSPolicy', {
  kind: 'BackendTLSPolicy',
  namespaced: true,
  schema: gatewaySchema('v1alpha3', 'BackendTLSPolicy'),
})
add(`${GW}/v1`, 'ListenerSet', {
  kind: 'ListenerSet',
  namespaced: true,
  schema: gatewaySchema('v1', 'ListenerSet'),
})
add(`${GWX}/v1alpha1`, 'XListenerSet', {
  kind: 'ListenerSet',
  namespaced: true,
  alias: `XListenerSet was replaced by ListenerSet (${GW}/v1) in Gateway API v1.5`,
})
add(`${GWX}/v1alpha1`, 'XBackendTrafficPolicy', {
  kind: 'XBackendTrafficPolicy',
  namespaced: true,
  schema: gatewaySchema('v1alpha1', 'XBackendTrafficPolicy', true),
})
add(`${GWX}/v1alpha1`, 'CORSPolicy', { kind: 'CORSPolicy', namespaced: true })
add('inference.networking.k8s.io/v1', 'InferencePool', { kind: 'InferencePool', namespaced: true })
for (const group of ['inference.networking.x-k8s.io/v1alpha2', `${GWX}/v1alpha1`]) {
  add(group, 'InferencePool', { kind: 'InferencePool', namespaced: true })
  add(group, 'InferenceModel', { kind: 'InferenceModel', namespaced: true })
}
add('inference.networking.x-k8s.io/v1alpha2', 'InferenceObjective', {
  kind: 'InferenceObjective',
  namespaced: true,
})
add('inference.networking.k8s.io/v1alpha1', 'InferenceObjective', {
  kind: 'InferenceObjective',
  namespaced: true,
})

function core(kind: CanonicalKind, namespaced: boolean, apiVersion = 'v1', module = `CoreV1${kind}`): void {
  add(apiVersion, kind, {
    kind,
    namespaced,
    schema: { module: `${CORE_SCHEMAS}${module}`, apiVersion, kind },
  })
}
core('Namespace', false)
core('Service', true)
core('Secret', true)
core('ConfigMap', true)
core('EndpointSlice', true, 'discovery.k8s.io/v1', 'DiscoveryV1EndpointSlice')

/** lookupKind returns how a document with this apiVersion and kind is read, if Weir reads it. */
export function lookupKind(apiVersion: string, kind: string): KindInfo | undefined {
  return table.get(`${apiVersion}/${kind}`)
}

/** knownSpellings lists every apiVersion/kind Weir reads, for error messages and docs. */
export function knownSpellings(): string[] {
  return [...table.keys()]
}

/** KindsReportedAsForeign are well-known Kubernetes kinds that Weir recognises but does not serve. */
export const FOREIGN_KINDS: ReadonlyMap<string, string> = new Map([
  [
    'networking.k8s.io/v1/Ingress',
    'Weir serves Gateway API resources, not Ingress: write the equivalent HTTPRoute (see README, "From Ingress")',
  ],
])
