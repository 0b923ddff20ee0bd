import { niceStep } from './chart-scale.ts'
import { escapeXml } from './svg-text.ts'

/** BarGroup is one label on the x axis with a bar value per series (policy, proxy…). */
export interface BarGroup {
  readonly label: string
  readonly values: Record<string, number>
}

/** BarPanel is one chart of grouped bars, linear axis from 0 to `max` (else a round step above). */
export interface BarPanel {
  readonly title: string
  readonly groups: readonly BarGroup[]
  readonly format: (v: number) => string
  readonly max?: number
}

/** Series colours, and the fallback for a series without one. */
export type SeriesColors = Readonly<Record<string, string>>
const NO_COLOR = '#333'

const WIDTH = 960
/** PANEL is the height of one chart panel, px. */
const PANEL = 280
const M = { left: 64, right: 16, top: 40, bottom: 48 }
/** TICKS: 4 gridlines per panel keep labels readable at 280 px. */
const TICKS = 4
/** MIN_LABEL_BAR_PX: narrower bars get no value label (it would overlap its neighbours). */
const MIN_LABEL_BAR_PX = 22

/** One grouped-bar panel: a group per label, a bar per series, linear axis from 0. */
function panelSvg(
  top: number,
  panel: BarPanel,
  series: readonly string[],
  colors: SeriesColors
): string {
  const { title, groups, format } = panel
  const plotW = WIDTH - M.left - M.right
  const plotH = PANEL - M.top - M.bottom
  const base = top + M.top + plotH
  const all = groups.flatMap((g) => series.map((p) => g.values[p] ?? 0)).filter(Number.isFinite)
  // 8% headroom keeps the tallest bar's label inside the panel.
  const step =
    panel.max !== undefined ? panel.max / TICKS : niceStep((Math.max(0, ...all) * 1.08) / TICKS)
  const max = step * TICKS
  const out = [
    `<text x="${M.left}" y="${top + 24}" font-size="15" font-weight="bold">` +
      `${escapeXml(title)}</text>`,
  ]
  for (let i = 0; i <= TICKS; i++) {
    const y = base - (plotH * i) / TICKS
    out.push(`<line x1="${M.left}" x2="${WIDTH - M.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`)
    out.push(
      `<text x="${M.left - 6}" y="${y + 4}" font-size="11" text-anchor="end">` +
        `${escapeXml(format(step * i))}</text>`
    )
  }
  const groupW = plotW / Math.max(1, groups.length)
  const barW = (groupW * 0.8) / Math.max(1, series.length)
  groups.forEach((g, gi) => {
    const x0 = M.left + gi * groupW + groupW * 0.1
    series.forEach((p, pi) => {
      const v = g.values[p]
      if (v === undefined || !Number.isFinite(v)) return
      const h = (plotH * v) / max
      const x = x0 + pi * barW
      out.push(
        `<rect x="${x.toFixed(1)}" y="${(base - h).toFixed(1)}" width="${(barW - 2).toFixed(1)}" ` +
          `height="${h.toFixed(1)}" fill="${colors[p] ?? NO_COLOR}">` +
          `<title>${escapeXml(`${g.label} ${p}: ${format(v)}`)}</title></rect>`
      )
      if (barW >= MIN_LABEL_BAR_PX) {
        out.push(
          `<text x="${(x + barW / 2 - 1).toFixed(1)}" y="${(base - h - 3).toFixed(1)}" ` +
            `font-size="9" text-anchor="middle">${escapeXml(format(v))}</text>`
        )
      }
    })
    out.push(
      `<text x="${(x0 + groupW * 0.4).toFixed(1)}" y="${base + 18}" font-size="12" ` +
        `text-anchor="middle">${escapeXml(g.label)}</text>`
    )
  })
  return out.join('\n')
}

/**
 * barChart stacks the panels top to bottom with one legend entry per series, as a standalone SVG
 * file (hand-written, no dependencies).
 */
export function barChart(
  panels: readonly BarPanel[],
  series: readonly string[],
  colors: SeriesColors,
  title: string
): string {
  const height = PANEL * panels.length + 40
  const legend = series
    .map(
      (p, i) =>
        `<rect x="${M.left + i * 145}" y="${height - 28}" width="12" height="12" ` +
        `fill="${colors[p] ?? NO_COLOR}"/><text x="${M.left + i * 145 + 16}" y="${height - 18}" ` +
        `font-size="12">${escapeXml(p)}</text>`
    )
    .join('\n')
  const size = `width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}"`
  const body = panels.map((panel, i) => panelSvg(PANEL * i, panel, series, colors))
  return `<svg xmlns="http://www.w3.org/2000/svg" ${size} font-family="sans-serif">
<title>${escapeXml(title)}</title>
<rect width="100%" height="100%" fill="white"/>
${body.join('\n')}
${legend}
</svg>
`
}
