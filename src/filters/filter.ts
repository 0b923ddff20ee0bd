import type { Exchange } from '../listeners/exchange.ts'
import type { BackendModel, RouteMatch } from '../model.ts'
import type { Resource } from '../resources/resources.ts'
import type { BackendRef, BackendResolution } from '../translate/backends.ts'
import type { TranslateContext } from '../translate/context.ts'
import type { StatusError } from '../translate/status.ts'

/**
 * Filter is a compiled HTTPRoute filter. Filters act in two phases (Pingora's request_filter and
 * response_filter), both synchronous: `request` runs before the request is forwarded and may
 * answer it itself (a redirect, a CORS preflight) by returning true; `response` edits the response
 * head before it is written to the client.
 */
export interface Filter {
  request?(ex: Exchange): boolean
  response?(ex: Exchange, head: ResponseHeadOut): void
  /** A RequestMirror: copies of requests go to another backend (see FilterChain.mirrors). */
  readonly mirror?: MirrorRequest
}

/** MirrorRequest is where a RequestMirror sends copies, and the share of requests it copies (0..1]. */
export interface MirrorRequest {
  readonly backend: BackendModel
  readonly probability: number
}

/** ResponseHeadOut is a response head on its way to the client, open to response filters. */
export interface ResponseHeadOut {
  status: number
  /** Flat lower-cased pairs, without hop-by-hop or framing fields. */
  headers: string[]
}

/** FilterParseContext is what a factory may consult while validating a filter at translate time. */
export interface FilterParseContext {
  readonly ctx: TranslateContext
  readonly route: Resource
  /** The matches of the rule the filter belongs to (ReplacePrefixMatch needs a PathPrefix). */
  readonly matches: readonly RouteMatch[]
  /** reportRef records a reference problem (ResolvedRefs=False) that does not fail the rule. */
  readonly reportRef: (error: StatusError) => void
  /**
   * resolveBackendRef resolves a backendRef of the route (a mirror's) as the route's own
   * backendRefs are, ReferenceGrants included. The translator supplies it, so filters need no
   * translator code of their own.
   */
  readonly resolveBackendRef: (ref: BackendRef) => BackendResolution
}

/** FilterCreateContext is what a factory gets when the filter is compiled for one route match. */
export interface FilterCreateContext {
  readonly match: RouteMatch
}

/**
 * FilterFactory validates a filter's configuration (`parse`, at translate time; a StatusError
 * makes the rule answer 500 and is reported in the route's status) and builds the Filter
 * (`create`, at compile time, once per reload).
 */
export interface FilterFactory<C = unknown> {
  /** The HTTPRoute filter type, or `ExtensionRef:<group>/<kind>`. */
  readonly type: string
  parse(raw: Record<string, any>, ctx: FilterParseContext): C
  create(config: C, ctx: FilterCreateContext): Filter
}
