import { niceStep, shortNumber } from '../svg-chart.ts'
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
const WIDTH = 960
/** PANEL is the height of one chart panel, px. */
export const PANEL = 280
const M = { left: 64, right: 16, top: 40, bottom: 48 }
/** TICKS: 4 gridlines per panel keep labels readable at 280 px. */
const TICKS = 4
/** MIN_LABEL_BAR_PX: narrower bars get no value label (it would overlap its neighbours). */
const MIN_LABEL_BAR_PX = 22

/** esc escapes text for SVG. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** One grouped-bar panel: a group per label, a bar per policy, linear axis from 0. */
export function bars(
  top: number,
  title: string,
  groups: readonly { label: string; values: Record<string, number> }[],
  policies: readonly string[],
  format: (v: number) => string,
  fixedMax?: number
): string {
  const plotW = WIDTH - M.left - M.right
  const plotH = PANEL - M.top - M.bottom
  const base = top + M.top + plotH
  const all = groups.flatMap((g) => policies.map((p) => g.values[p] ?? 0)).filter(Number.isFinite)
  // 8% headroom keeps the tallest bar's label inside the panel.
  const step =
    fixedMax !== undefined ? fixedMax / TICKS : niceStep((Math.max(0, ...all) * 1.08) / TICKS)
  const max = step * TICKS
  const out = [
    `<text x="${M.left}" y="${top + 24}" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ]
  for (let i = 0; i <= TICKS; i++) {
    const y = base - (plotH * i) / TICKS
    out.push(`<line x1="${M.left}" x2="${WIDTH - M.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`)
    out.push(
      `<text x="${M.left - 6}" y="${y + 4}" font-size="11" text-anchor="end">${esc(format(step * i))}</text>`
    )
  }
  const groupW = plotW / Math.max(1, groups.length)
  const barW = (groupW * 0.8) / Math.max(1, policies.length)
  groups.forEach((g, gi) => {
    const x0 = M.left + gi * groupW + groupW * 0.1
    policies.forEach((p, pi) => {
      const v = g.values[p]
      if (v === undefined || !Number.isFinite(v)) return
      const h = (plotH * v) / max
      const x = x0 + pi * barW
      out.push(
        `<rect x="${x.toFixed(1)}" y="${(base - h).toFixed(1)}" width="${(barW - 2).toFixed(1)}" ` +
          `height="${h.toFixed(1)}" fill="${COLORS[p] ?? '#333'}">` +
          `<title>${esc(`${g.label} ${p}: ${format(v)}`)}</title></rect>`
      )
      if (barW >= MIN_LABEL_BAR_PX) {
        out.push(
          `<text x="${(x + barW / 2 - 1).toFixed(1)}" y="${(base - h - 3).toFixed(1)}" ` +
            `font-size="9" text-anchor="middle">${esc(format(v))}</text>`
        )
      }
    })
    out.push(
      `<text x="${(x0 + groupW * 0.4).toFixed(1)}" y="${base + 18}" font-size="12" ` +
        `text-anchor="middle">${esc(g.label)}</text>`
    )
  })
  return out.join('\n')
}

/** percent formats a 0–1 share. */
export const percent = (v: number): string => `${Math.round(v * 100)}%`

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
  const panels = [
    bars(0, 'Prompt-token cache hit rate (highest load point)', hit, policies, percent, 1),
    ...(sat.length
      ? [bars(PANEL, 'Output tokens/s at saturation', sat, policies, shortNumber)]
      : []),
    ...(ladder.length
      ? [
          bars(
            PANEL * (sat.length ? 2 : 1),
            'W2 goodput (TTFT ≤ 2 s, ITL ≤ 50 ms) by offered rate',
            ladder,
            policies,
            percent,
            1
          ),
        ]
      : []),
  ]
  return svgDocument(panels, policies, title)
}

/** svgDocument stacks panels and a legend (one entry per policy) into one SVG file. */
export function svgDocument(
  panels: readonly string[],
  policies: readonly string[],
  title: string
): string {
  const height = PANEL * panels.length + 40
  const legend = policies
    .map(
      (p, i) =>
        `<rect x="${M.left + i * 145}" y="${height - 28}" width="12" height="12" ` +
        `fill="${COLORS[p] ?? '#333'}"/><text x="${M.left + i * 145 + 16}" y="${height - 18}" ` +
        `font-size="12">${esc(p)}</text>`
    )
    .join('\n')
  const size = `width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}"`
  return `<svg xmlns="http://www.w3.org/2000/svg" ${size} font-family="sans-serif">
<title>${esc(title)}</title>
<rect width="100%" height="100%" fill="white"/>
${panels.join('\n')}
${legend}
</svg>
`
}
