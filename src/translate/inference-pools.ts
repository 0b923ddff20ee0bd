import type {
  EndpointModel,
  InferenceModelRule,
  InferencePolicyName,
  InferencePoolModel,
  UpstreamProtocol,
} from '../model.ts'
import type { Resource } from '../resources/resources.ts'
import { DEFAULT_INFERENCE_POLICY, PoolContext, type GatewayContext, type TranslateContext } from './context.ts'
import { selectorMatches } from './label-selector.ts'

/**
 * The groups an InferencePool is named with in backendRefs, policy targetRefs and poolRefs: the GA
 * group, the alpha group (GIE ≤ v0.5) and the seed guide's `gateway.networking.x-k8s.io`.
 */
export const INFERENCE_POOL_GROUPS: readonly string[] = [
  'inference.networking.k8s.io',
  'inference.networking.x-k8s.io',
  'gateway.networking.x-k8s.io',
]


/** The most targetPorts a v1 pool may list (CRD MaxItems). */
const MAX_TARGET_PORTS = 8

/** poolTargetKey is how a pool is keyed among policy targets, next to Services' `namespace/name`. */
export function poolTargetKey(poolKey: string): string {
  return `InferencePool/${poolKey}`
}

/** isInferencePoolRef tells whether a group/kind names an InferencePool. */
export function isInferencePoolRef(group: string | undefined, kind: string | undefined): boolean {
  return kind === 'InferencePool' && INFERENCE_POOL_GROUPS.includes(group ?? '')
}

/** ExtensionRef is `spec.endpointPickerRef` (v1) or `spec.extensionRef` (v1alpha2). */
interface ExtensionRef {
  group?: string
  kind?: string
  name?: string
}

/** InferencePoolSpec is the pool as written: v1, v1alpha2, or the guide's `spec.deployment` dialect. */
interface InferencePoolSpec {
  /** v1: `{matchLabels}`; v1alpha2: a flat label map. */
  selector?: Record<string, unknown>
  targetPorts?: { number?: unknown }[]
  /** v1alpha2's single port. */
  targetPortNumber?: unknown
  appProtocol?: string
  endpointPickerRef?: ExtensionRef
  extensionRef?: ExtensionRef
  /** The guide's dialect: a workload to run, which Weir cannot do. */
  deployment?: unknown
}

interface EndpointSliceBody {
  endpoints?: { addresses?: string[]; conditions?: { ready?: boolean } }[]
}

/**
 * processInferencePools reads every InferencePool (GIE `api/v1/inferencepool_types.go`): the
 * EndpointSlices in its namespace whose labels match `spec.selector.matchLabels` stand in for the
 * pods Kubernetes would select, and each ready address is an endpoint at every `targetPorts[]`
 * number (several ports are data-parallel ranks, one endpoint each). Slice ports are not used:
 * the pool's targetPorts say where the model servers listen. Must run after the
 * BackendLoadBalancingPolicies (they set `ctx.poolPolicies`) and before routes.
 */
export function processInferencePools(ctx: TranslateContext): void {
  for (const r of ctx.resources.list<{ spec?: InferencePoolSpec }>('InferencePool')) {
    const pool = new PoolContext(r)
    ctx.pools.set(pool.key, pool)
    pool.policy = ctx.poolPolicies.get(pool.key) ?? DEFAULT_INFERENCE_POLICY
    readPool(ctx, pool, r.body.spec ?? {})
  }
}

