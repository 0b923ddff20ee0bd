import { cors } from './cors.ts'
import { corsPolicy } from './cors-policy.ts'
import type { FilterFactory } from './filter.ts'
import { requestHeaderModifier, responseHeaderModifier } from './header-modifier.ts'
import { requestMirror } from './mirror.ts'
import { requestRedirect } from './redirect.ts'
import { urlRewrite } from './url-rewrite.ts'

/**
 * FILTERS is the list of filters Weir implements, keyed by HTTPRoute filter type, and by
 * `ExtensionRef:<group>/<kind>` for extension filters. It is the only list of implementations:
 * add a factory here to add a filter.
 */
export const FILTERS: ReadonlyMap<string, FilterFactory<any>> = registry([
  requestHeaderModifier,
  responseHeaderModifier,
  requestRedirect,
  urlRewrite,
  requestMirror,
  cors,
  corsPolicy,
])

/** filterKey names the factory for an HTTPRoute filter as written. */
export function filterKey(raw: { type: string; extensionRef?: { group?: string; kind?: string } }): string {
  if (raw.type !== 'ExtensionRef') return raw.type
  return `ExtensionRef:${raw.extensionRef?.group ?? ''}/${raw.extensionRef?.kind ?? ''}`
}

function registry(list: readonly FilterFactory<any>[]): Map<string, FilterFactory<any>> {
  const m = new Map<string, FilterFactory<any>>()
  for (const f of list) {
    if (m.has(f.type)) throw new Error(`filter ${f.type} registered twice`)
    m.set(f.type, f)
  }
  return m
}
