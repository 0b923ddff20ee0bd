import type {
  BackendPolicyModel,
  Certificate,
  EndpointModel,
  InferenceModelRule,
  InferencePolicyName,
  InferencePoolModel,
  RouteModel,
  StreamRouteModel,
  UpstreamProtocol,
  UpstreamTls,
} from '../model.ts'
import type { Resource, Resources } from '../resources/resources.ts'
import { selectorMatches, type LabelSelector } from './label-selector.ts'
import { Conditions } from './status.ts'

/** TranslateOptions are the CLI settings that change translation. */
export interface TranslateOptions {
  /** Only GatewayClasses with this controllerName are owned; undefined owns every class. */
  readonly controllerName?: string
  /** The address listeners bind to when their Gateway has no `spec.addresses`. */
  readonly bindAddress: string
}

/** DEFAULT_CONTROLLER_NAME is reported where no owning GatewayClass names a controller. */
export const DEFAULT_CONTROLLER_NAME = 'weir.dev/gateway-controller'

/** GATEWAY_GROUP is the Gateway API group. */
export const GATEWAY_GROUP = 'gateway.networking.k8s.io'

/** RouteGroupKind is a route kind a listener may accept. */
export interface RouteGroupKind {
  readonly group: string
  readonly kind: string
}

/** GatewayClassContext wraps a GatewayClass with its status while translating. */
export class GatewayClassContext {
  readonly conditions: Conditions
  constructor(
    readonly resource: Resource,
    readonly controllerName: string
  ) {
    this.conditions = new Conditions(resource.meta.generation)
  }

  /** accepted tells whether the class was accepted, so its Gateways may be served. */
  get accepted(): boolean {
    return this.conditions.isTrue('Accepted')
  }
}

/** GatewayContext wraps a Gateway with its listeners and status while translating. */
export class GatewayContext {
  readonly conditions: Conditions
  readonly listeners: ListenerContext[] = []
  /** IP addresses the listeners bind to. */
  addresses: string[] = []
  constructor(
    readonly resource: Resource,
    /** Undefined when the Gateway names a class that does not exist. */
    readonly gatewayClass: GatewayClassContext | undefined
  ) {
    this.conditions = new Conditions(resource.meta.generation)
  }

  get namespace(): string {
    return this.resource.meta.namespace
  }

  get name(): string {
    return this.resource.meta.name
  }

  /** controllerName is what route parent status reports for this Gateway. */
  get controllerName(): string {
    return this.gatewayClass?.controllerName ?? DEFAULT_CONTROLLER_NAME
  }
}

/** ListenerSpec is the part of a Gateway listener that translation reads. */
export interface ListenerSpec {
  name: string
  port: number
  protocol: string
  hostname?: string
  tls?: {
    mode?: string
    certificateRefs?: { group?: string; kind?: string; name: string; namespace?: string }[]
  }
  allowedRoutes?: {
    namespaces?: { from?: string; selector?: LabelSelector }
    kinds?: { group?: string; kind: string }[]
  }
}

/**
 * ListenerContext wraps one Gateway listener (EG ListenerContext): it owns the listener's status
 * and answers the attachment questions (allowed kinds and namespaces) for routes.
 */
export class ListenerContext {
  readonly conditions: Conditions
  supportedKinds: RouteGroupKind[] = []
  attachedRoutes = 0
  certificates: Certificate[] = []
  readonly routes: RouteModel[] = []
  /** TCPRoutes or TLSRoutes attached to a TCP or TLS listener. */
  readonly streams: StreamRouteModel[] = []
  /** Set when the listener can carry traffic once bound (accepted, refs usable). */
  servable = false

  constructor(
    readonly gateway: GatewayContext,
    readonly spec: ListenerSpec
  ) {
    this.conditions = new Conditions(gateway.resource.meta.generation)
  }

  get name(): string {
    return this.spec.name
  }

  get port(): number {
    return this.spec.port
  }

  get protocol(): string {
    return this.spec.protocol
  }

  get hostname(): string | undefined {
    return this.spec.hostname === '' ? undefined : this.spec.hostname
  }

  /** key is `namespace/gateway/listener`. */
  get key(): string {
    return `${this.gateway.namespace}/${this.gateway.name}/${this.name}`
  }

  /** allowsKind tells whether a route kind is in the listener's supportedKinds. */
  allowsKind(group: string, kind: string): boolean {
    return this.supportedKinds.some((k) => k.group === group && k.kind === kind)
  }

