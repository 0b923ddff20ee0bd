import { loadAvg } from '../lib/machine.ts'
import { loadLabel } from './lab-aggregate.ts'
import { pickerFactory } from './lab-policies.ts'
import { type LoadPoint, runLab } from './lab-run.ts'
import { loadPoints } from './tier-a.ts'
import { type Pinning, type RunContext, runCell } from './tier-b-run.ts'
import { medianRun, type TierBCell, type TierBRun } from './tier-b-summary.ts'
import { rotated, type TierBTarget } from './tier-b-targets.ts'
import type { LabWorkload } from './workload-types.ts'
import { WORKLOADS } from './workloads.ts'

/** TierBOptions choose what Tier B runs. */
export interface TierBOptions {
  readonly workloads: readonly string[]
  readonly targets: readonly TierBTarget[]
  readonly seeds: number
  readonly quick: boolean
  readonly servers?: number
  readonly pinning: Pinning
  readonly repoRoot: string
}

/** STARTUP_S: measured cost of starting and stopping the simulators and a proxy per run. */
const STARTUP_S = 2.5

/** PlannedPoint is one load point of one workload with its estimated wall time per run. */
export interface PlannedPoint {
  readonly workload: LabWorkload
  readonly load: LoadPoint
  /** The lab's virtual-time makespan for least-request, the run's wall time to expect. */
  readonly estimateS: number
}

/** tierBWorkload builds a workload's Tier B shape, with the server count overridden if asked. */
export function tierBWorkload(id: string, seed: number, o: TierBOptions): LabWorkload {
  const build = WORKLOADS[id]
  if (!build) throw new Error(`unknown workload ${id}`)
  const w = build({ seed, quick: o.quick, tier: 'b' })
  return o.servers === undefined ? w : { ...w, servers: o.servers }
}

/**
 * planTierB lists every load point with a wall-time estimate: Tier B replays the same requests
 * on the same engine model as the lab, so the lab's virtual makespan predicts the real one.
 */
export function planTierB(o: TierBOptions): PlannedPoint[] {
  return o.workloads.flatMap((id) => {
    const w = tierBWorkload(id, 1, o)
    return loadPoints(w).map((load) => {
      const out = runLab(w, pickerFactory('least-request', 1), load, 1)
      const end = Math.max(0, ...out.records.map((r) => r.finishMs))
      return { workload: w, load, estimateS: end / 1000 }
    })
  })
}

/** estimateSeconds is the whole session's expected wall time. */
export function estimateSeconds(plan: readonly PlannedPoint[], o: TierBOptions): number {
  const perTarget = plan.reduce((a, p) => a + p.estimateS + STARTUP_S, 0)
  return perTarget * o.targets.length * o.seeds
}

function line(r: TierBRun): string {
  const f = (v: number, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : '–')
  return (
    `hit ${f(r.hitRate * 100, 1)}%  TTFT p50 ${f(r.ttftP50)} p99 ${f(r.ttftP99)} ms  ` +
    `${f(r.outputTokPerS)} tok/s  max/mean ${f(r.maxMeanRequests, 2)}  errors ${r.errors}  ` +
    `cpu sims ${f(r.cpu.sims)}% proxy ${f(r.cpu.proxy)}% client ${f(r.cpu.client)}% ` +
    `other ${f(r.cpu.other)}%`
  )
}

/** TierBResult is every cell plus the runs that could not even start (a proxy that failed). */
export interface TierBResult {
  readonly cells: TierBCell[]
  readonly failures: { workload: string; load: string; target: string; error: string }[]
  readonly wallS: number
}

/**
 * runTierB runs every (seed, point) with the targets interleaved: each point runs every target
 * back to back, starting from a different target each time, so slow machine noise spreads
 * over all of them instead of hitting whichever ran last.
 */
export async function runTierB(
  o: TierBOptions,
  log: (line: string) => void = () => {}
): Promise<TierBResult> {
  const started = performance.now()
  const plan = planTierB(o)
  const ctx: RunContext = { repoRoot: o.repoRoot, pinning: o.pinning }
  const runs = new Map<string, TierBRun[]>()
  const failures: TierBResult['failures'] = []
  let cellIndex = 0
  for (let seed = 1; seed <= o.seeds; seed++) {
    for (const p of plan) {
      const w = seed === 1 ? p.workload : tierBWorkload(p.workload.id, seed, o)
      for (const target of rotated(o.targets, cellIndex++)) {
        const label = `${w.id} ${loadLabel(p.load)} seed ${seed} ${target}`
        try {
          const { run, dir } = await runCell(ctx, w, p.load, target, seed)
          const key = `${w.id}|${loadLabel(p.load)}|${target}`
          runs.set(key, [...(runs.get(key) ?? []), run])
          log(`  ${label.padEnd(44)} ${line(run)}`)
          if (run.errors > 0 || run.proxyLogLines > 0) {
            log(`    ${run.errors} errors, ${run.proxyLogLines} proxy log lines; kept ${dir}`)
            for (const e of run.errorSamples) log(`    error: ${e}`)
          }
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error)
          failures.push({ workload: w.id, load: loadLabel(p.load), target, error: message })
          log(`  ${label.padEnd(44)} FAILED: ${message.split('\n')[0]}`)
        }
      }
      log(`  load average ${loadAvg()}`)
    }
  }
  const cells: TierBCell[] = []
  for (const p of plan) {
    for (const target of o.targets) {
      const list = runs.get(`${p.workload.id}|${loadLabel(p.load)}|${target}`)
      if (!list?.length) continue
      cells.push({
        workload: p.workload.id,
        load: p.load,
        target,
        median: medianRun(list),
        runs: list,
      })
    }
  }
  return { cells, failures, wallS: (performance.now() - started) / 1000 }
}
