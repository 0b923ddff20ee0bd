import type { BackendModel, RouteAction, RouteMatch, RouteModel, RouteTimeouts } from '../model.ts'
import type { Resource } from '../resources/resources.ts'
import { resolveParent, type ParentRef } from './attach.ts'
import { resolveBackendRef, type BackendRef } from './backends.ts'
import { DEFAULT_CONTROLLER_NAME, type ListenerContext, type TranslateContext } from './context.ts'
import { parseDuration } from '../resources/durations.ts'
import { DEFAULT_MATCH, normaliseMatch, type HTTPRouteMatchSpec } from './matches.ts'
import { Conditions, StatusError, statusEntry, type StatusEntry } from './status.ts'

interface HTTPRouteRuleSpec {
  name?: string
  matches?: HTTPRouteMatchSpec[]
  filters?: { type: string }[]
  backendRefs?: BackendRef[]
  timeouts?: { request?: string; backendRequest?: string }
}

interface HTTPRouteSpec {
  parentRefs?: ParentRef[]
  hostnames?: string[]
  rules?: HTTPRouteRuleSpec[]
}

/** BuiltRule is one rule after validation: its matches and action, or why it was dropped. */
interface BuiltRule {
  readonly index: number
  readonly name?: string
  readonly matches: readonly RouteMatch[]
  readonly action: RouteAction
  readonly timeouts: RouteTimeouts
  /** Why the rule was dropped (its matches are not served). */
  readonly invalid?: StatusError
  /** backendRef problems, reported together as ResolvedRefs=False (reason of the first). */
  readonly refErrors: readonly StatusError[]
}

/** RouteParentStatus is one `status.parents[]` entry. */
interface RouteParentStatus {
  parentRef: ParentRef
  controllerName: string
  conditions: Conditions
}

/**
 * processHTTPRoutes attaches every HTTPRoute to its parents, flattens its rules into RouteModels
 * on each listener it attaches to and writes the route's status: per parent, Accepted (with the
 * attachment reason), ResolvedRefs (from backendRefs) and PartiallyInvalid when some rules were
 * dropped.
 */
export function processHTTPRoutes(ctx: TranslateContext, status: Map<string, StatusEntry>, key: (r: Resource) => string): void {
  for (const r of ctx.resources.list<{ spec: HTTPRouteSpec }>('HTTPRoute')) {
    const spec = r.body.spec
    const rules = (spec.rules ?? [{}]).map((rule, i) => buildRule(ctx, r, rule, i))
    const refErrors = rules.flatMap((b) => b.refErrors)
    const invalid = rules.filter((b) => b.invalid)
    const attachedTo = new Set<ListenerContext>()
    const parents: RouteParentStatus[] = []
    for (const ref of spec.parentRefs ?? []) {
      const resolution = resolveParent(ctx, r, 'HTTPRoute', spec.hostnames ?? [], ref)
      if (resolution.kind === 'foreign') continue
      const conditions = new Conditions(r.meta.generation)
      const parent = { parentRef: ref, controllerName: resolution.gateway?.controllerName ?? DEFAULT_CONTROLLER_NAME, conditions }
      parents.push(parent)
      if (resolution.error) {
        conditions.set('Accepted', 'False', resolution.error.reason, resolution.error.message)
      } else if (invalid.length === rules.length) {
        const first = invalid[0]?.invalid
        conditions.set('Accepted', 'False', first?.reason ?? 'UnsupportedValue', `every rule is invalid: ${first?.message}`)
      } else {
        conditions.set('Accepted', 'True', 'Accepted', 'Route is accepted')
        for (const a of resolution.attachments) {
          if (attachedTo.has(a.listener)) continue
          attachedTo.add(a.listener)
          a.listener.attachedRoutes++
          for (const hostname of a.hostnames) addRouteModels(a.listener, r, hostname, rules)
        }
      }
      const firstRefError = refErrors[0]
      if (firstRefError) {
        conditions.set('ResolvedRefs', 'False', firstRefError.reason, refErrors.map((e) => e.message).join('; '))
      }
      else conditions.set('ResolvedRefs', 'True', 'ResolvedRefs', 'All references are resolved')
      if (invalid.length > 0 && invalid.length < rules.length) {
        const message = invalid.map((b) => `rule ${b.index}: ${b.invalid?.message}`).join('; ')
        conditions.set('PartiallyInvalid', 'True', 'UnsupportedValue', `dropped ${message}`)
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

function buildRule(ctx: TranslateContext, r: Resource, rule: HTTPRouteRuleSpec, index: number): BuiltRule {
  const base = { index, ...(rule.name ? { name: rule.name } : {}) }
  let matches: RouteMatch[]
  try {
    matches = rule.matches && rule.matches.length > 0 ? rule.matches.map(normaliseMatch) : [DEFAULT_MATCH]
  } catch (err) {
    if (!(err instanceof StatusError)) throw err
    return { ...base, matches: [], action: respond500(err.message), timeouts: {}, invalid: err, refErrors: [] }
  }
  const timeouts = parseTimeouts(rule.timeouts)
  const backends: BackendModel[] = []
  const refErrors: StatusError[] = []
  for (const ref of rule.backendRefs ?? []) {
    const { backend, error } = resolveBackendRef(ctx, r, ref)
    backends.push(backend)
    if (error) refErrors.push(error)
  }
  let action: RouteAction
  if ((rule.filters ?? []).length > 0) {
    const types = (rule.filters ?? []).map((f) => f.type).join(', ')
    // Filters arrive with the filter chain; until then the rule answers 500 as for an invalid filter.
    refErrors.push(new StatusError('ResolvedRefs', 'UnsupportedValue', `filters ${types} are not supported yet`))
    action = respond500(`rule ${index}: filters ${types} are not supported yet`)
  } else if (backends.length === 0) {
    action = respond500(`rule ${index} has no backendRefs`)
  } else if (backends.every((b) => b.weight === 0)) {
    action = respond500(`every backendRef of rule ${index} has weight 0`)
  } else {
    action = { kind: 'forward', backends }
  }
  return { ...base, matches, action, timeouts, refErrors }
}

function parseTimeouts(t: HTTPRouteRuleSpec['timeouts']): RouteTimeouts {
  const out: { request?: number; backendRequest?: number } = {}
  if (t?.request !== undefined) out.request = parseDuration(t.request)
  if (t?.backendRequest !== undefined) out.backendRequest = parseDuration(t.backendRequest)
  return out
}

function respond500(message: string): RouteAction {
  return { kind: 'respond', status: 500, message }
}

function addRouteModels(listener: ListenerContext, r: Resource, hostname: string, rules: readonly BuiltRule[]): void {
  for (const rule of rules) {
    if (rule.invalid) continue
    rule.matches.forEach((match, matchIndex) => {
      listener.routes.push({
        name: `httproute/${r.meta.namespace}/${r.meta.name}/rule/${rule.index}/match/${matchIndex}`,
        routeKind: 'HTTPRoute',
        routeNamespace: r.meta.namespace,
        routeName: r.meta.name,
        ruleIndex: rule.index,
        matchIndex,
        ...(rule.name ? { ruleName: rule.name } : {}),
        hostname,
        match,
        action: rule.action,
        timeouts: rule.timeouts,
        createdAt: r.meta.createdAt,
      })
    })
  }
}
