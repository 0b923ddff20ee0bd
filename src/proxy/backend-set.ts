import type { EndpointSet } from '../balancer/endpoint-set.ts'
import type { FilterChain } from '../filters/filter-chain.ts'
import type { CompiledInferencePool } from '../inference/compiled-inference-pool.ts'
import type { RetryPolicy, SessionPersistenceModel, UpstreamProtocol, UpstreamTls } from '../model.ts'
import type { RetryBudget } from './retry-budget.ts'

/** CompiledBackend is one weighted backendRef, ready to pick endpoints from. */
export interface CompiledBackend {
  readonly key: string
  readonly endpoints: EndpointSet
  /** Set for an unusable reference: its share of requests gets this status. */
  readonly failure?: { readonly status: number; readonly message: string }
  /** backendRef filters, run after this backend was chosen, and the mirrors they copy requests to. */
  readonly filters: FilterChain
  readonly mirrors: readonly CompiledMirror[]
  readonly protocol: UpstreamProtocol
  readonly tls?: UpstreamTls
  /** Shared by every route to this Service, and kept across reloads. */
  readonly retryBudget?: RetryBudget
  readonly defaultRetry?: RetryPolicy
  readonly sessionPersistence?: SessionPersistenceModel
  /** Set for an InferencePool: requests are read as OpenAI calls and picked per request. */
  readonly inference?: CompiledInferencePool
}

/** CompiledMirror is a RequestMirror's backend, ready to pick from, and the share of requests it copies. */
export interface CompiledMirror {
  readonly backend: CompiledBackend
  readonly probability: number
}

/**
 * BackendSet picks a backend for each request in proportion to the backendRef weights. Weight-0
 * backends are left out when it is built, so they never get traffic.
 */
export class BackendSet {
  readonly #backends: readonly CompiledBackend[]
  readonly #cumulative: Float64Array
  readonly #total: number

  constructor(weighted: readonly { backend: CompiledBackend; weight: number }[]) {
    const used = weighted.filter((w) => w.weight > 0)
    this.#backends = used.map((w) => w.backend)
    this.#cumulative = new Float64Array(used.length)
    let total = 0
    used.forEach((w, i) => {
      total += w.weight
      this.#cumulative[i] = total
    })
    this.#total = total
  }

  /** pick returns a backend at random by weight; undefined only if no backend has weight. */
  pick(): CompiledBackend | undefined {
    const list = this.#backends
    if (list.length <= 1) return list[0]
    const r = Math.random() * this.#total
    const c = this.#cumulative
    for (let i = 0; i < c.length; i++) if (r < (c[i] as number)) return list[i]
    return list[list.length - 1]
  }

  get backends(): readonly CompiledBackend[] {
    return this.#backends
  }
}
