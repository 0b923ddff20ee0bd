import type { Attempt } from '../balancer/attempt.ts'
import type { Endpoint } from '../balancer/endpoint.ts'
import type { InferenceCall } from '../inference/inference-request-phase.ts'
import type { Exchange } from '../listeners/exchange.ts'
import type { CompiledBackend } from './backend-set.ts'

/**
 * EndpointChoice chooses the endpoint of each attempt of one request (Pingora's
 * `select_with(tried)`): the InferencePool's picker for an inference request, else the session's
 * endpoint while it has not failed, else the backend's picker; endpoints already tried are
 * skipped, and once every one was tried a retry may start over.
 */
export class EndpointChoice {
  readonly #backend: CompiledBackend
  readonly #request: Exchange
  readonly #inference: InferenceCall | undefined
  /** The endpoint a session cookie names, if it is still there. */
  readonly session: Endpoint | undefined
  #tried: Endpoint[] | undefined

  constructor(backend: CompiledBackend, request: Exchange, session: Endpoint | undefined, inference: InferenceCall | undefined) {
    this.#backend = backend
    this.#request = request
    this.session = session
    this.#inference = inference
  }

  /** next picks the next attempt; `mayRevisit` lets a retry go back to tried endpoints when none is left. */
  next(mayRevisit: boolean): Attempt | undefined {
    const picked = this.#pick()
    if (picked || !mayRevisit || !this.#tried) return picked
    this.#tried = undefined
    return this.#pick()
  }

  /** failed leaves an endpoint out of the next picks of this request. */
  failed(endpoint: Endpoint): void {
    ;(this.#tried ??= []).push(endpoint)
  }

  #pick(): Attempt | undefined {
    const inference = this.#inference
    if (inference) return inference.pick(inference.request, this.#tried)
    const sticky = this.session
    if (sticky && !this.#tried?.includes(sticky)) return sticky.attempt
    // The exchange is the request view: a pick on an HTTP route builds nothing.
    return this.#backend.endpoints.pick(this.#request, this.#tried)
  }
}
