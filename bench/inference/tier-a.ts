import type { PrefixPickerOptions } from '../../src/balancer/prefix-cache/options.ts'
import { aggregate, type PointResult } from './lab-aggregate.ts'
import type { LabPolicy } from './lab-policies.ts'
import { pickerFactory } from './lab-policies.ts'
import { type LoadPoint, runLab } from './lab-run.ts'
import { type RunSummary, summarize } from './lab-summary.ts'
import type { LabWorkload } from './workload-types.ts'
import { WORKLOADS } from './workloads.ts'

/** TierAOptions choose what the lab runs. */
export interface TierAOptions {
  readonly workloads: readonly string[]
  readonly seeds: number
  readonly quick: boolean
  readonly policies: readonly LabPolicy[]
  /** Overrides for the prefix-cache picker's options (tuning). */
  readonly overrides?: Partial<PrefixPickerOptions>
}

/** WorkloadResult is every cell of one workload plus what the report needs to know about it. */
export interface WorkloadResult {
  readonly id: string
  readonly title: string
  readonly servers: number
  readonly numGpuBlocks: number
  readonly profile: string
  readonly requests: number
  readonly idealHitRate: number
  readonly split?: LabWorkload['split']
  readonly points: readonly PointResult[]
}

/** loadPoints lists a workload's open-loop rates, then its closed-loop saturation point. */
export function loadPoints(w: LabWorkload): LoadPoint[] {
  const points: LoadPoint[] = w.rates.map((rps) => ({ kind: 'rate', rps }))
  if (w.saturationConcurrency > 0) points.push({ kind: 'concurrency', n: w.saturationConcurrency })
  return points
}

/**
 * runWorkload feeds one workload, seed by seed, through every policy at every load point; the
 * request list of a seed is built once and replayed identically for each policy.
 */
export function runWorkload(
  id: string,
  o: TierAOptions,
  log: (line: string) => void = () => {}
): WorkloadResult {
  const build = WORKLOADS[id]
  if (!build) throw new Error(`unknown workload ${id}`)
  const runs = new Map<string, RunSummary[]>()
  let first: LabWorkload | undefined
  for (let seed = 1; seed <= o.seeds; seed++) {
    const w = build({ seed, quick: o.quick })
    first ??= w
    for (const load of loadPoints(w)) {
      for (const policy of o.policies) {
        const out = runLab(w, pickerFactory(policy, seed, o.overrides), load, seed)
        const key = `${JSON.stringify(load)}|${policy}`
        const list = runs.get(key) ?? []
        list.push(summarize(policy, load, seed, out, w.split?.requested))
        runs.set(key, list)
      }
    }
    log(`  ${id} seed ${seed} done`)
  }
  const w = first as LabWorkload
  const points: PointResult[] = []
  for (const load of loadPoints(w)) {
    for (const policy of o.policies) {
      points.push(aggregate(load, policy, runs.get(`${JSON.stringify(load)}|${policy}`) ?? []))
    }
  }
  return {
    id: w.id,
    title: w.title,
    servers: w.servers,
    numGpuBlocks: w.numGpuBlocks,
    profile: w.profile.name,
    requests: w.requests.length,
    idealHitRate: w.idealHitRate,
    split: w.split,
    points,
  }
}

/** runTierA runs every selected workload. */
export function runTierA(
  o: TierAOptions,
  log: (line: string) => void = () => {}
): WorkloadResult[] {
  return o.workloads.map((id) => runWorkload(id, o, log))
}
