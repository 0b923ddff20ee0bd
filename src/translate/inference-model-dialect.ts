import type { InferenceModelRule } from '../model.ts'
import type { Resource } from '../resources/resources.ts'
import type { ReadModel } from './inference-models.ts'
import type { PoolContext } from './context.ts'

/** The largest target weight GIE allows. */
export const MAX_WEIGHT = 1_000_000

/** readWeight accepts an integer weight within GIE's bounds. */
export function readWeight(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_WEIGHT ? v : undefined
}

/**
 * GUIDE_PRIORITIES maps the guide's `spec.routing.priority` words onto InferenceObjective
 * priorities (higher is more important, negative is shed first when the pool is saturated). Only
 * the lowest words are negative, so only traffic the author called low is ever shed.
 */
export const GUIDE_PRIORITIES: Readonly<Record<string, number>> = {
  critical: 10,
  high: 10,
  standard: 0,
  medium: 0,
  normal: 0,
  low: -1,
  sheddable: -1,
}

/** GuideRouting is the guide's `spec.routing` of an InferenceModel, a shape GIE never had. */
export interface GuideRouting {
  priority?: unknown
  trafficSplit?: { weight?: unknown; version?: unknown }[]
}

/**
 * readGuideModel reads the guide's InferenceModel (`spec.poolRef.name` + `spec.routing`): the
 * model name is `spec.modelName`, else `metadata.name` (the guide writes none); the priority word
 * maps through GUIDE_PRIORITIES; each `trafficSplit[]` entry becomes the target model
 * `<modelName>-<version>` with its weight, so a canary is a second model or LoRA adapter the
 * servers load under that name. The message says how it was read and what to write instead.
 */
export function readGuideModel(r: Resource, modelName: string, pool: PoolContext, routing: GuideRouting): ReadModel | string {
  const written = routing.priority
  let priority: number | undefined
  if (written === undefined) priority = 0
  else if (typeof written === 'number' && Number.isInteger(written)) priority = written
  else if (typeof written === 'string') priority = GUIDE_PRIORITIES[written.toLowerCase()]
  if (priority === undefined) {
    return `spec.routing.priority ${JSON.stringify(written)} is not an integer or one of ${Object.keys(GUIDE_PRIORITIES).join(', ')}`
  }
  const targets: { model: string; weight: number }[] = []
  for (const split of routing.trafficSplit ?? []) {
    const version = split?.version
    if ((typeof version !== 'string' || version === '') && typeof version !== 'number') {
      return 'spec.routing.trafficSplit[].version is required: it names the target model <modelName>-<version>'
    }
    const weight = split.weight === undefined ? 1 : readWeight(split.weight)
    if (weight === undefined) return `spec.routing.trafficSplit[].weight must be an integer from 0 to ${MAX_WEIGHT}`
    targets.push({ model: `${modelName}-${version}`, weight })
  }
  const rule: InferenceModelRule = { modelName, priority, targets }
  return { rule, message: guideMessage(r, rule, pool, written) }
}

function guideMessage(r: Resource, rule: InferenceModelRule, pool: PoolContext, written: unknown): string {
  const criticality = rule.priority > 0 ? 'Critical' : rule.priority < 0 ? 'Sheddable' : 'Standard'
  const named = r.body.spec?.modelName === undefined ? ' (metadata.name)' : ''
  const split = rule.targets.map((t) => `${t.model} ${t.weight}`).join(', ')
  const lines = [
    `read in the guide\u2019s dialect (spec.routing): requests for model ${rule.modelName}${named} to InferencePool ${pool.key} get priority ${rule.priority}` +
      (written === undefined ? '' : ` (routing.priority ${String(written)})`),
  ]
  if (split) lines.push(`trafficSplit rewrites the model to ${split} (<modelName>-<version>: the servers must load a model or LoRA adapter by that name)`)
  const targetModels = rule.targets.map((t) => `{name: ${t.model}, weight: ${t.weight}}`).join(', ')
  lines.push(
    `write it as apiVersion inference.networking.x-k8s.io/v1alpha2, kind InferenceModel, spec: {modelName: ${rule.modelName}, ` +
      `criticality: ${criticality}, poolRef: {name: ${pool.resource.meta.name}}${targetModels ? `, targetModels: [${targetModels}]` : ''}}` +
      (rule.priority !== 10 && rule.priority !== 0 && rule.priority !== -1 ? ` (or an InferenceObjective with priority ${rule.priority})` : '')
  )
  return lines.join('; ')
}
