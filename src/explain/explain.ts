import type { Snapshot } from '../compile/compile.ts'
import type { MatchCondition } from '../compile/matchers.ts'
import type { CompiledRoute } from '../compile/route-table.ts'
import type { CompiledListener, SocketTable } from '../compile/socket-table.ts'
import type { Downstream } from '../listeners/downstream.ts'
import { Exchange } from '../listeners/exchange.ts'
import { normaliseHost, splitTarget } from '../listeners/request-target.ts'
import type { BackendModel, ListenerModel, RouteModel } from '../model.ts'
import { hostMatchesWildcard, isWildcard } from '../translate/hostnames.ts'

/** ExplainRequest is the request to explain: what `curl -X METHOD URL -H 'k: v'` would send. */
export interface ExplainRequest {
  readonly method: string
  readonly url: string
  readonly headers: readonly (readonly [string, string])[]
}

/** Explanation says which listener, route and backends a request takes, and why not the others. */
export interface Explanation {
  readonly request: { readonly method: string; readonly host: string; readonly port: number; readonly path: string; readonly query: string }
  /** The socket (`address:port`) the request reaches, if one listens on its port. */
  readonly socket?: string
  readonly listeners: readonly { readonly listener: string; readonly hostname: string; readonly chosen: boolean; readonly why: string }[]
  /** The other candidate routes for the host, in precedence order, then the listener's routes for other hostnames. */
  readonly notMatched: readonly { readonly route: string; readonly why: string }[]
  /** Candidates left out of `notMatched` (a very long list is cut). */
  readonly moreNotMatched: number
  readonly route?: {
    readonly name: string
    readonly resource: string
    readonly rule: number
    readonly match: number
    readonly conditions: readonly string[]
    readonly backends: readonly { readonly backend: string; readonly weight: number; readonly endpoints: readonly string[]; readonly answers?: string }[]
    readonly answers?: string
  }
  /** The status Weir answers itself when no route is taken (404, 421), or undefined. */
  readonly status?: number
  /** One line: what happens to the request. */
  readonly verdict: string
}

/** MAX_REASONS bounds the `notMatched` list: a catch-all host may have thousands of candidates. */
const MAX_REASONS = 100

// Routing only reads the request head; an explained request has no connection to answer on.
const NO_DOWNSTREAM = {} as Downstream

/**
 * explainRequest routes a request through the compiled tables of a snapshot, the same lookup
 * that serves traffic (SocketTable.resolve), then says why the listeners and routes it did not
 * take did not match, by running the route's compiled match conditions one by one.
 */
export function explainRequest(snapshot: Snapshot, req: ExplainRequest): Explanation {
  const url = new URL(req.url)
  const https = url.protocol === 'https:'
  const port = url.port === '' ? (https ? 443 : 80) : Number(url.port)
  // The path as Weir normalises a request target, not as the URL class would.
  const target = splitTarget(req.url) ?? { path: url.pathname, rawQuery: url.search.slice(1) }
  const hostHeader = req.headers.find(([k]) => k.toLowerCase() === 'host')?.[1] ?? url.host
  const host = normaliseHost(hostHeader)
  const request = { method: req.method, host, port, path: target.path, query: target.rawQuery }
  const headers = [['host', hostHeader], ...req.headers.filter(([k]) => k.toLowerCase() !== 'host')].flatMap(([k, v]) => [(k as string).toLowerCase(), v as string])
  const ex = new Exchange(req.method, target.path, target.rawQuery, host, hostHeader, headers, [], '127.0.0.1', https ? 'https' : 'http', NO_DOWNSTREAM, () => {})

  const table = socketFor(snapshot, normaliseHost(url.host), port)
  const base = { request, listeners: [], notMatched: [], moreNotMatched: 0 }
  if (!table) {
    const sockets = [...snapshot.tables.keys()].join(', ') || 'none'
    return { ...base, verdict: `no listener on port ${port}: the connection is refused (sockets: ${sockets})` }
  }
  const schemeNote = (table.protocol === 'HTTPS') === https ? '' : ` (note: ${table.key} speaks ${table.protocol}, the URL ${https ? 'HTTPS' : 'HTTP'})`
  const resolved = table.resolve(ex, https ? host : undefined)
  const chosen = table.listenerFor(host)
  const listeners = table.listeners.map((l) => ({ listener: l.key, hostname: l.hostname ?? '*', chosen: l === chosen, why: listenerWhy(l, chosen, host) }))
  if (!chosen) {
    return { ...base, socket: table.key, listeners, status: 404, verdict: `404: no listener on ${table.key} serves host ${host}${schemeNote}` }
  }
  if (resolved === 421) {
    return { ...base, socket: table.key, listeners, status: 421, verdict: `421: host ${host} belongs to another listener than the TLS server name's${schemeNote}` }
  }
  const candidates = chosen.routes.candidates(host)
  const taken = resolved === 404 ? undefined : resolved
  const notMatched: { route: string; why: string }[] = []
  let more = 0
  let after = false
  for (const r of candidates) {
    if (r === taken) {
      after = true
      continue
    }
    if (notMatched.length === MAX_REASONS) more++
    else notMatched.push({ route: r.name, why: whyNot(r, ex, after) })
  }
  // Routes of this listener for other hostnames are not candidates at all: say so too.
  const tried = new Set(candidates.map((r) => r.name))
  for (const r of listenerModel(snapshot, table.key, chosen.key)?.routes ?? []) {
    if (tried.has(r.name)) continue
    if (notMatched.length === MAX_REASONS) more++
    else notMatched.push({ route: r.name, why: `for hostname ${r.hostname}, not ${host}` })
  }
  const withListeners = { ...base, socket: table.key, listeners, notMatched, moreNotMatched: more }
  if (!taken) {
    const none = candidates.length === 0 ? `no route of listener ${chosen.key} is for host ${host}` : `none of the ${candidates.length} routes for host ${host} matches`
    return { ...withListeners, status: 404, verdict: `404: ${none}${schemeNote}` }
  }
  const model = routeModel(snapshot, table.key, chosen.key, taken.name)
  const route = describeRoute(taken, model)
  return { ...withListeners, route, verdict: `${chosen.key} → ${taken.name}${route.answers ? `: ${route.answers}` : ''}${schemeNote}` }
}

