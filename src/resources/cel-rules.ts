import type { CanonicalKind } from './kinds.ts'
import type { SchemaIssue } from './schema.ts'
import { parseDuration } from './durations.ts'

/**
 * The Gateway API CRDs carry CEL validation rules that JSON schema cannot express. In Kubernetes
 * the API server rejects an object that breaks one, so such an object never exists; Weir reports
 * the same cases as config errors. Only the rules of kinds Weir serves are checked here.
 */
export function checkCelRules(kind: CanonicalKind, doc: Record<string, any>): SchemaIssue[] {
  switch (kind) {
    case 'Gateway':
      return checkGateway(doc)
    case 'HTTPRoute':
      return checkHTTPRoute(doc)
    case 'GRPCRoute':
      return checkGRPCRoute(doc)
    default:
      return []
  }
}

function checkGateway(doc: Record<string, any>): SchemaIssue[] {
  const issues: SchemaIssue[] = []
  const listeners: any[] = doc.spec?.listeners ?? []
  const seen = new Set<string>()
  listeners.forEach((l, i) => {
    if (seen.has(l?.name)) issues.push({ path: ['spec', 'listeners', i, 'name'], message: `listener name ${l.name} is used twice: names must be unique within a Gateway` })
    seen.add(l?.name)
  })
  return issues
}

// HTTPPathMatch CEL: Exact and PathPrefix values are absolute paths without dot segments,
// double slashes, encoded slashes or fragments.
const BAD_PATH_PARTS = ['//', '/./', '/../', '%2f', '%2F', '#']

/** The config field each HTTPRoute filter type must carry (HTTPRouteFilter CEL rules). */
const FILTER_FIELD: Readonly<Record<string, string>> = {
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestMirror: 'requestMirror',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  ExtensionRef: 'extensionRef',
  CORS: 'cors',
}

/** Filter types that may appear once per list; RequestMirror and ExtensionRef may repeat. */
const SINGLE_USE = new Set(['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite', 'CORS'])

function checkFilters(filters: any[], at: (string | number)[]): SchemaIssue[] {
  const issues: SchemaIssue[] = []
  const seen = new Set<string>()
  filters.forEach((f, i) => {
    const type = String(f?.type)
    const field = FILTER_FIELD[type]
    if (field && f[field] === undefined) issues.push({ path: [...at, i, field], message: `is required for a filter of type ${type}` })
    for (const [other, otherField] of Object.entries(FILTER_FIELD)) {
      if (other !== type && f?.[otherField] !== undefined) {
        issues.push({ path: [...at, i, otherField], message: `must not be set on a filter of type ${type}` })
      }
    }
    if (SINGLE_USE.has(type) && seen.has(type)) issues.push({ path: [...at, i, 'type'], message: `${type} may appear only once` })
    seen.add(type)
  })
  if (seen.has('RequestRedirect') && seen.has('URLRewrite')) {
    issues.push({ path: at, message: 'RequestRedirect and URLRewrite cannot be used together' })
  }
  return issues
}

/** checkRuleName: rule names are unique within a route (HTTPRoute and GRPCRoute CEL). */
function checkRuleName(rule: any, r: number, seen: Set<string>, issues: SchemaIssue[]): void {
  if (typeof rule?.name !== 'string') return
  if (seen.has(rule.name)) issues.push({ path: ['spec', 'rules', r, 'name'], message: `rule name ${rule.name} is used twice: names must be unique within a route` })
  seen.add(rule.name)
}

/** checkBackendRefs: a backendRef's filters, and a port on every Service backendRef. */
function checkBackendRefs(rule: any, r: number, issues: SchemaIssue[]): void {
  const refs: any[] = rule?.backendRefs ?? []
  refs.forEach((ref, i) => {
    issues.push(...checkFilters(ref?.filters ?? [], ['spec', 'rules', r, 'backendRefs', i, 'filters']))
    const isService = (ref?.group ?? '') === '' && (ref?.kind ?? 'Service') === 'Service'
    if (isService && ref?.port === undefined) {
      issues.push({ path: ['spec', 'rules', r, 'backendRefs', i, 'port'], message: 'is required for a Service backendRef' })
    }
  })
}

