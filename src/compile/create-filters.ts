import type { Filter, FilterCreateContext } from '../filters/filter.ts'
import { FILTERS } from '../filters/registry.ts'
import type { BackendModel, FilterSpec, RouteMatch } from '../model.ts'
import type { CompiledBackend } from '../proxy/backend-set.ts'

/** BackendCompiler compiles a backend of the model (for mirror filters); CompileScope is one. */
export interface BackendCompiler {
  backend(b: BackendModel, match: RouteMatch): CompiledBackend
}

/** createFilters instantiates filter specs for one route match. */
export function createFilters(specs: readonly FilterSpec[], match: RouteMatch, scope: BackendCompiler): Filter[] {
  if (specs.length === 0) return []
  const ctx: FilterCreateContext = { match, compileBackend: (b) => scope.backend(b, match) }
  return specs.map((spec) => {
    const factory = FILTERS.get(spec.type)
    if (!factory) throw new Error(`filter ${spec.type} is not registered`)
    return factory.create(spec.config, ctx)
  })
}
