import { ratio, type TargetCheck, times } from './target-checks.ts'
import type { TierBCell, TierBRun } from './tier-b-summary.ts'
import type { TierBTarget } from './tier-b-targets.ts'

type Metric = 'hitRate' | 'outputTokPerS' | 'ttftP99' | 'ttftP90' | 'ttftP50'

const PC: TierBTarget = 'weir-prefix-cache'
const NGINX_RR: TierBTarget = 'nginx-round-robin'

function check(
  workload: string,
  target: string,
  value: number,
  goal: ((v: number) => boolean) | null,
  format: (v: number) => string = times
): TargetCheck {
  return {
    workload,
    target,
    value: Number.isNaN(value) ? 'not run' : format(value),
    met: goal === null || Number.isNaN(value) ? null : goal(value),
  }
}

/** Cells of one workload by target and load kind. */
function view(cells: readonly TierBCell[], workload: string) {
  const of = (t: TierBTarget, kind?: 'rate' | 'concurrency'): TierBRun[] =>
    cells
      .filter((c) => c.workload === workload && c.target === t)
      .filter((c) => kind === undefined || c.load.kind === kind)
      .map((c) => c.median)
  const mean = (t: TierBTarget, m: Metric): number => {
    const v = of(t).map((r) => r[m])
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN
  }
  const saturated = (t: TierBTarget, m: Metric): number => of(t, 'concurrency')[0]?.[m] ?? NaN
  /** The metric at the highest open-loop rate (the last one on the ladder). */
  const top = (t: TierBTarget, m: Metric): number => of(t, 'rate').at(-1)?.[m] ?? NaN
  return { mean, saturated, top }
}

/**
 * tierBTargets computes the ratios the issue and the design note (§6, Tier B) set: Weir's
 * prefix-cache picker against nginx round-robin and least_conn, and against Weir's own
 * least-request on the control workload where affinity must cost nothing. `ideal` (hit rate
 * per workload id) adds the ceiling of the hit-rate ratio: what a perfect picker would reach.
 */
export function tierBTargets(
  cells: readonly TierBCell[],
  ideal: Readonly<Record<string, number>> = {}
): TargetCheck[] {
  const out: TargetCheck[] = []
  const w2 = view(cells, 'w2')
  out.push(
    check(
      'W2',
      'hit rate ≥ 3.5× nginx round-robin (mean over load points)',
      ratio(w2.mean(PC, 'hitRate'), w2.mean(NGINX_RR, 'hitRate')),
      (v) => v >= 3.5
    ),
    check(
      'W2',
      'ceiling of that ratio: ideal hit rate / nginx round-robin',
      ratio(ideal.w2 ?? NaN, w2.mean(NGINX_RR, 'hitRate')),
      null
    ),
    check(
      'W2',
      'prefix-cache hit rate / ideal',
      ratio(w2.mean(PC, 'hitRate'), ideal.w2 ?? NaN),
      null
    ),
    check(
      'W2',
      'output tok/s at saturation ≥ 1.8× nginx round-robin',
      ratio(w2.saturated(PC, 'outputTokPerS'), w2.saturated(NGINX_RR, 'outputTokPerS')),
      (v) => v >= 1.8
    ),
    check(
      'W2',
      'output tok/s at saturation ≥ 1.5× nginx least_conn (design §6)',
      ratio(
        w2.saturated(PC, 'outputTokPerS'),
        w2.saturated('nginx-least-conn', 'outputTokPerS')
      ),
      (v) => v >= 1.5
    ),
    check(
      'W2',
      'TTFT p99 vs nginx round-robin, highest rate (lower is better)',
      ratio(w2.top(PC, 'ttftP99'), w2.top(NGINX_RR, 'ttftP99')),
      null
    ),
    check(
      'W2',
      'TTFT p90 ≤ 0.1× nginx round-robin at the highest rate (design §6)',
      ratio(w2.top(PC, 'ttftP90'), w2.top(NGINX_RR, 'ttftP90')),
      (v) => v <= 0.1
    )
  )
  const w3 = view(cells, 'w3')
  out.push(
    check(
      'W3',
      'hit rate vs nginx round-robin',
      ratio(w3.mean(PC, 'hitRate'), w3.mean(NGINX_RR, 'hitRate')),
      null
    ),
    check(
      'W3',
      'TTFT p99 ≤ 0.5× Weir least-request (design §6, Tier A target)',
      ratio(w3.top(PC, 'ttftP99'), w3.top('weir-least-request', 'ttftP99')),
      (v) => v <= 0.5
    )
  )
  const w5 = view(cells, 'w5')
  const within = (v: number) => v >= 0.95 && v <= 1.05
  out.push(
    check(
      'W5',
      'output tok/s at saturation within ±5% of Weir least-request',
      ratio(w5.saturated(PC, 'outputTokPerS'), w5.saturated('weir-least-request', 'outputTokPerS')),
      within
    ),
    check(
      'W5',
      'TTFT p99 within ±5% of Weir least-request (open-loop rate)',
      ratio(w5.top(PC, 'ttftP99'), w5.top('weir-least-request', 'ttftP99')),
      within
    ),
    check(
      'W5',
      'TTFT p99 no worse than Weir least-request +5% (open-loop rate)',
      ratio(w5.top(PC, 'ttftP99'), w5.top('weir-least-request', 'ttftP99')),
      (v) => v <= 1.05
    ),
    check(
      'W5',
      'output tok/s at saturation within ±5% of nginx least_conn (design §6)',
      ratio(w5.saturated(PC, 'outputTokPerS'), w5.saturated('nginx-least-conn', 'outputTokPerS')),
      within
    ),
    check(
      'W5',
      'proxy overhead: Weir round-robin TTFT p50 − nginx round-robin (open-loop rate)',
      w5.top('weir-round-robin', 'ttftP50') - w5.top(NGINX_RR, 'ttftP50'),
      null,
      (v) => `${v >= 0 ? '+' : ''}${v.toFixed(1)} ms`
    )
  )
  return out
}