function checkHTTPRoute(doc: Record<string, any>): SchemaIssue[] {
  const issues: SchemaIssue[] = []
  const rules: any[] = doc.spec?.rules ?? []
  const ruleNames = new Set<string>()
  rules.forEach((rule, r) => {
    checkRuleName(rule, r, ruleNames, issues)
    const matches: any[] = rule?.matches ?? []
    matches.forEach((m, i) => {
      const type = m?.path?.type ?? 'PathPrefix'
      const value = m?.path?.value
      if (typeof value !== 'string' || type === 'RegularExpression') return
      const path = ['spec', 'rules', r, 'matches', i, 'path', 'value']
      if (!value.startsWith('/')) issues.push({ path, message: `must be an absolute path starting with "/" for type ${type}` })
      else if (BAD_PATH_PARTS.some((p) => value.includes(p)) || value.endsWith('/..') || value.endsWith('/.')) {
        issues.push({ path, message: 'must not contain "//", "/./", "/../", "%2f", "%2F" or "#", nor end with "/." or "/.."' })
      }
    })
    issues.push(...checkFilters(rule?.filters ?? [], ['spec', 'rules', r, 'filters']))
    const onePrefixMatch = matches.length === 1 && (matches[0]?.path?.type ?? 'PathPrefix') === 'PathPrefix'
    for (const [type, field] of [['URLRewrite', 'urlRewrite'], ['RequestRedirect', 'requestRedirect']] as const) {
      const prefixReplace = (rule?.filters ?? []).some((f: any) => f?.type === type && f[field]?.path?.type === 'ReplacePrefixMatch')
      if (prefixReplace && !onePrefixMatch) {
        issues.push({ path: ['spec', 'rules', r, 'matches'], message: `a ${type} with ReplacePrefixMatch needs exactly one PathPrefix match` })
      }
    }
    checkBackendRefs(rule, r, issues)
    const request = parseDuration(rule?.timeouts?.request ?? '')
    const backend = parseDuration(rule?.timeouts?.backendRequest ?? '')
    if (request !== undefined && backend !== undefined && request !== 0 && backend > request) {
      issues.push({ path: ['spec', 'rules', r, 'timeouts', 'backendRequest'], message: 'must not be longer than timeouts.request' })
    }
  })
  return issues
}

// GRPCMethodMatch CEL: the characters an Exact service or method may have.
const GRPC_SERVICE = /^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$/i
const GRPC_METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/

function checkGRPCRoute(doc: Record<string, any>): SchemaIssue[] {
  const issues: SchemaIssue[] = []
  const rules: any[] = doc.spec?.rules ?? []
  const ruleNames = new Set<string>()
  rules.forEach((rule, r) => {
    checkRuleName(rule, r, ruleNames, issues)
    const matches: any[] = rule?.matches ?? []
    matches.forEach((m, i) => {
      const method = m?.method
      if (method === undefined || method === null) return
      const at = ['spec', 'rules', r, 'matches', i, 'method']
      // The API server defaults type to Exact, so the rule that needs one of the two always applies.
      if (method.service === undefined && method.method === undefined) {
        issues.push({ path: at, message: "one or both of 'service' or 'method' must be specified" })
        return
      }
      if ((method.type ?? 'Exact') !== 'Exact') return
      if (typeof method.service === 'string' && !GRPC_SERVICE.test(method.service)) {
        issues.push({ path: [...at, 'service'], message: `must only contain valid characters (matching ${GRPC_SERVICE.source}, case-insensitive)` })
      }
      if (typeof method.method === 'string' && !GRPC_METHOD.test(method.method)) {
        issues.push({ path: [...at, 'method'], message: `must only contain valid characters (matching ${GRPC_METHOD.source})` })
      }
    })
    issues.push(...checkFilters(rule?.filters ?? [], ['spec', 'rules', r, 'filters']))
    checkBackendRefs(rule, r, issues)
  })
  return issues
}
