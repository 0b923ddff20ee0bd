import type { LoadPoint } from './lab-run.ts'
import { median } from './lab-stats.ts'
import type { RunSummary } from './lab-summary.ts'

/** METRICS are the per-run numbers aggregated over seeds (median, min, max). */
export const METRICS = [
  'hitRate',
  'predictedHitRate',
  'ttftP50',
  'ttftP90',
  'ttftP99',
  'itlMean',
  'e2eP99',
  'outputTokPerS',
  'goodput',
  'maxMeanRequests',
  'maxMeanPrefill',
  'preemptions',
] as const

/** Metric is one of METRICS. */
export type Metric = (typeof METRICS)[number]

/** Spread is the median and range of one metric over seeds. */
export interface Spread {
  readonly median: number
  readonly min: number
  readonly max: number
}

/** PointResult is one (load point, policy) cell over all seeds. */
export interface PointResult {
  readonly load: LoadPoint
  readonly policy: string
  readonly metrics: Readonly<Record<Metric, Spread>>
  readonly runs: readonly RunSummary[]
}

/** loadLabel names a load point: `40 rps` or `c512` (closed loop, 512 concurrent). */
export function loadLabel(load: LoadPoint): string {
  return load.kind === 'rate' ? `${load.rps} rps` : `c${load.n}`
}

/** aggregate folds the seeds' runs of one cell into medians and ranges. */
export function aggregate(
  load: LoadPoint,
  policy: string,
  runs: readonly RunSummary[]
): PointResult {
  const metrics = {} as Record<Metric, Spread>
  for (const m of METRICS) {
    const values = runs.map((r) => r[m]).filter((v) => !Number.isNaN(v))
    metrics[m] = {
      median: median(values),
      min: values.length ? Math.min(...values) : Number.NaN,
      max: values.length ? Math.max(...values) : Number.NaN,
    }
  }
  return { load, policy, metrics, runs }
}

/** GOODPUT_FOR_CAPACITY: the design note's "capacity" is the highest rate with ≥ 95% goodput. */
export const GOODPUT_FOR_CAPACITY = 0.95

/**
 * capacity is the highest open-loop rate on the ladder at which the policy's median goodput is
 * still ≥ 95% (and at every lower rate); 0 when even the lowest rate misses.
 */
export function capacity(points: readonly PointResult[], policy: string): number {
  const rates = points
    .filter((p) => p.policy === policy && p.load.kind === 'rate')
    .sort((a, b) =>
      a.load.kind === 'rate' && b.load.kind === 'rate' ? a.load.rps - b.load.rps : 0
    )
  let best = 0
  for (const p of rates) {
    if (p.metrics.goodput.median < GOODPUT_FOR_CAPACITY || p.load.kind !== 'rate') break
    best = p.load.rps
  }
  return best
}
