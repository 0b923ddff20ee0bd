/**
 * The resolved model: everything one generation of the configuration serves, as plain readonly
 * data with no behaviour. It is the contract between translate (which builds it from resources
 * and computes status) and compile (which turns it into request-path tables).
 */

/** Model lists the listener sockets to serve. */
export interface Model {
  readonly sockets: readonly SocketModel[]
}

/** SocketProtocol is how bytes on a listening socket are read. */
export type SocketProtocol = 'HTTP' | 'HTTPS' | StreamProtocol

/**
 * StreamProtocol is a listener whose traffic is relayed as it comes: TCP connections, TLS ones
 * passed through by SNI, or UDP datagrams in per-client sessions.
 */
export type StreamProtocol = 'TCP' | 'TLS' | 'UDP'

/** SocketModel is one listening socket (address:port) and the Gateway listeners merged onto it. */
export interface SocketModel {
  /** `address:port` (`address:port/udp` for UDP), the identity kept across reloads. */
  readonly key: string
  readonly address: string
  readonly port: number
  readonly protocol: SocketProtocol
  readonly listeners: readonly ListenerModel[]
}

/** ListenerModel is one accepted Gateway listener and the routes attached to it. */
export interface ListenerModel {
  /** `namespace/gateway/listener`, used in logs and metrics. */
  readonly key: string
  /** The Gateway's status key, so a bind failure can be written back to the right listener. */
  readonly gatewayKey: string
  readonly name: string
  /** The listener hostname (exact or `*.suffix`); undefined matches every host. */
  readonly hostname: string | undefined
  readonly tls?: ListenerTls
  /** Every attached route match, already in Gateway API precedence order. */
  readonly routes: readonly RouteModel[]
  /** On a TCP, TLS or UDP listener: the TCPRoutes, TLSRoutes or UDPRoutes attached, oldest first. */
  readonly streams?: readonly StreamRouteModel[]
}

/**
 * StreamRouteModel is a TCPRoute, TLSRoute or UDPRoute on one listener: the hostnames it serves
 * (TLS SNI; `*` otherwise) and the weighted backends of all its rules, which a connection (or a
 * UDP session) picks from.
 */
export interface StreamRouteModel {
  /** `tcproute/namespace/name`, the identity a reload keeps live connections by. */
  readonly name: string
  readonly routeKind: 'TCPRoute' | 'TLSRoute' | 'UDPRoute'
  readonly routeNamespace: string
  readonly routeName: string
  readonly hostnames: readonly string[]
  readonly backends: readonly BackendModel[]
  /** Creation time: when two routes claim the same connections, the oldest serves them. */
  readonly createdAt: number
}

/** ListenerTls is the certificate set an HTTPS or TLS Terminate listener terminates with. */
export interface ListenerTls {
  readonly certificates: readonly Certificate[]
}

/** Certificate is a parsed key pair from a kubernetes.io/tls Secret. */
export interface Certificate {
  /** `namespace/name` of the Secret. */
  readonly secret: string
  readonly certPem: string
  readonly keyPem: string
}

/** RouteKind names the route resource a RouteModel came from. */
export type RouteKind = 'HTTPRoute' | 'GRPCRoute'

/** RouteModel is one (hostname × rule × match) of a route, flattened for matching. */
export interface RouteModel {
  /** `httproute/namespace/name/rule/R/match/M` (`grpcroute/...`), unique per listener. */
  readonly name: string
  readonly routeKind: RouteKind
  readonly routeNamespace: string
  readonly routeName: string
  readonly ruleIndex: number
  readonly matchIndex: number
  readonly ruleName?: string
  /** Effective hostname: exact `a.example.com`, wildcard `*.example.com`, or `*` for any host. */
  readonly hostname: string
  readonly match: RouteMatch
  /** Rule filters in the order listed, already validated by their factories. */
  readonly filters: readonly FilterSpec[]
  readonly action: RouteAction
  readonly timeouts: RouteTimeouts
  readonly retry?: RetryPolicy
  readonly sessionPersistence?: SessionPersistenceModel
  /** Creation time of the route, for precedence and for goldens (not emitted there). */
  readonly createdAt: number
}

/** PathMatchType is the Gateway API path match type. */
export type PathMatchType = 'Exact' | 'PathPrefix' | 'RegularExpression'

/** ValueMatchType is the Gateway API header / query match type. */
export type ValueMatchType = 'Exact' | 'RegularExpression'

/** RouteMatch is one validated `matches[]` entry (defaults applied). */
export interface RouteMatch {
  readonly path: { readonly type: PathMatchType; readonly value: string }
  readonly method?: string
  /** Header names are lower-cased; only the first entry of a repeated name is kept. */
  readonly headers: readonly NameValueMatch[]
  /** Query parameter names are case-sensitive; only the first entry of a repeated name is kept. */
  readonly queryParams: readonly NameValueMatch[]
  /** A GRPCRoute method match as written (for GRPCRoute precedence; the path carries the match). */
  readonly grpcMethod?: { readonly service: string; readonly method: string }
}

/** NameValueMatch matches one header or query parameter. */
export interface NameValueMatch {
  readonly type: ValueMatchType
  readonly name: string
  readonly value: string
}

/**
 * FilterSpec is one filter of a rule or backendRef: its type (the Gateway API filter type, or
 * `ExtensionRef:<group>/<kind>` for an extension) and the configuration its factory parsed.
 */
export interface FilterSpec {
  readonly type: string
  readonly config: unknown
}

/** RetryPolicy is `rules[].retry` (or a policy's default retry): when and how often to retry. */
export interface RetryPolicy {
  readonly codes: readonly number[]
  /** Retries after the first attempt. */
  readonly attempts: number
  readonly backoffMs: number
  /** Also retry when the connection fails or is reset before a response. */
  readonly onConnectionError: boolean
}

