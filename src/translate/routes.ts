import type {
  BackendModel,
  FilterSpec,
  RetryPolicy,
  RouteAction,
  RouteMatch,
  RouteKind,
  RouteModel,
  RouteTimeouts,
  SessionPersistenceModel,
} from '../model.ts'
import type { Resource } from '../resources/resources.ts'
import { resolveParent, type ParentRef } from './attach.ts'
import { resolveBackendRef, type BackendRef } from './backends.ts'
import { DEFAULT_CONTROLLER_NAME, type GatewayContext, type ListenerContext, type TranslateContext } from './context.ts'
import { notePoolUse } from './inference-pools.ts'
import { type PoolContext } from './context.ts'
import { parseDuration } from '../resources/durations.ts'
import { DEFAULT_MATCH, normaliseMatch, type HTTPRouteMatchSpec } from './matches.ts'
import { translateFilters, type RawFilter } from './route-filters.ts'
import { parseRetry, parseSessionPersistence } from './route-retry.ts'
import type { KindConflicts } from './route-kind-conflicts.ts'
import { Conditions, StatusError, statusEntry, type StatusEntry } from './status.ts'

/** RouteRuleSpec is an HTTPRoute rule as written; a GRPCRoute rule is the subset with its own matches. */
export interface RouteRuleSpec {
  name?: string
  matches?: unknown[]
  filters?: RawFilter[]
  backendRefs?: (BackendRef & { filters?: RawFilter[] })[]
  timeouts?: { request?: string; backendRequest?: string }
  retry?: { codes?: number[]; attempts?: number; backoff?: string }
  sessionPersistence?: Parameters<typeof parseSessionPersistence>[0]
}

interface RouteSpec {
  parentRefs?: ParentRef[]
  hostnames?: string[]
  rules?: RouteRuleSpec[]
}

/** RouteKindRules is what differs between the HTTP route kinds that share this translation. */
export interface RouteKindRules {
  readonly kind: RouteKind
  /** normaliseMatch validates one `matches[]` entry (throws a StatusError) and applies its defaults. */
  readonly normaliseMatch: (spec: never) => RouteMatch
  /** adaptBackend adjusts a resolved backend for the kind (gRPC needs HTTP/2 upstreams). */
  readonly adaptBackend?: (backend: BackendModel) => BackendModel
}

const HTTP_ROUTE: RouteKindRules = { kind: 'HTTPRoute', normaliseMatch: (m: HTTPRouteMatchSpec) => normaliseMatch(m) }

/** BuiltRule is one rule after validation: its matches and action, or why it was dropped. */
interface BuiltRule {
  readonly index: number
  readonly name?: string
  readonly matches: readonly RouteMatch[]
  readonly filters: readonly FilterSpec[]
  readonly action: RouteAction
  readonly timeouts: RouteTimeouts
  readonly retry?: RetryPolicy
  readonly sessionPersistence?: SessionPersistenceModel
  /** Why the rule was dropped (its matches are not served). */
  readonly invalid?: StatusError
  /** Why the rule answers 500 (a filter it cannot apply); its matches are still served. */
  readonly failure?: StatusError
  /** backendRef problems, reported together as ResolvedRefs=False (reason of the first). */
  readonly refErrors: readonly StatusError[]
  /** InferencePools the rule's backendRefs name: the route's Gateways become their status parents. */
  readonly pools: readonly PoolContext[]
}

/** RouteParentStatus is one `status.parents[]` entry. */
interface RouteParentStatus {
  parentRef: ParentRef
  controllerName: string
  conditions: Conditions
}

/** processHTTPRoutes translates every HTTPRoute (processRoutes). */
export function processHTTPRoutes(ctx: TranslateContext, status: Map<string, StatusEntry>, key: (r: Resource) => string, conflicts: KindConflicts): void {
  processRoutes(ctx, status, key, HTTP_ROUTE, conflicts)
}

/**
 * processRoutes attaches every route of one kind to its parents, flattens its rules into
 * RouteModels on each listener it attaches to and writes the route's status: per parent,
 * Accepted (with the attachment reason), ResolvedRefs (from backendRefs) and PartiallyInvalid
 * when some rules were dropped. A listener the route lost to a route of the other kind
 * (`conflicts`) is not attached.
 */
