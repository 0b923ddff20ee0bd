import type { LoadPoint, RunOutput } from './lab-run.ts'
import { maxOverMean, percentile } from './lab-stats.ts'

/**
 * SLO_TTFT_MS is the design note's SLO for the 32B profile: a request counts toward goodput when
 * its TTFT is at most 2 s (and its mean ITL at most SLO_ITL_MS).
 */
export const SLO_TTFT_MS = 2000
/** SLO_ITL_MS is the goodput limit on a request's mean inter-token latency. */
export const SLO_ITL_MS = 50

/** RunSummary is one run's numbers, as reported (times in ms, rates per second). */
export interface RunSummary {
  readonly policy: string
  readonly load: LoadPoint
  readonly seed: number
  readonly requests: number
  readonly completed: number
  /** Σ cached prompt tokens / Σ prompt tokens over completed requests (first admission). */
  readonly hitRate: number
  /** The picker's own estimate: predicted cached blocks / prompt blocks at dispatch. */
  readonly predictedHitRate: number
  readonly ttftP50: number
  readonly ttftP90: number
  readonly ttftP99: number
  readonly itlMean: number
  readonly e2eP50: number
  readonly e2eP99: number
  /** Output tokens per second from first arrival to last finish. */
  readonly outputTokPerS: number
  /** Fraction of all requests (shed ones included) that met the SLO. */
  readonly goodput: number
  /** Share of dispatched requests per server. */
  readonly serverShare: number[]
  readonly maxMeanRequests: number
  /** max/mean over servers of prefill tokens actually computed. */
  readonly maxMeanPrefill: number
  readonly preemptions: number
  readonly shedByPriority: Record<string, number>
  readonly requestsByPriority: Record<string, number>
  readonly ttftP99ByPriority: Record<string, number>
  /** Share of each target model among requests that asked for `splitOf` (canary check). */
  readonly split: Record<string, number>
  readonly splitRequests: number
  readonly makespanS: number
}

/** summarize turns a run's records into the reported numbers. */
export function summarize(
  policy: string,
  load: LoadPoint,
  seed: number,
  out: RunOutput,
  splitOf?: string
): RunSummary {
  const done = out.records.filter((r) => !r.shed && r.finishMs >= 0)
  let prompt = 0
  let cached = 0
  let output = 0
  let good = 0
  let first = Infinity
  let last = 0
  const ttft: number[] = []
  const itl: number[] = []
  const e2e: number[] = []
  const servers = out.cluster.servers.length
  const prefill = new Array<number>(servers).fill(0)
  const byPriority = new Map<number, number[]>()
  for (const r of done) {
    prompt += r.promptTokens
    cached += r.cachedTokens
    output += r.outputTokens
    first = Math.min(first, r.arrivalMs)
    last = Math.max(last, r.finishMs)
    const t = r.firstTokenMs - r.arrivalMs
    const i = r.outputTokens > 1 ? (r.finishMs - r.firstTokenMs) / (r.outputTokens - 1) : 0
    ttft.push(t)
    itl.push(i)
    e2e.push(r.finishMs - r.arrivalMs)
    if (t <= SLO_TTFT_MS && i <= SLO_ITL_MS) good++
    prefill[r.server] = (prefill[r.server] as number) + r.promptTokens - r.cachedTokens
    const list = byPriority.get(r.req.priority) ?? []
    list.push(t)
    byPriority.set(r.req.priority, list)
  }
  const shedByPriority: Record<string, number> = {}
  const requestsByPriority: Record<string, number> = {}
  for (const r of out.records) {
    const p = String(r.req.priority)
    requestsByPriority[p] = (requestsByPriority[p] ?? 0) + 1
    if (r.shed) shedByPriority[p] = (shedByPriority[p] ?? 0) + 1
  }
  const ttftP99ByPriority: Record<string, number> = {}
  for (const [p, list] of byPriority) ttftP99ByPriority[String(p)] = percentile(list, 0.99)
  const split: Record<string, number> = {}
  const asked = out.records.filter((r) => splitOf !== undefined && r.req.requestedModel === splitOf)
  for (const r of asked) split[r.req.model] = (split[r.req.model] ?? 0) + 1 / asked.length
  const perServer = out.cluster.servers.map((s) => s.requests)
  const dispatched = perServer.reduce((a, b) => a + b, 0)
  const stats = out.picker.stats()
  const makespan = Math.max(0, last - (Number.isFinite(first) ? first : 0))
  return {
    policy,
    load,
    seed,
    requests: out.records.length,
    completed: done.length,
    hitRate: prompt > 0 ? cached / prompt : 0,
    predictedHitRate: stats.totalBlocks > 0 ? stats.predictedHitBlocks / stats.totalBlocks : 0,
    ttftP50: percentile(ttft, 0.5),
    ttftP90: percentile(ttft, 0.9),
    ttftP99: percentile(ttft, 0.99),
    itlMean: itl.length > 0 ? itl.reduce((a, b) => a + b, 0) / itl.length : Number.NaN,
    e2eP50: percentile(e2e, 0.5),
    e2eP99: percentile(e2e, 0.99),
    outputTokPerS: makespan > 0 ? (output * 1000) / makespan : 0,
    goodput: out.records.length > 0 ? good / out.records.length : 0,
    serverShare: perServer.map((n) => (dispatched > 0 ? n / dispatched : 0)),
    maxMeanRequests: maxOverMean(perServer),
    maxMeanPrefill: maxOverMean(prefill),
    preemptions: out.cluster.servers.reduce((a, s) => a + s.engine.stats.preemptions, 0),
    shedByPriority,
    requestsByPriority,
    ttftP99ByPriority,
    split,
    splitRequests: asked.length,
    makespanS: makespan / 1000,
  }
}