/** SessionPersistenceModel pins a client to the endpoint that first served it. */
export interface SessionPersistenceModel {
  readonly type: 'Cookie' | 'Header'
  readonly sessionName: string
  readonly absoluteTimeoutMs?: number
  readonly lifetime: 'Session' | 'Permanent'
}

/** RouteTimeouts are `rules[].timeouts` in milliseconds; undefined means Weir's default. */
export interface RouteTimeouts {
  readonly request?: number
  readonly backendRequest?: number
}

/** RouteAction is what a matched route does. */
export type RouteAction =
  | { readonly kind: 'forward'; readonly backends: readonly BackendModel[] }
  | { readonly kind: 'respond'; readonly status: number; readonly message: string }

/**
 * BackendModel is one weighted backendRef. An unusable reference stays in the list with
 * `failure` set, so its share of traffic gets that status (500 for an invalid reference) while
 * the other backends keep working.
 */
export interface BackendModel {
  /** `Service/namespace/name:port`; the balancer keeps per-backend state under this key. */
  readonly key: string
  /** `namespace/name` of the Service, for policy status (policies attach to Services). */
  readonly service?: string
  readonly weight: number
  readonly endpoints: readonly EndpointModel[]
  readonly failure?: { readonly status: number; readonly message: string }
  /** backendRef filters, applied to requests sent to this backend only. */
  readonly filters?: readonly FilterSpec[]
  /** How Weir speaks to the endpoints (Service port appProtocol, BackendTLSPolicy). */
  readonly protocol?: UpstreamProtocol
  readonly tls?: UpstreamTls
  /** Load balancing, health checks, retry budget and session persistence from policies. */
  readonly policy?: BackendPolicyModel
  /** Set when the backendRef is an InferencePool: requests are OpenAI calls picked per request. */
  readonly inferencePool?: InferencePoolModel
}

/** InferencePolicyName is how an InferencePool picks endpoints (BackendLoadBalancingPolicy). */
export type InferencePolicyName = 'prefix-cache' | 'least-request' | 'round-robin' | 'random'

/**
 * InferencePoolModel is an InferencePool resolved from files: its model-server endpoints, how
 * Weir picks among them, and the model names and objectives its clients use.
 */
export interface InferencePoolModel {
  /** `namespace/name`: the runtime keeps the pool's picker and metrics scraper under this key. */
  readonly key: string
  /** Ready addresses of the selected EndpointSlices, at every targetPort. */
  readonly endpoints: readonly EndpointModel[]
  readonly protocol: UpstreamProtocol
  /** prefix-cache unless a BackendLoadBalancingPolicy targets the pool. */
  readonly policy: InferencePolicyName
  /** Client-facing model names (InferenceModel, the guide's dialect): priority and rewrite targets. */
  readonly models: readonly InferenceModelRule[]
  /** InferenceObjective name → priority; a request selects one with `x-gateway-inference-objective`. */
  readonly objectives: Readonly<Record<string, number>>
}

/** InferenceModelRule is what a request for `modelName` gets: a priority and weighted targets. */
export interface InferenceModelRule {
  readonly modelName: string
  /** Higher is more important; negative is sheddable when every endpoint is saturated. */
  readonly priority: number
  /** The model (or LoRA adapter) names the request is rewritten to, by weight; empty keeps the name. */
  readonly targets: readonly { readonly model: string; readonly weight: number }[]
}

/** UpstreamProtocol is the wire protocol to a backend's endpoints. */
export type UpstreamProtocol = 'http1' | 'h2c'

/** UpstreamTls is TLS to the endpoints (BackendTLSPolicy). */
export interface UpstreamTls {
  /** SNI and the name the certificate must carry. */
  readonly serverName: string
  /** PEM CA bundle; undefined means the system roots. */
  readonly caPem?: string
  /** Extra names the certificate must carry one of (subjectAltNames), if set. */
  readonly subjectAltNames?: readonly { readonly type: 'Hostname' | 'URI'; readonly value: string }[]
}

/** BackendPolicyModel gathers what policies attached to a Service say about it. */
export interface BackendPolicyModel {
  readonly loadBalancer?: LoadBalancerModel
  readonly healthCheck?: ActiveHealthCheckModel
  readonly retryBudget?: RetryBudgetModel
  /** A retry used by routes to this backend that set none themselves (the guide's policy dialect). */
  readonly defaultRetry?: RetryPolicy
  readonly sessionPersistence?: SessionPersistenceModel
}

/** LoadBalancerModel chooses the picker of a backend. */
export type LoadBalancerModel =
  | { readonly type: 'least-request' | 'round-robin' | 'random' }
  | { readonly type: 'consistent-hash'; readonly header?: string; readonly cookie?: string }

/** ActiveHealthCheckModel probes every endpoint over HTTP. */
export interface ActiveHealthCheckModel {
  readonly path: string
  readonly intervalMs: number
  readonly timeoutMs: number
  readonly unhealthyThreshold: number
  readonly healthyThreshold: number
  readonly expectedStatuses: readonly number[]
}

/** RetryBudgetModel caps retries to a backend (XBackendTrafficPolicy retryConstraint). */
export interface RetryBudgetModel {
  /** Share of requests in the interval that may be retries, 0..100. */
  readonly percent: number
  readonly intervalMs: number
  /** Retries always allowed per minRetryIntervalMs, so quiet backends can still retry. */
  readonly minRetryCount: number
  readonly minRetryIntervalMs: number

}

/** EndpointModel is one ready address of a backend. */
export interface EndpointModel {
  readonly address: string
  readonly port: number
}