export function processRoutes(
  ctx: TranslateContext,
  status: Map<string, StatusEntry>,
  key: (r: Resource) => string,
  kindRules: RouteKindRules,
  conflicts: KindConflicts
): void {
  const kind = kindRules.kind
  for (const r of ctx.resources.list<{ spec: RouteSpec }>(kind)) {
    const spec = r.body.spec
    const rules = (spec.rules ?? [{}]).map((rule, i) => buildRule(ctx, r, rule, i, kindRules))
    const lost = conflicts.get(key(r))
    const refErrors = rules.flatMap((b) => b.refErrors)
    const invalid = rules.filter((b) => b.invalid)
    // Rules dropped, or answering 500 because of a filter problem that is not a reference.
    const broken = rules.filter((b) => b.invalid || (b.failure && b.failure.type !== 'ResolvedRefs'))
    const attachedTo = new Set<ListenerContext>()
    const parents: RouteParentStatus[] = []
    for (const ref of spec.parentRefs ?? []) {
      const resolution = resolveParent(ctx, r, kind, spec.hostnames ?? [], ref)
      if (resolution.kind === 'foreign') continue
      const conditions = new Conditions(r.meta.generation)
      const parent = { parentRef: ref, controllerName: resolution.gateway?.controllerName ?? DEFAULT_CONTROLLER_NAME, conditions }
      parents.push(parent)
      const pools = rules.flatMap((b) => b.pools)
      const attachments = lost ? resolution.attachments.filter((a) => !lost.has(a.listener)) : resolution.attachments
      if (resolution.error) {
        conditions.set('Accepted', 'False', resolution.error.reason, resolution.error.message)
        if (resolution.gateway) notePoolUse(ctx, resolution.gateway, pools, false)
      } else if (attachments.length === 0) {
        // Every listener of this parentRef went to a route of the other kind.
        const listener = resolution.attachments[0]?.listener
        const winner = listener && lost?.get(listener)
        const message = `listener ${listener?.name} serves these hostnames to ${winner}, which is older (or first by namespace/name); HTTPRoutes and GRPCRoutes cannot share a hostname`
        conditions.set('Accepted', 'False', 'NotAllowedByListeners', message)
      } else if (invalid.length === rules.length) {
        const first = invalid[0]?.invalid
        conditions.set('Accepted', 'False', first?.reason ?? 'UnsupportedValue', `every rule is invalid: ${first?.message}`)
      } else {
        conditions.set('Accepted', 'True', 'Accepted', 'Route is accepted')
        for (const a of attachments) recordServiceUse(ctx, a.listener.gateway, rules)
        if (resolution.gateway) notePoolUse(ctx, resolution.gateway, pools, true)
        for (const a of attachments) {
          if (attachedTo.has(a.listener)) continue
          attachedTo.add(a.listener)
          a.listener.attachedRoutes++
          for (const hostname of a.hostnames) addRouteModels(a.listener, r, kind, hostname, rules)
        }
      }
      const firstRefError = refErrors[0]
      if (firstRefError) {
        conditions.set('ResolvedRefs', 'False', firstRefError.reason, refErrors.map((e) => e.message).join('; '))
      }
      else conditions.set('ResolvedRefs', 'True', 'ResolvedRefs', 'All references are resolved')
      if (broken.length > 0 && invalid.length < rules.length) {
        const message = broken.map((b) => `rule ${b.index}: ${(b.invalid ?? b.failure)?.message}`).join('; ')
        conditions.set('PartiallyInvalid', 'True', 'UnsupportedValue', message)
      }
    }
    status.set(
      key(r),
      statusEntry(r, {
        parents: parents.map((p) => ({
          parentRef: p.parentRef,
          controllerName: p.controllerName,
          conditions: p.conditions.toJSON(),
        })),
      })
    )
  }
}

/** recordServiceUse notes that a Gateway sends traffic to the Services of these rules (policy ancestors). */
function recordServiceUse(ctx: TranslateContext, gateway: GatewayContext, rules: readonly BuiltRule[]): void {
  for (const rule of rules) {
    if (rule.action.kind !== 'forward') continue
    for (const b of rule.action.backends) {
      if (!b.service) continue
      let set = ctx.serviceGateways.get(b.service)
      if (!set) ctx.serviceGateways.set(b.service, (set = new Set()))
      set.add(gateway)
    }
  }
}

