import type { Endpoint } from '../balancer/endpoint.ts'
import type { InferenceModelRule, InferencePoolModel, RetryPolicy } from '../model.ts'
import type { InferencePoolRuntime, InferencePools } from './inference-pool-runtime.ts'

/**
 * INFERENCE_FAILOVER is the retry an InferencePool gets unless a route or policy sets one: a
 * server that refuses the connection or fails before answering (5xx) is skipped and the request
 * sent to another, up to twice. Nothing has been streamed to the client at that point.
 */
export const INFERENCE_FAILOVER: RetryPolicy = { codes: [500, 502, 503, 504], attempts: 2, backoffMs: 0, onConnectionError: true }

/** CompiledInferencePool is one snapshot's view of a pool: its config and its long-lived runtime. */
export interface CompiledInferencePool {
  readonly runtime: InferencePoolRuntime
  readonly endpoints: readonly Endpoint[]
  /** Client-facing model name → its rule. */
  readonly models: ReadonlyMap<string, InferenceModelRule>
  /** InferenceObjective name → priority. */
  readonly objectives: ReadonlyMap<string, number>
}

/** compileInferencePool binds a pool's model to its runtime (kept across reloads by key). */
export function compileInferencePool(model: InferencePoolModel, endpoints: readonly Endpoint[], pools: InferencePools): CompiledInferencePool {
  return {
    runtime: pools.ensure(model.key, model.policy, endpoints),
    endpoints,
    models: new Map(model.models.map((m) => [m.modelName, m])),
    objectives: new Map(Object.entries(model.objectives)),
  }
}
