import type { RunRecord } from './run-record.ts'
import { otherCpuPercent } from './noise.ts'
import type { TargetId } from './targets.ts'
import { totalErrors } from './wrk-output.ts'

/** Median of the reps of one (scenario, target), plus the spread of req/s. */
export interface TargetSummary {
  readonly scenario: string
  readonly target: TargetId
  readonly reps: number
  readonly requestsPerSecond: number
  readonly requestsPerSecondMin: number
  readonly requestsPerSecondMax: number
  readonly p50Ms: number
  readonly p90Ms: number
  readonly p99Ms: number
  readonly requestsPerCpuSecond: number | null
  /** Proxy CPU use as a percentage of one core. */
  readonly proxyCpuPercent: number | null
  readonly cpuBusyPercent: Readonly<Record<string, number>>
  /** CPU used by anything but the benchmark, as a percentage of one core (see RunRecord). */
  readonly otherCpuPercent: number
  /** Errors summed over every rep; any makes the row suspect. */
  readonly errors: number
  /** Reps in which the proxy died mid-run. */
  readonly crashes: number
}

/** Weir divided by nginx (default variant) for one scenario; null where either is missing. */
export interface ScenarioRatios {
  readonly scenario: string
  readonly requestsPerSecond: number | null
  readonly p50: number | null
  readonly p99: number | null
  readonly requestsPerCpuSecond: number | null
}

/** Median of a non-empty list (mean of the middle two for even lengths). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const upper = sorted[mid] ?? 0
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2
}

function medianOrNull(values: readonly (number | null)[]): number | null {
  const present = values.filter((value): value is number => value !== null)
  return present.length === values.length && present.length > 0 ? median(present) : null
}

function summarizeGroup(runs: readonly RunRecord[]): TargetSummary {
  const first = runs[0]
  if (!first) throw new Error('empty group')
  const rps = runs.map((run) => run.requestsPerSecond)
  const cpus = new Set(runs.flatMap((run) => Object.keys(run.cpuBusyPercent)))
  const cpuBusyPercent: Record<string, number> = {}
  for (const cpu of cpus) {
    cpuBusyPercent[cpu] = median(runs.map((run) => run.cpuBusyPercent[cpu] ?? 0))
  }
  return {
    scenario: first.scenario,
    target: first.target,
    reps: runs.length,
    requestsPerSecond: median(rps),
    requestsPerSecondMin: Math.min(...rps),
    requestsPerSecondMax: Math.max(...rps),
    p50Ms: median(runs.map((run) => run.latencyMs.p50)),
    p90Ms: median(runs.map((run) => run.latencyMs.p90)),
    p99Ms: median(runs.map((run) => run.latencyMs.p99)),
    requestsPerCpuSecond: medianOrNull(runs.map((run) => run.requestsPerCpuSecond)),
    proxyCpuPercent: medianOrNull(
      runs.map((run) =>
        run.proxyCpuSeconds === null ? null : (100 * run.proxyCpuSeconds) / run.durationS,
      ),
    ),
    cpuBusyPercent,
    otherCpuPercent: median(runs.map(otherCpuPercent)),
    errors: runs.reduce((sum, run) => sum + totalErrors(run.errors), 0),
    crashes: runs.filter((run) => run.proxyExited).length,
  }
}

/** Groups runs by (scenario, target), keeping first-seen order, and takes medians. */
export function summarize(runs: readonly RunRecord[]): TargetSummary[] {
  const groups = new Map<string, RunRecord[]>()
  for (const run of runs) {
    const key = `${run.scenario}\u0000${run.target}`
    const group = groups.get(key) ?? []
    group.push(run)
    groups.set(key, group)
  }
  return [...groups.values()].map(summarizeGroup)
}

function ratio(weir: number | null | undefined, nginx: number | null | undefined): number | null {
  return weir == null || nginx == null || nginx === 0 ? null : weir / nginx
}

/** Weir/nginx ratios per scenario, in the order scenarios first appear. */
export function weirVsNginx(summaries: readonly TargetSummary[]): ScenarioRatios[] {
  const scenarios = [...new Set(summaries.map((summary) => summary.scenario))]
  return scenarios.map((scenario) => {
    const find = (target: TargetId): TargetSummary | undefined =>
      summaries.find((summary) => summary.scenario === scenario && summary.target === target)
    const weir = find('weir')
    const nginx = find('nginx')
    return {
      scenario,
      requestsPerSecond: ratio(weir?.requestsPerSecond, nginx?.requestsPerSecond),
      p50: ratio(weir?.p50Ms, nginx?.p50Ms),
      p99: ratio(weir?.p99Ms, nginx?.p99Ms),
      requestsPerCpuSecond: ratio(weir?.requestsPerCpuSecond, nginx?.requestsPerCpuSecond),
    }
  })
}