  /** allowsNamespace applies `allowedRoutes.namespaces` (default: the Gateway's own namespace). */
  allowsNamespace(namespace: string, resources: Resources): boolean {
    const from = this.spec.allowedRoutes?.namespaces?.from ?? 'Same'
    switch (from) {
      case 'All':
        return true
      case 'Same':
        return namespace === this.gateway.namespace
      case 'Selector': {
        const selector = this.spec.allowedRoutes?.namespaces?.selector
        if (!selector) return false
        return selectorMatches(selector, resources.namespaceLabels(namespace))
      }
      default:
        return false
    }
  }
}

/** ServicePolicies is what the policies attached to one Service contribute to its backends. */
export interface ServicePolicies {
  policy?: BackendPolicyModel
  tls?: UpstreamTls
  /** Set when a BackendTLSPolicy applies but has no usable CA: the backend must not be used. */
  tlsFailure?: string
}

/** TranslateContext is the shared state of one translation run. */
export class TranslateContext {
  readonly gatewayClasses = new Map<string, GatewayClassContext>()
  readonly gateways: GatewayContext[] = []
  /**
   * Gateways whose routes send traffic to each policy target: a Service (`namespace/name`) or an
   * InferencePool (`InferencePool/namespace/name`). They are the targets' policy ancestors.
   */
  readonly serviceGateways = new Map<string, Set<GatewayContext>>()
  /** What policies say about each Service (`namespace/name`), filled before routes are read. */
  readonly servicePolicies = new Map<string, ServicePolicies>()
  /** How each InferencePool (`namespace/name`) picks, from a BackendLoadBalancingPolicy. */
  readonly poolPolicies = new Map<string, InferencePolicyName>()
  /** InferencePools by `namespace/name`, with their models and objectives, built before routes. */
  readonly pools = new Map<string, PoolContext>()
  constructor(
    readonly resources: Resources,
    readonly options: TranslateOptions
  ) {}

  /** findGateway returns the owned Gateway with this namespace and name. */
  findGateway(namespace: string, name: string): GatewayContext | undefined {
    return this.gateways.find((g) => g.namespace === namespace && g.name === name)
  }
}

/** A pool picks with the prefix-cache-aware picker unless a BackendLoadBalancingPolicy says otherwise. */
export const DEFAULT_INFERENCE_POLICY: InferencePolicyName = 'prefix-cache'

/**
 * PoolContext is one InferencePool while translating: what its spec resolved to, the models and
 * objectives attached to it, and the Gateways whose routes reference it (its status parents).
 */
export class PoolContext {
  /** `namespace/name`. */
  readonly key: string
  endpoints: EndpointModel[] = []
  protocol: UpstreamProtocol = 'http1'
  policy: InferencePolicyName = DEFAULT_INFERENCE_POLICY
  /** Why the spec cannot be served: every parent reports Accepted=False and backendRefs answer 500. */
  invalid?: string
  /** Why endpointPickerRef does not resolve: ResolvedRefs=False InvalidExtensionRef, backendRefs answer 500. */
  extensionRefError?: string
  /** Sentences for the Accepted message: what Weir did with the spec. */
  readonly notes: string[] = []
  readonly models: InferenceModelRule[] = []
  readonly objectives: Record<string, number> = {}
  /** Gateways whose HTTPRoutes reference the pool; true once one of those routes is accepted there. */
  readonly parents = new Map<GatewayContext, boolean>()
  #model: InferencePoolModel | undefined

  constructor(readonly resource: Resource) {
    this.key = `${resource.meta.namespace}/${resource.meta.name}`
  }

  /** failure is why requests to the pool must answer 500, if they must. */
  get failure(): string | undefined {
    if (this.invalid) return `InferencePool ${this.key} is invalid: ${this.invalid}`
    if (this.extensionRefError) return `InferencePool ${this.key}: ${this.extensionRefError}`
    return undefined
  }

  /** toModel freezes the pool for the model; call it only once models and objectives are attached. */
  toModel(): InferencePoolModel {
    this.#model ??= {
      key: this.key,
      endpoints: this.endpoints,
      protocol: this.protocol,
      policy: this.policy,
      models: [...this.models].sort((a, b) => (a.modelName < b.modelName ? -1 : a.modelName > b.modelName ? 1 : 0)),
      objectives: { ...this.objectives },
    }
    return this.#model
  }
}