function readPool(ctx: TranslateContext, pool: PoolContext, spec: InferencePoolSpec): void {
  const labels = readSelector(spec.selector)
  if (labels === undefined && spec.deployment !== undefined) {
    pool.notes.push(deploymentNote(pool))
    return
  }
  if (spec.deployment !== undefined) {
    pool.notes.push('spec.deployment (the guide\u2019s dialect) is ignored: Weir starts no model servers; the pool uses spec.selector')
  }
  if (labels === undefined || Object.keys(labels).length === 0) {
    pool.invalid = 'spec.selector.matchLabels must name at least one label: it selects the EndpointSlices of the model servers'
    return
  }
  const ports = readTargetPorts(spec)
  if (typeof ports === 'string') {
    pool.invalid = ports
    return
  }
  const appProtocol = spec.appProtocol ?? 'http'
  if (appProtocol !== 'http' && appProtocol !== 'kubernetes.io/h2c') {
    pool.invalid = `spec.appProtocol ${appProtocol} is not supported: use http (HTTP/1.1, the default) or kubernetes.io/h2c`
    return
  }
  pool.protocol = appProtocol === 'kubernetes.io/h2c' ? 'h2c' : 'http1'
  const { endpoints, slices } = selectEndpoints(ctx, pool.resource.meta.namespace, labels, ports)
  pool.endpoints = endpoints
  if (endpoints.length === 0) {
    const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')
    pool.notes.push(
      slices === 0
        ? `no EndpointSlice in namespace ${pool.resource.meta.namespace} is labelled ${selector}, so the pool has no endpoints yet`
        : `the EndpointSlices labelled ${selector} have no ready address, so the pool has no endpoints yet`
    )
  }
  checkExtensionRef(ctx, pool, spec.endpointPickerRef ?? spec.extensionRef)
}

/** readSelector returns the label map of `{matchLabels}` (v1) or of a flat map (v1alpha2). */
function readSelector(selector: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!selector || typeof selector !== 'object') return undefined
  const labels = 'matchLabels' in selector ? selector.matchLabels : 'matchExpressions' in selector ? undefined : selector
  if (!labels || typeof labels !== 'object') return undefined
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(labels)) out[k] = String(v)
  return out
}

/** readTargetPorts returns the port numbers (v1 targetPorts, v1alpha2 targetPortNumber) or what is wrong. */
function readTargetPorts(spec: InferencePoolSpec): number[] | string {
  const written = spec.targetPorts ?? (spec.targetPortNumber !== undefined ? [{ number: spec.targetPortNumber }] : [])
  if (!Array.isArray(written) || written.length === 0 || written.length > MAX_TARGET_PORTS) {
    return `spec.targetPorts must list 1 to ${MAX_TARGET_PORTS} ports where the model servers listen`
  }
  const ports: number[] = []
  for (const p of written) {
    const n = p?.number
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
      return `spec.targetPorts[].number must be a port number (1-65535), not ${JSON.stringify(n)}`
    }
    if (ports.includes(n)) return `spec.targetPorts lists port ${n} twice: port numbers must be unique`
    ports.push(n)
  }
  return ports
}

/**
 * selectEndpoints lists every ready address of the matching slices at every port, address by
 * address. An absent `ready` condition counts as ready, as in Kubernetes.
 */
function selectEndpoints(
  ctx: TranslateContext,
  namespace: string,
  labels: Record<string, string>,
  ports: readonly number[]
): { endpoints: EndpointModel[]; slices: number } {
  const endpoints: EndpointModel[] = []
  const seen = new Set<string>()
  let slices = 0
  for (const slice of ctx.resources.list<EndpointSliceBody>('EndpointSlice')) {
    if (slice.meta.namespace !== namespace || !selectorMatches({ matchLabels: labels }, slice.meta.labels)) continue
    slices++
    for (const e of slice.body.endpoints ?? []) {
      if (e.conditions?.ready === false) continue
      for (const address of e.addresses ?? []) {
        for (const port of ports) {
          const id = `${address}:${port}`
          if (seen.has(id)) continue
          seen.add(id)
          endpoints.push({ address, port })
        }
      }
    }
  }
  return { endpoints, slices }
}

