import { markdownTable, numberColumn, textColumn } from '../lib/markdown-table.ts'
import type { TargetCheck } from './lab-targets.ts'

const COLUMNS = [textColumn('workload'), textColumn('target'), numberColumn('measured'), textColumn('met')]

/**
 * targetsTable renders the design-note targets both tiers check; `unknown` fills the met cell of
 * a target without a verdict (the lab: not shown; Tier B: for information only).
 */
export function targetsTable(targets: readonly TargetCheck[], unknown: string): string[] {
  const met = (t: TargetCheck) => (t.met === null ? unknown : t.met ? 'yes' : '**no**')
  return markdownTable(COLUMNS, targets.map((t) => [t.workload, t.target, t.value, met(t)]), 'spaced')
}
