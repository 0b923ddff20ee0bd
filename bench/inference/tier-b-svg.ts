import { type BarGroup, type BarPanel, barChart } from '../lib/bar-chart.ts'
import { percent, shortNumber } from '../lib/chart-scale.ts'
import { loadLabel } from './lab-aggregate.ts'
import { COLORS } from './lab-svg.ts'
import type { TierBCell, TierBRun } from './tier-b-summary.ts'

function groups(
  cells: readonly TierBCell[],
  pick: (c: TierBCell) => boolean,
  label: (c: TierBCell) => string,
  metric: (r: TierBRun) => number
): BarGroup[] {
  const out = new Map<string, Record<string, number>>()
  for (const c of cells.filter(pick)) {
    const values = out.get(label(c)) ?? {}
    values[c.target] = metric(c.median)
    out.set(label(c), values)
  }
  return [...out].map(([l, values]) => ({ label: l, values }))
}

/**
 * tierBSvg draws Tier B's headline views in the lab's style: hit rate per workload at its
 * highest open-loop rate, output tok/s at saturation, and TTFT p99 at every point.
 */
export function tierBSvg(cells: readonly TierBCell[], title: string): string {
  const targets = [...new Set(cells.map((c) => c.target))]
  const lastRate = new Map<string, number>()
  for (const c of cells) {
    if (c.load.kind === 'rate') {
      lastRate.set(c.workload, Math.max(lastRate.get(c.workload) ?? 0, c.load.rps))
    }
  }
  const upper = (c: TierBCell) => c.workload.toUpperCase()
  const hit = groups(
    cells,
    (c) => c.load.kind === 'rate' && c.load.rps === lastRate.get(c.workload),
    (c) => `${upper(c)} ${loadLabel(c.load)}`,
    (r) => r.hitRate
  )
  const sat = groups(
    cells,
    (c) => c.load.kind === 'concurrency',
    (c) => `${upper(c)} ${loadLabel(c.load)}`,
    (r) => r.outputTokPerS
  )
  const ttft = groups(
    cells,
    () => true,
    (c) => `${upper(c)} ${loadLabel(c.load)}`,
    (r) => r.ttftP99
  )
  const panels: BarPanel[] = [
    {
      title: 'Prompt-token cache hit rate (highest open-loop rate)',
      groups: hit,
      format: percent,
      max: 1,
    },
    {
      title: 'Output tokens/s at saturation (closed loop, cN = N in flight)',
      groups: sat,
      format: shortNumber,
    },
    { title: 'TTFT p99, ms (lower is better)', groups: ttft, format: shortNumber },
  ]
  return barChart(panels.filter((p) => p.groups.length > 0), targets, COLORS, title)
}
