// Number formats shared by every report, so a figure reads the same in each suite's tables.

/** Thousands-separated integer, e.g. `41,250`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

/** Milliseconds with enough digits to tell sub-millisecond latencies apart. */
export function formatMs(value: number | null): string {
  if (value === null) return 'n/a'
  return `${value.toFixed(value < 10 ? 2 : 1)} ms`
}

export function formatRatio(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(2)}×`
}

export function formatPercent(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(0)}%`
}

/** `digits` decimals, or `–` for NaN and infinities (a metric with no samples). */
export function formatFixed(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–'
}
