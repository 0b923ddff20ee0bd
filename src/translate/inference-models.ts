import type { InferenceModelRule } from '../model.ts'
import { keyOf, type Resource } from '../resources/resources.ts'
import type { TranslateContext } from './context.ts'
import { MAX_WEIGHT, readGuideModel, readWeight, type GuideRouting } from './inference-model-dialect.ts'
import { resolvePoolRef, type PoolRef } from './inference-pools.ts'
import { PoolContext } from './context.ts'
import { Conditions, statusEntry, type StatusMap } from './status.ts'

/**
 * CRITICALITY maps InferenceModel `spec.criticality` (v1alpha2) onto the priorities that replaced
 * it (InferenceObjective): Critical above the default, Standard the default 0 (also when unset, as
 * GIE says), Sheddable negative so it is the only band shed when the pool is saturated.
 */
export const CRITICALITY: Readonly<Record<string, number>> = { Critical: 10, Standard: 0, Sheddable: -1 }

interface InferenceModelSpec {
  modelName?: unknown
  criticality?: unknown
  targetModels?: { name?: unknown; weight?: unknown }[]
  poolRef?: PoolRef
  /** The guide's dialect. */
  routing?: GuideRouting
}

/** ReadModel is an InferenceModel read into a rule, with the message its Accepted condition gets. */
export interface ReadModel {
  readonly rule: InferenceModelRule
  readonly message: string
}

interface Candidate extends ReadModel {
  readonly r: Resource<{ spec?: InferenceModelSpec }>
  readonly pool: PoolContext
}

/**
 * processInferenceModels attaches every InferenceModel to its pool (v1alpha2
 * `api/v1alpha2/inferencemodel_types.go`, or the guide's `spec.routing` dialect) and writes its
 * status: Accepted=True `Accepted`; False `ModelNameInUse` when an older model of the same pool
 * already has its modelName (the oldest wins, then namespace/name, as GIE resolves it); False
 * `PoolNotFound` or `Invalid` (Weir's reasons: GIE reports neither case) when it cannot be used.
 */
export function processInferenceModels(ctx: TranslateContext, status: StatusMap): void {
  const candidates: Candidate[] = []
  const conditions = new Map<Resource, Conditions>()
  for (const r of ctx.resources.list<{ spec?: InferenceModelSpec }>('InferenceModel')) {
    const c = new Conditions(r.meta.generation)
    conditions.set(r, c)
    const spec = r.body.spec ?? {}
    const pool = resolvePoolRef(ctx, r, spec.poolRef)
    if (!(pool instanceof PoolContext)) {
      c.set('Accepted', 'False', pool.reason, pool.message)
      continue
    }
    const read = readModel(r, spec, pool)
    if (typeof read === 'string') c.set('Accepted', 'False', 'Invalid', read)
    else candidates.push({ r, pool, ...read })
  }
  candidates.sort((a, b) => a.r.meta.createdAt - b.r.meta.createdAt || compare(keyOf(a.r), keyOf(b.r)))
  const owners = new Map<string, Resource>()
  for (const m of candidates) {
    const c = conditions.get(m.r) as Conditions
    const name = `${m.pool.key}\n${m.rule.modelName}`
    const owner = owners.get(name)
    if (owner) {
      c.set(
        'Accepted',
        'False',
        'ModelNameInUse',
        `modelName ${m.rule.modelName} is already served on InferencePool ${m.pool.key} by InferenceModel ${owner.meta.namespace}/${owner.meta.name}, which is older`
      )
      continue
    }
    owners.set(name, m.r)
    m.pool.models.push(m.rule)
    c.set('Accepted', 'True', 'Accepted', m.message)
  }
  for (const [r, c] of conditions) status.set(keyOf(r), statusEntry(r, { conditions: c.toJSON() }))
}

/** readModel reads either shape into a rule, or says what is wrong with it. */
function readModel(r: Resource, spec: InferenceModelSpec, pool: PoolContext): ReadModel | string {
  const modelName = spec.modelName ?? r.meta.name
  if (typeof modelName !== 'string' || modelName === '') return 'spec.modelName must be a non-empty string'
  if (spec.routing !== undefined) return readGuideModel(r, modelName, pool, spec.routing)
  const criticality = spec.criticality
  const priority = criticality === undefined ? 0 : typeof criticality === 'string' ? CRITICALITY[criticality] : undefined
  if (priority === undefined) return `spec.criticality must be one of ${Object.keys(CRITICALITY).join(', ')}`
  const targets = readTargetModels(spec.targetModels ?? [])
  if (typeof targets === 'string') return targets
  const split = targets.map((t) => `${t.model} ${t.weight}`).join(', ')
  const message =
    `InferenceModel is accepted: requests for model ${modelName} to InferencePool ${pool.key} get priority ${priority}` +
    (criticality === undefined ? '' : ` (criticality ${String(criticality)})`) +
    (split ? `, rewritten to ${split}` : '')
  return { rule: { modelName, priority, targets }, message }
}

/** readTargetModels reads `targetModels[]`: weights on all of them or none (then equal shares). */
function readTargetModels(list: readonly { name?: unknown; weight?: unknown }[]): { model: string; weight: number }[] | string {
  if (!Array.isArray(list)) return 'spec.targetModels must be a list'
  const weighted = list.filter((t) => t?.weight !== undefined).length
  if (weighted !== 0 && weighted !== list.length) return 'spec.targetModels: set a weight on every target model or on none'
  const out: { model: string; weight: number }[] = []
  for (const t of list) {
    if (typeof t?.name !== 'string' || t.name === '') return 'spec.targetModels[].name is required'
    const weight = t.weight === undefined ? 1 : readWeight(t.weight)
    if (weight === undefined) return `spec.targetModels[].weight must be an integer from 0 to ${MAX_WEIGHT}`
    out.push({ model: t.name, weight })
  }
  return out
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
