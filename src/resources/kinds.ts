/**
 * The resource kinds Weir reads, keyed by `apiVersion` + `kind` as written in YAML.
 *
 * Several spellings map to one canonical kind: Gateway API kinds that exist in more than one
 * version, the seed guide's dialects (an HTTPRoute under `gateway.networking.x-k8s.io`,
 * `XListenerSet`), and the inference extension's two groups. Each entry names the JSON schema the
 * document is validated against (from @kubernetes-models), when one exists.
 */
import type { ExtraShape } from './known-fields.ts'
import { LOAD_BALANCING_POLICY_FIELDS } from './weir-kind-fields.ts'

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
  | 'BackendLoadBalancingPolicy'
  | 'CORSPolicy'
  | 'InferencePool'
  | 'InferenceObjective'
  | 'InferenceModel'
  | 'Namespace'
  | 'Service'
  | 'EndpointSlice'
  | 'Secret'
  | 'ConfigMap'

/** SchemaRef names a generated validator module, how to import it, and the apiVersion/kind it expects. */
export interface SchemaRef {
  readonly module: string
  /** Imports the module on first use; see VALIDATOR_MODULES for why it is a thunk. */
  readonly load: ValidatorLoader
  readonly apiVersion: string
  readonly kind: string
}

/** ValidatorLoader imports one generated validator module (an ajv standalone `validate`). */
export type ValidatorLoader = () => Promise<{ validate: (data: unknown) => boolean }>

/** KindInfo describes how one apiVersion/kind spelling is read. */
export interface KindInfo {
  readonly kind: CanonicalKind
  readonly group: string
  readonly namespaced: boolean
  readonly schema?: SchemaRef
  /** A note shown in status when the spelling is an alias of a newer one. */
  readonly alias?: string
  /** The fields of a kind without a published schema, when Weir defines them (its own kinds). */
  readonly fields?: ExtraShape
}

const GW = 'gateway.networking.k8s.io'
const GWX = 'gateway.networking.x-k8s.io'
const GATEWAY_SCHEMAS = '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApis'
const CORE_SCHEMAS = 'kubernetes-models/_schemas/IoK8sApi'

/**
 * VALIDATOR_MODULES maps every validator module Weir uses to a thunk that imports it. Each import
 * has a literal specifier because `bun build --compile` only bundles modules it can see: a
 * specifier computed at run time would be looked up in a node_modules the binary does not have.
 * The thunks keep loading lazy, so a run only parses the validators its documents need.
 */
const VALIDATOR_MODULES: Readonly<Record<string, ValidatorLoader>> = {
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1GatewayClass':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1GatewayClass'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1Gateway':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1Gateway'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1HTTPRoute':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1HTTPRoute'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1ReferenceGrant':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1ReferenceGrant'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1GatewayClass':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1GatewayClass'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1Gateway':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1Gateway'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1HTTPRoute':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1HTTPRoute'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1ReferenceGrant':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1ReferenceGrant'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2ReferenceGrant':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2ReferenceGrant'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1GRPCRoute':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1GRPCRoute'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2GRPCRoute':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2GRPCRoute'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1TLSRoute':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1TLSRoute'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2TLSRoute':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2TLSRoute'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha3TLSRoute':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha3TLSRoute'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2TCPRoute':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2TCPRoute'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2UDPRoute':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2UDPRoute'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1BackendTLSPolicy':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1BackendTLSPolicy'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha3BackendTLSPolicy':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha3BackendTLSPolicy'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1ListenerSet':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1ListenerSet'),
  '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisxV1alpha1XBackendTrafficPolicy':
    () => import('@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisxV1alpha1XBackendTrafficPolicy'),
  'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace':
    () => import('kubernetes-models/_schemas/IoK8sApiCoreV1Namespace'),
  'kubernetes-models/_schemas/IoK8sApiCoreV1Service':
    () => import('kubernetes-models/_schemas/IoK8sApiCoreV1Service'),
  'kubernetes-models/_schemas/IoK8sApiCoreV1Secret':
    () => import('kubernetes-models/_schemas/IoK8sApiCoreV1Secret'),
  'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap':
    () => import('kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap'),
  'kubernetes-models/_schemas/IoK8sApiDiscoveryV1EndpointSlice':
    () => import('kubernetes-models/_schemas/IoK8sApiDiscoveryV1EndpointSlice'),
}

/** schemaModules lists every validator module, for the generated table of known fields. */
export function schemaModules(): string[] {
  return Object.keys(VALIDATOR_MODULES)
}

/** validatorLoader returns the thunk for a module; a name missing from the table is a bug here. */
function validatorLoader(module: string): ValidatorLoader {
  const load = VALIDATOR_MODULES[module]
  if (!load) throw new Error(`no validator module ${module} in VALIDATOR_MODULES`)
  return load
}

/** gatewaySchema names the validator of a Gateway API kind; `experimental` selects the x-k8s group. */
function gatewaySchema(version: string, kind: string, experimental = false): SchemaRef {
  const moduleVersion = (experimental ? 'x' : '') + version.charAt(0).toUpperCase() + version.slice(1)
  const module = `${GATEWAY_SCHEMAS}${moduleVersion}${kind}`
  return {
    module,
    load: validatorLoader(module),
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
// Weir's own policy: the load-balancing algorithm and active health checks of a Service.
add('weir.dev/v1alpha1', 'BackendLoadBalancingPolicy', {
  kind: 'BackendLoadBalancingPolicy',
  namespaced: true,
  fields: LOAD_BALANCING_POLICY_FIELDS,
})
add('inference.networking.k8s.io/v1', 'InferencePool', { kind: 'InferencePool', namespaced: true })
add('inference.networking.x-k8s.io/v1alpha2', 'InferencePool', { kind: 'InferencePool', namespaced: true })
add('inference.networking.x-k8s.io/v1alpha2', 'InferenceModel', { kind: 'InferenceModel', namespaced: true })
// The seed guide's group for these kinds, which GIE never used: read as a dialect, and status says
// what to write instead.
add(`${GWX}/v1alpha1`, 'InferencePool', {
  kind: 'InferencePool',
  namespaced: true,
  alias: `InferencePool belongs to inference.networking.k8s.io/v1; the guide's ${GWX}/v1alpha1 shape is read as a dialect (its status says what to write instead)`,
})
add(`${GWX}/v1alpha1`, 'InferenceModel', {
  kind: 'InferenceModel',
  namespaced: true,
  alias: `InferenceModel belongs to inference.networking.x-k8s.io/v1alpha2; the guide's ${GWX}/v1alpha1 shape is read as a dialect (its status says what to write instead)`,
})
add('inference.networking.x-k8s.io/v1alpha2', 'InferenceObjective', {
  kind: 'InferenceObjective',
  namespaced: true,
})
add('inference.networking.k8s.io/v1alpha1', 'InferenceObjective', {
  kind: 'InferenceObjective',
  namespaced: true,
})

function core(kind: CanonicalKind, namespaced: boolean, apiVersion = 'v1', name = `CoreV1${kind}`): void {
  const module = `${CORE_SCHEMAS}${name}`
  add(apiVersion, kind, {
    kind,
    namespaced,
    schema: { module, load: validatorLoader(module), apiVersion, kind },
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
