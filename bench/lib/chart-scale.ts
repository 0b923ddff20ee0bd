// Axis steps and bar labels shared by every chart, so their scales read alike.

/** Smallest round tick step (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) at or above `value`. */
export function niceStep(value: number): number {
  if (value <= 0) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  const factor = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((each) => each * power >= value) ?? 10
  // toPrecision drops binary noise such as 0.6000000000000001.
  return Number((factor * power).toPrecision(12))
}

/** Short axis/bar label: 41200 -> `41k`, 1500 -> `1.5k`, 0.53 -> `0.53`, 0 -> `0`. */
export function shortNumber(value: number): string {
  const trim = (text: string): string => String(Number(text))
  if (value >= 1e6) return `${trim((value / 1e6).toFixed(value >= 1e7 ? 0 : 1))}M`
  if (value >= 1e3) return `${trim((value / 1e3).toFixed(value >= 1e4 ? 0 : 1))}k`
  if (value >= 10) return value.toFixed(0)
  return trim(value.toFixed(value >= 1 ? 1 : 2))
}

/** percent labels a 0–1 share, e.g. 0.875 -> `88%`. */
export const percent = (v: number): string => `${Math.round(v * 100)}%`
