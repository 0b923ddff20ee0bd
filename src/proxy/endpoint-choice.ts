import type { Attempt } from '../balancer/attempt.ts'
import type { Endpoint } from '../balancer/endpoint.ts'
import type { InferenceCall } from '../inference/inference-request-phase.ts'
import type { Exchange } from '../listeners/exchange.ts'
import type { CompiledBackend } from './backend-set.ts'

/** EndpointChoice is what one request's endpoint choice depends on; ProxyCall holds it (no object per request). */
export interface EndpointChoice {
  readonly backend: CompiledBackend
  readonly request: Exchange
  /** The endpoint a session cookie names, if it is still there. */
  readonly session: Endpoint | undefined
  readonly inference: InferenceCall | undefined
  /** Endpoints this request already failed on. */
  readonly tried: readonly Endpoint[] | undefined
}

/**
 * chooseEndpoint picks the endpoint of one attempt (Pingora's `select_with(tried)`): the
 * InferencePool's picker for an inference request, else the session's endpoint while it has not
 * failed, else the backend's picker; endpoints already tried are skipped.
 */
export function chooseEndpoint(c: EndpointChoice): Attempt | undefined {
  const inference = c.inference
  if (inference) return inference.pick(inference.request, c.tried)
  const sticky = c.session
  if (sticky && !c.tried?.includes(sticky)) return sticky.attempt
  // The exchange is the request view: a pick on an HTTP route builds nothing.
  return c.backend.endpoints.pick(c.request, c.tried)
}
