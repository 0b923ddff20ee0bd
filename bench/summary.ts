import { otherCpuPercent } from './noise.ts'
import type { RunRecord } from './run-record.ts'
import type { LoadKind } from './scenarios.ts'
import type { TargetId } from './targets.ts'
import { totalErrors } from './wrk-output.ts'

/** Median of the reps of one (scenario, target), plus the spread of req/s. */
export interface TargetSummary {
  readonly scenario: string
  readonly target: TargetId
  readonly kind: LoadKind
  readonly reps: number
  readonly requestsPerSecond: number
  readonly requestsPerSecondMin: number
  readonly requestsPerSecondMax: number
  readonly p50Ms: number
  readonly p90Ms: number
  readonly p99Ms: number
  /** Only the TS loaders measure p99.9. */
  readonly p999Ms: number | null
  /** Payload megabytes (10^6 B) per second: response bodies, or request bodies for uploads. */
  readonly megabytesPerSecond: number
  readonly rate: RateSummary | null
  readonly sse: SseSummary | null
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

/** Medians of the constant-rate figures (rate-loader.ts). */
export interface RateSummary {
  readonly offeredRate: number
  readonly achievedRate: number
  readonly loaderCpuPercent: number
  readonly timerLagP99Ms: number
}

/** Medians of the event-stream figures (sse-client.ts); p50/p99 Ms above are event delays. */
export interface SseSummary {
  readonly streams: number
  readonly firstEventP50Ms: number
  readonly firstEventP99Ms: number
  readonly loaderCpuPercent: number
}

/** Weir divided by nginx (default variant) for one scenario; null where either is missing. */
export interface ScenarioRatios {
  readonly scenario: string
  readonly kind: LoadKind
  readonly requestsPerSecond: number | null
  readonly p50: number | null
  readonly p99: number | null
  readonly p999: number | null
  readonly firstEventP99: number | null
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
  const rate = runs.flatMap((run) => (run.rate ? [run.rate] : []))
  const sse = runs.flatMap((run) => (run.sse ? [run.sse] : []))
  return {
    scenario: first.scenario,
    target: first.target,
    kind: first.kind,
    reps: runs.length,
    requestsPerSecond: median(rps),
    requestsPerSecondMin: Math.min(...rps),
    requestsPerSecondMax: Math.max(...rps),
    p50Ms: median(runs.map((run) => run.latencyMs.p50)),
    p90Ms: median(runs.map((run) => run.latencyMs.p90)),
    p99Ms: median(runs.map((run) => run.latencyMs.p99)),
    p999Ms: medianOrNull(runs.map((run) => run.latencyMs.p999 ?? null)),
    megabytesPerSecond: median(runs.map((run) => (run.requestsPerSecond * run.payloadBytes) / 1e6)),
    rate:
      rate.length === runs.length
        ? {
            offeredRate: median(rate.map((each) => each.offeredRate)),
            achievedRate: median(rate.map((each) => each.achievedRate)),
            loaderCpuPercent: median(rate.map((each) => each.loaderCpuPercent)),
            timerLagP99Ms: median(rate.map((each) => each.timerLagP99Ms)),
          }
        : null,
    sse:
      sse.length === runs.length
        ? {
            streams: median(sse.map((each) => each.streams)),
            firstEventP50Ms: median(sse.map((each) => each.firstEventMs.p50)),
            firstEventP99Ms: median(sse.map((each) => each.firstEventMs.p99)),
            loaderCpuPercent: median(sse.map((each) => each.loaderCpuPercent)),
          }
        : null,
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
      kind: weir?.kind ?? nginx?.kind ?? 'wrk',
      requestsPerSecond: ratio(weir?.requestsPerSecond, nginx?.requestsPerSecond),
      p50: ratio(weir?.p50Ms, nginx?.p50Ms),
      p99: ratio(weir?.p99Ms, nginx?.p99Ms),
      p999: ratio(weir?.p999Ms, nginx?.p999Ms),
      firstEventP99: ratio(weir?.sse?.firstEventP99Ms, nginx?.sse?.firstEventP99Ms),
      requestsPerCpuSecond: ratio(weir?.requestsPerCpuSecond, nginx?.requestsPerCpuSecond),
    }
  })
}
