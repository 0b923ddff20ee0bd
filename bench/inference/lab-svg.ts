import { type BarPanel, barChart } from '../lib/bar-chart.ts'
import { percent, shortNumber } from '../lib/chart-scale.ts'
import type { PointResult } from './lab-aggregate.ts'
import type { WorkloadResult } from './tier-a.ts'

/** COLORS by lab policy and by Tier B target (Weir's pickers share the lab's hues). */
export const COLORS: Readonly<Record<string, string>> = {
  'round-robin': '#4e79a7',
  random: '#9c9c9c',
  'least-request': '#76b7b2',
  'prefix-cache': '#f28e2b',
  oracle: '#59a14f',
  'weir-round-robin': '#4e79a7',
  'weir-random': '#9c9c9c',
  'weir-least-request': '#76b7b2',
  'weir-prefix-cache': '#f28e2b',
  'nginx-round-robin': '#e15759',
  'nginx-least-conn': '#b07aa1',
}

function valuesAt(
  points: readonly PointResult[],
  pick: (p: PointResult) => boolean,
  metric: 'hitRate' | 'outputTokPerS' | 'goodput'
): Record<string, number> {
  const values: Record<string, number> = {}
  for (const p of points.filter(pick)) values[p.policy] = p.metrics[metric].median
  return values
}

/**
 * labSvg draws the lab's three headline views as a hand-written SVG: prefix-cache hit rate per
 * workload (its highest load point), output tok/s at saturation, and W2 goodput along the ladder.
 */
export function labSvg(workloads: readonly WorkloadResult[], title: string): string {
  const policies = [...new Set(workloads.flatMap((w) => w.points.map((p) => p.policy)))]
  const last = (w: WorkloadResult) => w.points[w.points.length - 1]?.load
  const hit = workloads.map((w) => ({
    label: w.id.toUpperCase(),
    values: valuesAt(w.points, (p) => p.load === last(w), 'hitRate'),
  }))
  const sat = workloads
    .filter((w) => w.points.some((p) => p.load.kind === 'concurrency'))
    .map((w) => ({
      label: `${w.id.toUpperCase()} saturated`,
      values: valuesAt(w.points, (p) => p.load.kind === 'concurrency', 'outputTokPerS'),
    }))
  const w2 = workloads.find((w) => w.id === 'w2')
  const ladder = w2
    ? [
        ...new Set(
          w2.points
            .filter((p) => p.load.kind === 'rate')
            .map((p) => (p.load.kind === 'rate' ? p.load.rps : 0))
        ),
      ].map((rps) => ({
        label: `${rps} rps`,
        values: valuesAt(w2.points, (p) => p.load.kind === 'rate' && p.load.rps === rps, 'goodput'),
      }))
    : []
  const panels: BarPanel[] = [
    {
      title: 'Prompt-token cache hit rate (highest load point)',
      groups: hit,
      format: percent,
      max: 1,
    },
    ...(sat.length
      ? [{ title: 'Output tokens/s at saturation', groups: sat, format: shortNumber }]
      : []),
    ...(ladder.length
      ? [
          {
            title: 'W2 goodput (TTFT ≤ 2 s, ITL ≤ 50 ms) by offered rate',
            groups: ladder,
            format: percent,
            max: 1,
          },
        ]
      : []),
  ]
  return barChart(panels, policies, COLORS, title)
}
