import { markdownTable, numberColumn, textColumn } from '../lib/markdown-table.ts'

/** TargetCheck is one numeric target of the design note §6 as a tier measured it. */
export interface TargetCheck {
  readonly workload: string
  readonly target: string
  readonly value: string
  /** null: no verdict (the lab: a workload or policy was not run; Tier B: information only). */
  readonly met: boolean | null
}

/** a / b, where a zero baseline makes any gain infinite and 0 / 0 unknown (NaN). */
export function ratio(a: number, b: number): number {
  return b > 0 ? a / b : a > 0 ? Infinity : Number.NaN
}

/** A ratio as `2.42×` (Infinity and NaN spelled out). */
export const times = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : String(v))

const COLUMNS = [
  textColumn('workload'),
  textColumn('target'),
  numberColumn('measured'),
  textColumn('met'),
]

/** targetsTable renders the checks; `unknown` fills the met cell of a check without a verdict. */
export function targetsTable(targets: readonly TargetCheck[], unknown: string): string[] {
  const met = (t: TargetCheck) => (t.met === null ? unknown : t.met ? 'yes' : '**no**')
  const rows = targets.map((t) => [t.workload, t.target, t.value, met(t)])
  return markdownTable(COLUMNS, rows, 'spaced')
}