/**
 * checkExtensionRef validates `endpointPickerRef`. Weir picks endpoints in-process and never calls
 * an endpoint picker, but a ref that does not resolve is still reported as GIE requires
 * (conformance InferencePoolInvalidEPPService: ResolvedRefs=False and requests answer 500), so a
 * configuration that is broken in Kubernetes is not silently served here.
 */
function checkExtensionRef(ctx: TranslateContext, pool: PoolContext, ref: ExtensionRef | undefined): void {
  if (!ref) return
  const namespace = pool.resource.meta.namespace
  const group = ref.group ?? ''
  const kind = ref.kind ?? 'Service'
  if (group !== '' || kind !== 'Service') {
    pool.extensionRefError = `endpointPickerRef ${group ? `${group}/` : ''}${kind} ${ref.name ?? ''} is not a core Service`
    return
  }
  const service = ctx.resources.get<{ spec?: { type?: string } }>('Service', namespace, ref.name ?? '')
  if (!service) {
    pool.extensionRefError = `endpointPickerRef Service ${namespace}/${ref.name ?? ''} not found`
  } else if (service.body.spec?.type === 'ExternalName') {
    pool.extensionRefError = `endpointPickerRef Service ${namespace}/${ref.name} is an ExternalName Service, which GIE forbids`
  } else {
    pool.notes.push(`endpointPickerRef Service ${namespace}/${ref.name} is not used: Weir picks endpoints in-process`)
  }
}

/** deploymentNote says what Weir does with the guide's `spec.deployment` pool and what to write instead. */
function deploymentNote(pool: PoolContext): string {
  const name = pool.resource.meta.name
  return (
    'spec.deployment is the guide\u2019s dialect and is not run: Weir starts no model servers, so this pool has ' +
    'no endpoints and its requests answer 503. Run the model servers yourself, then write ' +
    `spec.selector.matchLabels (e.g. {app: ${name}}) and spec.targetPorts (e.g. [{number: 8000}]) in ` +
    'inference.networking.k8s.io/v1, and an EndpointSlice with those labels listing the servers\u2019 addresses'
  )
}

/** PoolRef is `spec.poolRef` of an InferenceModel or InferenceObjective (same namespace only). */
export interface PoolRef {
  group?: string
  kind?: string
  name?: string
}

/**
 * resolvePoolRef finds the pool a model or objective attaches to, or says why it cannot
 * (`Invalid` for a ref that names no pool, `PoolNotFound` for a pool that does not exist).
 */
export function resolvePoolRef(
  ctx: TranslateContext,
  r: Resource,
  ref: PoolRef | undefined
): PoolContext | { reason: string; message: string } {
  if (!ref || typeof ref.name !== 'string' || ref.name === '') {
    return { reason: 'Invalid', message: 'spec.poolRef.name is required' }
  }
  if (!isInferencePoolRef(ref.group ?? INFERENCE_POOL_GROUPS[0], ref.kind ?? 'InferencePool')) {
    return { reason: 'Invalid', message: `spec.poolRef ${ref.group ?? ''}/${ref.kind ?? ''} ${ref.name} is not an InferencePool` }
  }
  const pool = ctx.pools.get(`${r.meta.namespace}/${ref.name}`)
  if (!pool) return { reason: 'PoolNotFound', message: `InferencePool ${r.meta.namespace}/${ref.name} not found` }
  return pool
}

/**
 * notePoolUse records that a Gateway's route references these pools: they get a status parent
 * for it, and policies targeting them get the Gateway as an ancestor when the route is accepted.
 */
export function notePoolUse(ctx: TranslateContext, gateway: GatewayContext, pools: readonly PoolContext[], accepted: boolean): void {
  for (const pool of pools) {
    pool.parents.set(gateway, pool.parents.get(gateway) === true || accepted)
    if (!accepted) continue
    const key = poolTargetKey(pool.key)
    let set = ctx.serviceGateways.get(key)
    if (!set) ctx.serviceGateways.set(key, (set = new Set()))
    set.add(gateway)
  }
}
