import type { Metrics } from '../admin/metrics.ts'
import type { BackendModel, RouteMatch } from '../model.ts'
import type { CompiledBackend } from '../proxy/backend-set.ts'
import type { ProxyRuntime } from '../proxy/forward-target.ts'
import { compileBackend, type BackendRuntime, type BackendUse } from './compile-backend.ts'
import { compileMirrors, createFilterChain } from './create-filters.ts'

/** CompileRuntime is the long-lived state compiled tables refer to. */
export interface CompileRuntime extends ProxyRuntime, BackendRuntime {
  readonly metrics: Metrics
}

/**
 * CompileScope carries one compilation: the runtime, what it uses, and the backends built so
 * far (a backendRef shared by several route matches compiles once, so its pool is shared).
 */
export class CompileScope {
  readonly use: BackendUse = { endpointKeys: new Set(), healthCheckKeys: new Set(), budgetKeys: new Set(), poolKeys: new Set() }
  readonly #backends = new Map<BackendModel | string, CompiledBackend>()

  constructor(readonly rt: CompileRuntime) {}

  /**
   * backend compiles a backend of the model once. backendRefs to the same Service port share
   * one compiled backend (one pool and picker, like an nginx upstream block), unless they carry
   * backendRef filters of their own.
   */
  backend(b: BackendModel, match: RouteMatch): CompiledBackend {
    const key = b.filters && b.filters.length > 0 ? b : b.key
    let compiled = this.#backends.get(key)
    if (!compiled) {
      const filters = createFilterChain(b.filters ?? [], match)
      compiled = compileBackend(b, this.rt, this.use, filters, compileMirrors(filters, match, this))
      this.#backends.set(key, compiled)
    }
    return compiled
  }
}
