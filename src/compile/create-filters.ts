import type { FilterCreateContext } from '../filters/filter.ts'
import { FilterChain } from '../filters/filter-chain.ts'
import { FILTERS } from '../filters/registry.ts'
import type { BackendModel, FilterSpec, RouteMatch } from '../model.ts'
import type { CompiledBackend } from '../proxy/backend-set.ts'
import type { CompiledMirror } from '../proxy/backend-set.ts'

/** BackendCompiler compiles a backend of the model (for mirrors); CompileScope is one. */
export interface BackendCompiler {
  backend(b: BackendModel, match: RouteMatch): CompiledBackend
}

/** createFilterChain instantiates filter specs for one route match, once per reload. */
export function createFilterChain(specs: readonly FilterSpec[], match: RouteMatch): FilterChain {
  if (specs.length === 0) return FilterChain.NONE
  const ctx: FilterCreateContext = { match }
  return new FilterChain(
    specs.map((spec) => {
      const factory = FILTERS.get(spec.type)
      if (!factory) throw new Error(`filter ${spec.type} is not registered`)
      return factory.create(spec.config, ctx)
    })
  )
}

/** compileMirrors builds the backends a chain's RequestMirror filters copy requests to. */
export function compileMirrors(chain: FilterChain, match: RouteMatch, scope: BackendCompiler): readonly CompiledMirror[] {
  if (chain.mirrors.length === 0) return NO_MIRRORS
  return chain.mirrors.map((m) => ({ backend: scope.backend(m.backend, match), probability: m.probability }))
}

const NO_MIRRORS: readonly CompiledMirror[] = []
