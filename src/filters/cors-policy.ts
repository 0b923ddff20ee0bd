import { parseDuration } from '../resources/durations.ts'
import { StatusError } from '../translate/status.ts'
import { createCorsFilter, DEFAULT_MAX_AGE, type CorsConfig } from './cors.ts'
import type { FilterFactory } from './filter.ts'

interface CorsPolicySpec {
  allowOrigins?: string[]
  allowMethods?: string[]
  allowHeaders?: string[]
  exposeHeaders?: string[]
  allowCredentials?: boolean
  maxAge?: string | number
}

/**
 * corsPolicy reads the guide's form of CORS: a filter `type: ExtensionRef` pointing at a
 * `CORSPolicy` (gateway.networking.x-k8s.io/v1alpha1) in the route's namespace. Weir treats it as
 * an alias of the standard `type: CORS` filter with the same fields; `maxAge` may also be a
 * duration such as "24h".
 */
export const corsPolicy: FilterFactory<CorsConfig> = {
  type: 'ExtensionRef:gateway.networking.x-k8s.io/CORSPolicy',
  parse(raw, { ctx, route }) {
    const name = String(raw.extensionRef?.name ?? '')
    const policy = ctx.resources.get<{ spec?: CorsPolicySpec }>('CORSPolicy', route.meta.namespace, name)
    if (!policy) {
      throw new StatusError('ResolvedRefs', 'BackendNotFound', `CORSPolicy ${route.meta.namespace}/${name} not found`)
    }
    const spec = policy.body.spec ?? {}
    let maxAgeSeconds = DEFAULT_MAX_AGE
    if (typeof spec.maxAge === 'number') maxAgeSeconds = spec.maxAge
    else if (typeof spec.maxAge === 'string') {
      const ms = parseDuration(spec.maxAge) ?? (/^\d+$/.test(spec.maxAge) ? Number(spec.maxAge) * 1000 : undefined)
      if (ms === undefined) throw new StatusError('Accepted', 'UnsupportedValue', `CORSPolicy ${name}: maxAge ${spec.maxAge} is not a duration`)
      maxAgeSeconds = Math.floor(ms / 1000)
    }
    return {
      allowOrigins: spec.allowOrigins ?? [],
      allowMethods: spec.allowMethods ?? [],
      allowHeaders: spec.allowHeaders ?? [],
      exposeHeaders: spec.exposeHeaders ?? [],
      allowCredentials: spec.allowCredentials === true,
      maxAgeSeconds,
    }
  },
  create: (config) => createCorsFilter(config),
}
