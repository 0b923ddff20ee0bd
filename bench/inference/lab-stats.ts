/** percentile returns the p-quantile (0–1) of values by nearest rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))
  return sorted[rank] as number
}

/** median of values (NaN for none). */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => !Number.isNaN(v))
  if (finite.length === 0) return Number.NaN
  const sorted = [...finite].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** maxOverMean is the imbalance ratio max/mean (1 = perfectly even; NaN for none). */
export function maxOverMean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  return mean === 0 ? 1 : Math.max(...values) / mean
}
