import type { LoadPoint } from './lab-run.ts'
import { maxOverMean, median, percentile } from './lab-stats.ts'
import type { SimCounters } from './tier-b-sims.ts'
import type { ClientRecord } from './tier-b-load.ts'
import type { TierBTarget } from './tier-b-targets.ts'
import type { PickerCounters } from './tier-b-weir.ts'

/** Tier B's goodput SLO (design note §4, small-fast profile): TTFT ≤ 500 ms, ITL ≤ 20 ms. */
export const TIER_B_SLO = { ttftMs: 500, itlMs: 20 } as const

/** CpuShare is CPU time per party over a run, in % of one core. */
export interface CpuShare {
  readonly sims: number
  readonly proxy: number
  readonly client: number
  /** Every other process and the kernel: the shared machine's noise. */
  readonly other: number
}

/** TierBRun is one (workload, load, target, seed) run as reported (ms, per second, 0–1). */
export interface TierBRun {
  readonly workload: string
  readonly load: LoadPoint
  readonly target: TierBTarget
  readonly seed: number
  readonly requests: number
  readonly completed: number
  readonly errors: number
  /** Up to three distinct error messages, for the report. */
  readonly errorSamples: readonly string[]
  /** Σ cached / Σ prompt tokens from the usage chunks the client read. */
  readonly hitRate: number
  /** The same from the servers' vllm:prefix_cache counters (cross-check). */
  readonly serverHitRate: number
  /** Weir's own estimate at dispatch (weir_inference_prefix_blocks_total); NaN for nginx. */
  readonly predictedHitRate: number
  readonly ttftP50: number
  readonly ttftP90: number
  readonly ttftP99: number
  readonly e2eP50: number
  readonly e2eP99: number
  readonly itlMean: number
  /** Output tokens per second from the first send to the last finish. */
  readonly outputTokPerS: number
  readonly reqPerS: number
  /** Share of requests meeting TIER_B_SLO (errors count as misses). */
  readonly goodput: number
  /** Requests each server finished during the run (vllm:request_success_total deltas). */
  readonly serverRequests: readonly number[]
  readonly maxMeanRequests: number
  readonly preemptions: number
  /** How late the client sent requests against the arrival process (its own event loop), p99. */
  readonly sendLagP99: number
  readonly durationS: number
  readonly cpu: CpuShare
  /** Lines the proxy wrote to its log during the run (warnings and errors only). */
  readonly proxyLogLines: number
}

/** RunInputs are the raw observations one run leaves. */
export interface RunInputs {
  readonly workload: string
  readonly load: LoadPoint
  readonly target: TierBTarget
  readonly seed: number
  readonly records: readonly ClientRecord[]
  readonly durationMs: number
  readonly simsBefore: readonly SimCounters[]
  readonly simsAfter: readonly SimCounters[]
  readonly pickerBefore: PickerCounters | null
  readonly pickerAfter: PickerCounters | null
  readonly cpu: CpuShare
  readonly proxyLogLines: number
}

/** summarizeRun turns a run's raw observations into the reported numbers. */
export function summarizeRun(x: RunInputs): TierBRun {
  const ok = x.records.filter((r) => r.error === null)
  const failed = x.records.filter((r) => r.error !== null)
  let prompt = 0
  let cached = 0
  let output = 0
  let good = 0
  let first = Infinity
  let last = 0
  const ttft: number[] = []
  const e2e: number[] = []
  const itl: number[] = []
  for (const r of ok) {
    prompt += r.promptTokens
    cached += r.cachedTokens
    output += r.outputTokens
    first = Math.min(first, r.sentMs)
    last = Math.max(last, r.finishedAt)
    const t = r.firstTokenAt - r.sentMs
    const i = r.outputTokens > 1 ? (r.finishedAt - r.firstTokenAt) / (r.outputTokens - 1) : 0
    ttft.push(t)
    e2e.push(r.finishedAt - r.sentMs)
    itl.push(i)
    if (t <= TIER_B_SLO.ttftMs && i <= TIER_B_SLO.itlMs) good++
  }
  const delta = (k: keyof SimCounters) =>
    x.simsAfter.map((a, i) => a[k] - (x.simsBefore[i]?.[k] ?? 0))
  const sum = (v: readonly number[]) => v.reduce((a, b) => a + b, 0)
  const serverPrompt = sum(delta('promptTokens'))
  const p0 = x.pickerBefore
  const p1 = x.pickerAfter
  const blocks = p0 && p1 ? p1.blocks - p0.blocks : 0
  const span = Math.max(0, last - (Number.isFinite(first) ? first : 0)) / 1000
  const serverRequests = delta('requests')
  return {
    workload: x.workload,
    load: x.load,
    target: x.target,
    seed: x.seed,
    requests: x.records.length,
    completed: ok.length,
    errors: failed.length,
    errorSamples: [...new Set(failed.map((r) => r.error as string))].slice(0, 3),
    hitRate: prompt > 0 ? cached / prompt : 0,
    serverHitRate: serverPrompt > 0 ? sum(delta('cachedTokens')) / serverPrompt : 0,
    predictedHitRate:
      p0 && p1 && blocks > 0 ? (p1.predictedHitBlocks - p0.predictedHitBlocks) / blocks : NaN,
    ttftP50: percentile(ttft, 0.5),
    ttftP90: percentile(ttft, 0.9),
    ttftP99: percentile(ttft, 0.99),
    e2eP50: percentile(e2e, 0.5),
    e2eP99: percentile(e2e, 0.99),
    itlMean: itl.length > 0 ? sum(itl) / itl.length : NaN,
    outputTokPerS: span > 0 ? output / span : 0,
    reqPerS: span > 0 ? ok.length / span : 0,
    goodput: x.records.length > 0 ? good / x.records.length : 0,
    serverRequests,
    maxMeanRequests: maxOverMean(serverRequests),
    preemptions: sum(delta('preemptions')),
    sendLagP99: percentile(
      x.records.map((r) => r.sentMs - r.dueMs),
      0.99
    ),
    durationS: x.durationMs / 1000,
    cpu: x.cpu,
    proxyLogLines: x.proxyLogLines,
  }
}

/** TierBCell is one (workload, load point, target) over every seed it ran. */
export interface TierBCell {
  readonly workload: string
  readonly load: LoadPoint
  readonly target: TierBTarget
  /** Medians over seeds (the first seed's per-server counts and error samples). */
  readonly median: TierBRun
  readonly runs: readonly TierBRun[]
}

/** medianRun folds the seeds' runs of one cell: every number is the median over seeds. */
export function medianRun(runs: readonly TierBRun[]): TierBRun {
  const first = runs[0]
  if (!first) throw new Error('medianRun needs at least one run')
  const out: Record<string, unknown> = { ...first }
  for (const [k, v] of Object.entries(first)) {
    if (typeof v === 'number') out[k] = median(runs.map((r) => r[k as keyof TierBRun] as number))
  }
  const cpu = {} as Record<keyof CpuShare, number>
  for (const k of Object.keys(first.cpu) as (keyof CpuShare)[]) {
    cpu[k] = median(runs.map((r) => r.cpu[k]))
  }
  out.cpu = cpu
  out.errors = runs.reduce((a, r) => a + r.errors, 0)
  return out as unknown as TierBRun
}