function buildRule(ctx: TranslateContext, r: Resource, rule: RouteRuleSpec, index: number, kind: RouteKindRules): BuiltRule {
  const base = { index, ...(rule.name ? { name: rule.name } : {}) }
  let matches: RouteMatch[]
  try {
    matches = rule.matches && rule.matches.length > 0 ? rule.matches.map((m) => kind.normaliseMatch(m as never)) : [DEFAULT_MATCH]
  } catch (err) {
    if (!(err instanceof StatusError)) throw err
    return { ...base, matches: [], filters: [], action: respond500(err.message), timeouts: {}, invalid: err, refErrors: [], pools: [] }
  }
  const timeouts = parseTimeouts(rule.timeouts)
  const retry = parseRetry(rule.retry)
  const sessionPersistence = parseSessionPersistence(rule.sessionPersistence)
  const extras = { timeouts, ...(retry ? { retry } : {}), ...(sessionPersistence ? { sessionPersistence } : {}) }
  const ruleFilters = translateFilters(ctx, r, rule.filters ?? [], matches, false, kind.adaptBackend)
  const refErrors: StatusError[] = [...ruleFilters.refErrors]
  const backends: BackendModel[] = []
  const pools: PoolContext[] = []
  let failure = ruleFilters.failure
  for (const ref of rule.backendRefs ?? []) {
    const { backend, error, pool } = resolveBackendRef(ctx, r, ref)
    if (error) refErrors.push(error)
    if (pool && !pools.includes(pool)) pools.push(pool)
    const backendFilters = translateFilters(ctx, r, ref.filters ?? [], matches, true, kind.adaptBackend)
    refErrors.push(...backendFilters.refErrors)
    failure ??= backendFilters.failure
    const adapted = kind.adaptBackend ? kind.adaptBackend(backend) : backend
    backends.push(backendFilters.filters.length > 0 ? { ...adapted, filters: backendFilters.filters } : adapted)
  }
  if (failure) {
    if (failure.type === 'ResolvedRefs') refErrors.push(failure)
    const action = respond500(`rule ${index}: ${failure.message}`)
    return { ...base, ...extras, matches, filters: [], action, failure, refErrors, pools }
  }
  const filters = ruleFilters.filters
  const terminal = filters.some((f) => f.type === 'RequestRedirect')
  let action: RouteAction
  if (backends.length === 0 && !terminal) {
    action = respond500(`rule ${index} has no backendRefs`)
  } else if (backends.length > 0 && backends.every((b) => b.weight === 0) && !terminal) {
    action = respond500(`every backendRef of rule ${index} has weight 0`)
  } else {
    action = { kind: 'forward', backends }
  }
  return { ...base, ...extras, matches, filters, action, refErrors, pools }
}

function parseTimeouts(t: RouteRuleSpec['timeouts']): RouteTimeouts {
  const out: { request?: number; backendRequest?: number } = {}
  if (t?.request !== undefined) out.request = parseDuration(t.request)
  if (t?.backendRequest !== undefined) out.backendRequest = parseDuration(t.backendRequest)
  return out
}

function respond500(message: string): RouteAction {
  return { kind: 'respond', status: 500, message }
}

function addRouteModels(listener: ListenerContext, r: Resource, kind: RouteKind, hostname: string, rules: readonly BuiltRule[]): void {
  const prefix = kind.toLowerCase()
  for (const rule of rules) {
    if (rule.invalid) continue
    rule.matches.forEach((match, matchIndex) => {
      listener.routes.push({
        name: `${prefix}/${r.meta.namespace}/${r.meta.name}/rule/${rule.index}/match/${matchIndex}`,
        routeKind: kind,
        routeNamespace: r.meta.namespace,
        routeName: r.meta.name,
        ruleIndex: rule.index,
        matchIndex,
        ...(rule.name ? { ruleName: rule.name } : {}),
        hostname,
        match,
        filters: rule.filters,
        action: rule.action,
        timeouts: rule.timeouts,
        ...(rule.retry ? { retry: rule.retry } : {}),
        ...(rule.sessionPersistence ? { sessionPersistence: rule.sessionPersistence } : {}),
        createdAt: r.meta.createdAt,
      })
    })
  }
}
