import { build, type Histogram } from 'hdr-histogram-js'

/** Percentiles of a latency distribution in milliseconds, as the loaders report them. */
export interface LatencySummary {
  readonly count: number
  readonly p50: number
  readonly p75: number
  readonly p90: number
  readonly p99: number
  readonly p999: number
  readonly max: number
  readonly mean: number
}

/**
 * A histogram of microseconds, 3 significant digits, up to 10 minutes: wide enough for a stalled
 * proxy, fine enough for sub-millisecond loopback latency.
 */
export function microsHistogram(): Histogram {
  return build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  })
}

/** Records a duration given in milliseconds; negatives (clock skew between processes) count as 0. */
export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.min(600_000_000, Math.max(0, Math.round(ms * 1000))))
}

/** The histogram's percentiles in milliseconds (all zero when empty). */
export function summarizeHistogram(histogram: Histogram): LatencySummary {
  const ms = (micros: number): number => Math.round(micros) / 1000
  return {
    count: histogram.totalCount,
    p50: ms(histogram.getValueAtPercentile(50)),
    p75: ms(histogram.getValueAtPercentile(75)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
    mean: histogram.totalCount === 0 ? 0 : ms(histogram.mean),
  }
}