/** socketFor picks the socket a connection to host:port reaches: its own address, else a wildcard one. */
function socketFor(snapshot: Snapshot, host: string, port: number): SocketTable | undefined {
  const onPort = [...snapshot.tables.values()].filter((t) => t.port === port)
  const address = host.startsWith('[') ? host.slice(1, -1) : host
  return (
    onPort.find((t) => t.key === `${address}:${port}` || t.key === `[${address}]:${port}`) ??
    onPort.find((t) => t.key.startsWith('0.0.0.0:') || t.key.startsWith('[::]:') || t.key.startsWith(':::')) ??
    onPort[0]
  )
}

function listenerWhy(l: CompiledListener, chosen: CompiledListener | undefined, host: string): string {
  const name = l.hostname ?? '*'
  if (l === chosen) return `the most specific listener hostname that matches ${host}`
  const matches = l.hostname === undefined || l.hostname === host || (isWildcard(l.hostname) && hostMatchesWildcard(host, l.hostname))
  return matches ? `${name} matches too, but ${chosen?.hostname ?? '*'} is more specific` : `hostname ${name} does not match ${host}`
}

/** whyNot names the first condition of a route match the request fails. */
function whyNot(r: CompiledRoute, ex: Exchange, afterTaken: boolean): string {
  for (const c of r.conditions) if (!c.test(ex)) return failed(c, ex)
  return afterTaken ? 'matches too, but ranks below the route taken (route precedence)' : 'matches'
}

function failed(c: MatchCondition, ex: Exchange): string {
  const want = describe(c)
  switch (c.on) {
    case 'path':
      return `${want}: the path is ${ex.path}`
    case 'method':
      return `${want}: the method is ${ex.method}`
    case 'header': {
      const v = ex.header(c.name)
      return v === undefined ? `${want}: no ${c.name} header` : `${want}: ${c.name} is ${JSON.stringify(v)}`
    }
    case 'query': {
      const v = ex.queryParam(c.name)
      return v === undefined ? `${want}: no ${c.name} query parameter` : `${want}: ${c.name} is ${JSON.stringify(v)}`
    }
  }
}

function describe(c: MatchCondition): string {
  if (c.on === 'method') return `method ${c.value}`
  const subject = c.on === 'path' ? 'path' : `${c.on} ${c.name}`
  return `${subject} ${c.type} ${JSON.stringify(c.value)}`
}

function listenerModel(snapshot: Snapshot, socket: string, listener: string): ListenerModel | undefined {
  return snapshot.model.sockets.find((s) => s.key === socket)?.listeners.find((x) => x.key === listener)
}

function routeModel(snapshot: Snapshot, socket: string, listener: string, name: string): RouteModel | undefined {
  return listenerModel(snapshot, socket, listener)?.routes.find((r) => r.name === name)
}

function describeRoute(taken: CompiledRoute, model: RouteModel | undefined): NonNullable<Explanation['route']> {
  const conditions = taken.conditions.length > 0 ? taken.conditions.map(describe) : ['every request (path PathPrefix "/")']
  const base = {
    name: taken.name,
    resource: model ? `${model.routeKind} ${model.routeNamespace}/${model.routeName}` : taken.name,
    rule: model?.ruleIndex ?? 0,
    match: model?.matchIndex ?? 0,
    conditions,
  }
  if (!model || model.action.kind === 'respond') {
    const answers = model?.action.kind === 'respond' ? `Weir answers ${model.action.status} (${model.action.message})` : undefined
    return { ...base, backends: [], ...(answers ? { answers } : {}) }
  }
  const backends = model.action.backends.map(describeBackend)
  const answers = backends.length === 0 ? 'no backends: Weir answers 500' : undefined
  return { ...base, backends, ...(answers ? { answers } : {}) }
}

function describeBackend(b: BackendModel): NonNullable<Explanation['route']>['backends'][number] {
  const endpoints = (b.inferencePool?.endpoints ?? b.endpoints).map((e) => `${e.address}:${e.port}`)
  const answers = b.failure
    ? `Weir answers ${b.failure.status}: ${b.failure.message}`
    : endpoints.length === 0
      ? 'no ready endpoints: Weir answers 503'
      : undefined
  const backend = b.inferencePool ? `InferencePool ${b.inferencePool.key}` : b.key
  return { backend, weight: b.weight, endpoints, ...(answers ? { answers } : {}) }
}
