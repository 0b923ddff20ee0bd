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
export type SocketProtocol = 'HTTP' | 'HTTPS'

/** SocketModel is one listening socket (address:port) and the Gateway listeners merged onto it. */
export interface SocketModel {
  /** `address:port`, the identity kept across reloads. */
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
}

/** ListenerTls is the certificate set an HTTPS listener terminates with. */
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
export type RouteKind = 'HTTPRoute'

/** RouteModel is one (hostname × rule × match) of a route, flattened for matching. */
export interface RouteModel {
  /** `httproute/namespace/name/rule/R/match/M`, unique per listener. */
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
  readonly action: RouteAction
  readonly timeouts: RouteTimeouts
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
}

/** NameValueMatch matches one header or query parameter. */
export interface NameValueMatch {
  readonly type: ValueMatchType
  readonly name: string
  readonly value: string
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
  readonly weight: number
  readonly endpoints: readonly EndpointModel[]
  readonly failure?: { readonly status: number; readonly message: string }
}

/** EndpointModel is one ready address of a backend. */
export interface EndpointModel {
  readonly address: string
  readonly port: number
}
