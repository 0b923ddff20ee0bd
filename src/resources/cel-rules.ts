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

function checkHTTPRoute(doc: Record<string, any>): SchemaIssue[] {
  const issues: SchemaIssue[] = []
  const rules: any[] = doc.spec?.rules ?? []
  const ruleNames = new Set<string>()
  rules.forEach((rule, r) => {
    if (typeof rule?.name === 'string') {
      if (ruleNames.has(rule.name)) issues.push({ path: ['spec', 'rules', r, 'name'], message: `rule name ${rule.name} is used twice: names must be unique within a route` })
      ruleNames.add(rule.name)
    }
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
    const refs: any[] = rule?.backendRefs ?? []
    refs.forEach((ref, i) => {
      const isService = (ref?.group ?? '') === '' && (ref?.kind ?? 'Service') === 'Service'
      if (isService && ref?.port === undefined) {
        issues.push({ path: ['spec', 'rules', r, 'backendRefs', i, 'port'], message: 'is required for a Service backendRef' })
      }
    })
    const request = parseDuration(rule?.timeouts?.request ?? '')
    const backend = parseDuration(rule?.timeouts?.backendRequest ?? '')
    if (request !== undefined && backend !== undefined && request !== 0 && backend > request) {
      issues.push({ path: ['spec', 'rules', r, 'timeouts', 'backendRequest'], message: 'must not be longer than timeouts.request' })
    }
  })
  return issues
}
