import type { Filter, ResponseHeadOut } from '../filters/filter.ts'
import { getHeader } from '../filters/header-list.ts'
import { FilterChain } from '../filters/filter-chain.ts'
import { sampleMirrors } from '../filters/mirror.ts'
import { FILTERS, filterKey } from '../filters/registry.ts'
import type { Downstream } from '../listeners/downstream.ts'
import type { ResponseBodyMode } from '../http/body.ts'
import { Exchange } from '../listeners/exchange.ts'
import { normaliseHost } from '../listeners/request-target.ts'
import type { BackendModel, RouteMatch } from '../model.ts'
import type { CanonicalKind } from '../resources/kinds.ts'
import { Resources, type Resource } from '../resources/resources.ts'
import { resolveBackendRef } from '../translate/backends.ts'
import { TranslateContext } from '../translate/context.ts'
import { DEFAULT_MATCH, normaliseMatch, type HTTPRouteMatchSpec } from '../translate/matches.ts'
import type { RawFilter } from '../translate/route-filters.ts'
import { StatusError } from '../translate/status.ts'

// Scaffolding for unit tests of HTTPRoute filters: a real Exchange on a Downstream that records
// what was sent to the client, the real filter factories (parse, then create) with a translate
// context made of a few resources, and the request/response phases run as compile-route runs them.

/** SentHead is one `sendHead` call: the start of a response the gateway answered itself. */
export interface SentHead {
  readonly status: number
  readonly reason: string
  readonly headers: readonly string[]
  readonly body: ResponseBodyMode
}

/** RecordingDownstream is a client that takes everything and remembers what it was sent. */
export class RecordingDownstream implements Downstream {
  readonly acceptsRawChunked = false
  readonly requestBody = undefined
  onWritable: (() => void) | undefined = undefined
  onClientGone: (() => void) | undefined = undefined
  readonly heads: SentHead[] = []
  readonly responses: { status: number; headers: readonly string[]; body: string }[] = []
  readonly chunks: Uint8Array[] = []
  ended = false
  aborted = false

  get headersSent(): boolean {
    return this.heads.length > 0 || this.responses.length > 0
  }

  sendHead(status: number, reason: string, headers: readonly string[], _drop: readonly string[], body: ResponseBodyMode): boolean {
    this.heads.push({ status, reason, headers: [...headers], body })
    return true
  }

  sendBody(chunk: Uint8Array): boolean {
    this.chunks.push(chunk)
    return true
  }

  endBody(): void {
    this.ended = true
  }

  respond(status: number, headers: readonly string[], body: string): void {
    this.responses.push({ status, headers: [...headers], body })
    this.ended = true
  }

  abort(): void {
    this.aborted = true
  }
}

/** RequestSpec describes a request as it reaches a listener. */
export interface RequestSpec {
  readonly method?: string
  /** Path and optional query, e.g. `/a/b?x=1`. */
  readonly target?: string
  /** The Host header as sent, port included if any. */
  readonly host?: string
  /** Further request headers; pairs allow a name to repeat. */
  readonly headers?: Record<string, string> | readonly (readonly [string, string])[]
  readonly scheme?: 'http' | 'https'
  /** The port of the listener that took the request. */
  readonly port?: number
}

/** TestExchange is an Exchange with the downstream it answers on and the statuses it finished with. */
export interface TestExchange {
  readonly ex: Exchange
  readonly downstream: RecordingDownstream
  readonly finished: number[]
}

/** testExchange builds the Exchange a listener would build for this request, after routing. */
export function testExchange(spec: RequestSpec = {}): TestExchange {
  const target = spec.target ?? '/'
  const q = target.indexOf('?')
  const path = q === -1 ? target : target.slice(0, q)
  const rawQuery = q === -1 ? '' : target.slice(q + 1)
  const authority = spec.host ?? 'example.com'
  const headers: string[] = ['host', authority]
  const extra = Array.isArray(spec.headers) ? spec.headers : Object.entries(spec.headers ?? {})
  for (const [name, value] of extra) headers.push(name.toLowerCase(), value)
  const downstream = new RecordingDownstream()
  const finished: number[] = []
  const scheme = spec.scheme ?? 'http'
  const ex = new Exchange(spec.method ?? 'GET', path, rawQuery, normaliseHost(authority), authority, headers, [], '192.0.2.1', scheme, downstream, (e) => finished.push(e.status))
  ex.port = spec.port ?? (scheme === 'https' ? 443 : 80)
  return { ex, downstream, finished }
}

/** resource makes a loaded resource as the loader would (namespace `default` unless given). */
export function resource(kind: CanonicalKind, name: string, body: Record<string, unknown> = {}, namespace = 'default'): Resource {
  return {
    kind,
    writtenKind: kind,
    apiVersion: 'v1',
    meta: { name, namespace, generation: 1, labels: {}, annotations: {}, createdAt: 0 },
    body,
    source: { file: 'test.yaml', line: 1 },
  }
}

