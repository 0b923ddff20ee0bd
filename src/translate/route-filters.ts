import { FILTERS, filterKey } from '../filters/registry.ts'
import type { BackendModel, FilterSpec, RouteMatch } from '../model.ts'
import type { Resource } from '../resources/resources.ts'
import { resolveBackendRef, type BackendRef } from './backends.ts'
import type { TranslateContext } from './context.ts'
import { StatusError } from './status.ts'

/** RawFilter is an HTTPRoute filter as written. */
export interface RawFilter {
  type: string
  extensionRef?: { group?: string; kind?: string; name?: string }
  [field: string]: unknown
}

/** FilterTranslation is a validated filter list, or the problem that makes its rule answer 500. */
export interface FilterTranslation {
  readonly filters: FilterSpec[]
  /** A filter that cannot be applied: the rule answers 500 and the route says why. */
  readonly failure?: StatusError
  /** Reference problems that only drop part of a filter (a mirror to a missing Service). */
  readonly refErrors: StatusError[]
}

/** Filters allowed on backendRefs (HTTPBackendRef.filters in v1.6). */
const BACKEND_FILTERS = new Set(['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror'])

/**
 * translateFilters validates a rule's (or a backendRef's) filters with their factories. An
 * unknown extension kind or an invalid configuration is a failure: per HTTPRouteFilter, requests
 * that filter would have processed must get an error, never be passed through unfiltered.
 * `adaptBackend` adjusts the backends filters name (a GRPCRoute's mirrors speak h2c).
 */
export function translateFilters(
  ctx: TranslateContext,
  route: Resource,
  raws: readonly RawFilter[],
  matches: readonly RouteMatch[],
  onBackend: boolean,
  adaptBackend?: (backend: BackendModel) => BackendModel
): FilterTranslation {
  const filters: FilterSpec[] = []
  const refErrors: StatusError[] = []
  for (const raw of raws) {
    const key = filterKey(raw)
    const factory = FILTERS.get(key)
    if (!factory) {
      const what = raw.type === 'ExtensionRef' ? `extension ${raw.extensionRef?.group}/${raw.extensionRef?.kind}` : `filter type ${raw.type}`
      const reason = raw.type === 'ExtensionRef' ? 'InvalidKind' : 'UnsupportedValue'
      return { filters, refErrors, failure: new StatusError('ResolvedRefs', reason, `${what} is not supported by Weir`) }
    }
    if (onBackend && !BACKEND_FILTERS.has(key)) {
      return { filters, refErrors, failure: new StatusError('Accepted', 'UnsupportedValue', `filter ${raw.type} is not supported on a backendRef`) }
    }
    try {
      const parseContext = {
        ctx,
        route,
        matches,
        reportRef: (e: StatusError) => refErrors.push(e),
        resolveBackendRef: (ref: BackendRef) => {
          const resolution = resolveBackendRef(ctx, route, ref)
          return adaptBackend ? { ...resolution, backend: adaptBackend(resolution.backend) } : resolution
        },
      }
      filters.push({ type: key, config: factory.parse(raw, parseContext) })
    } catch (err) {
      if (!(err instanceof StatusError)) throw err
      return { filters, refErrors, failure: err }
    }
  }
  return { filters, refErrors }
}
