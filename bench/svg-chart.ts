import type { BenchReport } from './bench-report.ts'
import { niceStep, shortNumber } from './lib/chart-scale.ts'
import { escapeXml } from './lib/svg-text.ts'
import { NOISY_OTHER_CPU_PERCENT } from './noise.ts'
import type { TargetSummary } from './summary.ts'
import type { TargetId } from './targets.ts'

const colors: Readonly<Record<TargetId, string>> = {
  nginx: '#4e79a7',
  'nginx-big': '#76b7b2',
  weir: '#f28e2b',
  direct: '#9c9c9c',
}

const width = 960
const labelWidth = 190
const panelGap = 40
const panelWidth = (width - labelWidth - panelGap - 16) / 2
const barHeight = 12
const rowGap = 14
const top = 64

/** Errors, a crash or a noisy machine: the bar gets a ⚠ and the caption says why. */
function suspect(summary: TargetSummary): boolean {
  return summary.errors > 0 || summary.crashes > 0 || summary.otherCpuPercent > NOISY_OTHER_CPU_PERCENT
}

/** What the throughput bar of a row counts. */
function throughputUnit(summary: TargetSummary): string {
  if (summary.kind === 'sse') return 'events/s; per-event delay'
  if (summary.kind === 'rate') return 'req/s at a fixed rate'
  return 'req/s'
}

/** A round scale end just above `max`, so bars in a row share a readable length unit. */
function scaleEnd(max: number): number {
  return niceStep((max * 1.05) / 4) * 4
}

function rect(x: number, y: number, w: number, color: string, opacity: number): string {
  return (
    `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, w).toFixed(1)}" ` +
    `height="${barHeight}" fill="${color}" fill-opacity="${opacity}"/>`
  )
}

function text(x: number, y: number, content: string, extra = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${extra}>${escapeXml(content)}</text>`
}

/**
 * One scenario row: throughput bars on the left, latency bars on the right (p50 solid over
 * p99 light, and p99.9 lighter where the loader measures it), one bar per target. Each row has
 * its own scale, because req/s of 13 B and of 8 MiB uploads differ a thousandfold.
 */
function scenarioRow(y: number, scenario: string, rows: readonly TargetSummary[]): string[] {
  const first = rows[0]
  if (!first) return []
  const rowHeight = rows.length * (barHeight + 3)
  const parts = [
    text(8, y + rowHeight / 2, scenario, ' class="scenario"'),
    text(8, y + rowHeight / 2 + 13, throughputUnit(first), ' class="unit"'),
  ]
  const leftX = labelWidth
  const rightX = labelWidth + panelWidth + panelGap
  const throughputMax = scaleEnd(Math.max(...rows.map((row) => row.requestsPerSecond)))
  const latencyMax = scaleEnd(Math.max(...rows.map((row) => row.p999Ms ?? row.p99Ms)))
  rows.forEach((row, index) => {
    const barY = y + index * (barHeight + 3)
    const color = colors[row.target]
    const w = (panelWidth - 60) * (row.requestsPerSecond / throughputMax)
    parts.push(
      rect(leftX, barY, w, color, 1),
      text(leftX + w + 4, barY + 10, `${suspect(row) ? '⚠ ' : ''}${shortNumber(row.requestsPerSecond)}`, ' class="value"'),
    )
    const scale = (ms: number): number => (panelWidth - 120) * (ms / latencyMax)
    if (row.p999Ms !== null) parts.push(rect(rightX, barY, scale(row.p999Ms), color, 0.2))
    parts.push(rect(rightX, barY, scale(row.p99Ms), color, 0.45), rect(rightX, barY, scale(row.p50Ms), color, 1))
    const tail = row.p999Ms === null ? '' : ` / ${shortNumber(row.p999Ms)}`
    const end = row.p999Ms ?? row.p99Ms
    parts.push(
      text(rightX + scale(end) + 4, barY + 10, `${shortNumber(row.p50Ms)} / ${shortNumber(row.p99Ms)}${tail} ms`, ' class="value"'),
    )
  })
  return parts
}

/**
 * Renders every scenario as a row of throughput bars beside latency bars, as a standalone SVG
 * (no dependencies, so the README can embed the file as is).
 */
export function svgChart(report: BenchReport): string {
  const scenarios = [...new Set(report.summaries.map((summary) => summary.scenario))]
  const rowsOf = (scenario: string): TargetSummary[] =>
    report.targets.flatMap(
      (target) => report.summaries.find((each) => each.scenario === scenario && each.target === target.id) ?? [],
    )
  const body: string[] = []
  let y = top
  for (const scenario of scenarios) {
    const rows = rowsOf(scenario)
    body.push(`<line x1="8" x2="${width - 8}" y1="${y - rowGap / 2}" y2="${y - rowGap / 2}" class="grid"/>`)
    body.push(...scenarioRow(y, scenario, rows))
    y += rows.length * (barHeight + 3) + rowGap + 6
  }
  const legend = report.targets.map((target, index) => {
    const x = labelWidth + index * 170
    return (
      `<rect x="${x}" y="${y + 4}" width="12" height="12" fill="${colors[target.id]}"/>` +
      text(x + 18, y + 14, target.label)
    )
  })
  const height = y + 44
  const caption =
    `${report.name}: ${report.machine.nproc} × ${report.machine.cpuModel}, ` +
    `Bun ${report.machine.bun}, nginx ${report.machine.nginx}, ${report.reps} reps; each row has its own scale` +
    (report.summaries.some(suspect) ? '; ⚠ = errors, a proxy crash or a noisy machine' : '')
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    '<style>.title{font-size:15px;font-weight:600}.value{font-size:10px}.unit{font-size:10px;fill:#666}' +
      '.scenario{font-weight:600}.grid{stroke:#ddd}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    text(labelWidth, 24, 'Throughput (median; higher is better)', ' class="title"'),
    text(labelWidth + panelWidth + panelGap, 24, 'Latency (ms; lower is better)', ' class="title"'),
    text(
      labelWidth + panelWidth + panelGap,
      42,
      'p50 solid, p99 light, p99.9 lightest where measured',
      ' class="unit"',
    ),
    ...body,
    ...legend,
    text(8, height - 8, caption, ' fill="#666"'),
    '</svg>',
    '',
  ].join('\n')
}