/** service is a core Service with these ports, for mirror backendRefs. */
export function service(name: string, ports: number[], namespace = 'default'): Resource {
  return resource('Service', name, { spec: { ports: ports.map((port) => ({ port })) } }, namespace)
}

/** FilterSetup is the rule around a filter: its matches, and the other resources in the directory. */
export interface FilterSetup {
  /** The rule's matches as written; the filter is created for the first. Default: PathPrefix `/`. */
  readonly matches?: readonly HTTPRouteMatchSpec[]
  readonly resources?: readonly Resource[]
}

/** BuiltFilter is a filter made by its real factory, with what the factory reported on the way. */
export interface BuiltFilter {
  readonly filter: Filter
  /** Reference problems the factory reported without failing (ResolvedRefs=False). */
  readonly refErrors: readonly StatusError[]
  /** Backends the filter mirrors to, as compile would build them. */
  readonly compiled: readonly BackendModel[]
}

/**
 * buildFilter validates an HTTPRoute filter as written with the factory registered for its type
 * (as translate does, in the `default` namespace) and creates it for the rule's first match (as
 * compile does). A configuration the factory rejects throws its StatusError.
 */
export function buildFilter(raw: RawFilter, setup: FilterSetup = {}): BuiltFilter {
  const factory = FILTERS.get(filterKey(raw))
  if (!factory) throw new Error(`no filter registered for ${filterKey(raw)}`)
  const matches: RouteMatch[] = setup.matches ? setup.matches.map(normaliseMatch) : [DEFAULT_MATCH]
  const route = resource('HTTPRoute', 'route', { spec: {} })
  const ctx = new TranslateContext(new Resources([route, ...(setup.resources ?? [])]), { bindAddress: '0.0.0.0' })
  const refErrors: StatusError[] = []
  const config = factory.parse(raw, {
    ctx,
    route,
    matches,
    reportRef: (e) => refErrors.push(e),
    resolveBackendRef: (ref) => resolveBackendRef(ctx, route, ref),
  })
  const filter = factory.create(config, { match: matches[0] as RouteMatch })
  return { filter, refErrors, compiled: filter.mirror ? [filter.mirror.backend] : [] }
}

/** parseError returns the StatusError a factory rejects a configuration with, if any. */
export function parseError(raw: RawFilter, setup: FilterSetup = {}): StatusError | undefined {
  try {
    buildFilter(raw, setup)
    return undefined
  } catch (err) {
    if (err instanceof StatusError) return err
    throw err
  }
}

/** ClientResponse is what the client receives: from the gateway itself, or the upstream's answer after response filters. */
export interface ClientResponse {
  /** True when a request filter answered and nothing was forwarded. */
  readonly answered: boolean
  /** Keys of the backends this request was mirrored to (sampled as the proxy does). */
  readonly mirroredTo: readonly string[]
  readonly status: number
  readonly headers: readonly string[]
  /** header returns the values of a (lower-case) header joined with ", ", or undefined. */
  header(name: string): string | undefined
  /** count tells how many lines the header takes. */
  count(name: string): number
}

/** UpstreamResponse is the head an upstream answers with (lower-case names). */
export interface UpstreamResponse {
  readonly status?: number
  readonly headers?: readonly (readonly [string, string])[]
}

/**
 * exchangeThrough runs filters on a request through the FilterChain a compiled route uses:
 * request phase in order, the first that answers ends the exchange; otherwise the request is
 * "forwarded" (mirrors sampled as the proxy samples them) and the upstream's head goes through
 * the response phase.
 */
export function exchangeThrough(filters: readonly Filter[], t: TestExchange, upstream: UpstreamResponse = {}): ClientResponse {
  const chain = new FilterChain(filters)
  if (chain.request(t.ex)) {
    const sent = t.downstream.heads[0]
    const responded = t.downstream.responses[0]
    if (sent) return clientResponse(true, [], sent.status, sent.headers)
    if (responded) return clientResponse(true, [], responded.status, responded.headers)
    throw new Error('a request filter answered without sending anything')
  }
  const mirroredTo = (sampleMirrors(chain.mirrors, undefined) ?? []).map((m) => m.backend.key)
  const head: ResponseHeadOut = { status: upstream.status ?? 200, headers: (upstream.headers ?? []).flatMap(([n, v]) => [n, v]) }
  chain.response(t.ex, head)
  return clientResponse(false, mirroredTo, head.status, head.headers)
}

function clientResponse(answered: boolean, mirroredTo: readonly string[], status: number, headers: readonly string[]): ClientResponse {
  return {
    answered,
    mirroredTo,
    status,
    headers,
    header: (name) => getHeader(headers, name),
    count: (name) => {
      let n = 0
      for (let i = 0; i < headers.length; i += 2) if (headers[i] === name) n++
      return n
    },
  }
}
