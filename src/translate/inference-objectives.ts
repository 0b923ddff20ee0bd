import { keyOf } from '../resources/resources.ts'
import type { TranslateContext } from './context.ts'
import { resolvePoolRef, type PoolRef } from './inference-pools.ts'
import { PoolContext } from './context.ts'
import { Conditions, statusEntry, type StatusMap } from './status.ts'

/**
 * processInferenceObjectives attaches every InferenceObjective to its pool as `objectives[name] =
 * spec.priority` (an integer, 0 when unset, as GIE's endpoint picker treats it); a request selects
 * one with `x-gateway-inference-objective: <name>`. Status: Accepted=True `Accepted`, or False
 * `PoolNotFound` / `Invalid` (Weir's reasons: GIE defines only Accepted and Pending).
 */
export function processInferenceObjectives(ctx: TranslateContext, status: StatusMap): void {
  for (const r of ctx.resources.list<{ spec?: { priority?: unknown; poolRef?: PoolRef } }>('InferenceObjective')) {
    const c = new Conditions(r.meta.generation)
    const spec = r.body.spec ?? {}
    const pool = resolvePoolRef(ctx, r, spec.poolRef)
    const priority = spec.priority ?? 0
    if (!(pool instanceof PoolContext)) {
      c.set('Accepted', 'False', pool.reason, pool.message)
    } else if (typeof priority !== 'number' || !Number.isInteger(priority)) {
      c.set('Accepted', 'False', 'Invalid', `spec.priority must be an integer, not ${JSON.stringify(priority)}`)
    } else {
      pool.objectives[r.meta.name] = priority
      c.set(
        'Accepted',
        'True',
        'Accepted',
        `requests to InferencePool ${pool.key} with header x-gateway-inference-objective: ${r.meta.name} get priority ${priority}` +
          (priority < 0 ? ' (negative: answered 503 while every endpoint is saturated)' : '')
      )
    }
    status.set(keyOf(r), statusEntry(r, { conditions: c.toJSON() }))
  }
}
