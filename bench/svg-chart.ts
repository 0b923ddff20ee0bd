import type { BenchReport } from './bench-report.ts'
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
const panelHeight = 300
const margin = { left: 72, right: 16, top: 44, bottom: 52 }

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const tickCount = 4

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

interface Bar {
  readonly value: number
  readonly color: string
  readonly opacity: number
  readonly flagged: boolean
}

/** One bar-group panel: a group per scenario, bars in target order, a shared linear axis. */
function panel(
  top: number,
  title: string,
  scenarios: readonly string[],
  barsOf: (scenario: string) => Bar[],
): string {
  const plotWidth = width - margin.left - margin.right
  const plotHeight = panelHeight - margin.top - margin.bottom
  const baseY = top + margin.top + plotHeight
  const all = scenarios.flatMap(barsOf)
  // 8% headroom keeps the tallest bar's label inside the panel.
  const step = niceStep((Math.max(0, ...all.map((bar) => bar.value)) * 1.08) / tickCount)
  const max = step * tickCount
  const y = (value: number): number => baseY - (value / max) * plotHeight
  const parts = [
    `<text x="${margin.left}" y="${top + 24}" class="title">${escapeXml(title)}</text>`,
  ]
  for (let tick = 0; tick <= tickCount; tick++) {
    const value = step * tick
    const ty = y(value).toFixed(1)
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${ty}" y2="${ty}" class="grid"/>`,
      `<text x="${margin.left - 6}" y="${ty}" dy="4" text-anchor="end">` +
        `${shortNumber(value)}</text>`,
    )
  }
  const groupWidth = plotWidth / Math.max(1, scenarios.length)
  scenarios.forEach((scenario, index) => {
    const bars = barsOf(scenario)
    // Capped so a lone scenario does not turn into slabs.
    const barWidth = Math.min(56, (groupWidth * 0.8) / Math.max(1, bars.length))
    const center = margin.left + (index + 0.5) * groupWidth
    const start = center - (barWidth * bars.length) / 2
    bars.forEach((bar, barIndex) => {
      const x = start + barIndex * barWidth
      const barTop = y(bar.value)
      const label = `${bar.flagged ? '⚠ ' : ''}${shortNumber(bar.value)}`
      parts.push(
        `<rect x="${(x + 1).toFixed(1)}" y="${barTop.toFixed(1)}" ` +
          `width="${Math.max(1, barWidth - 2).toFixed(1)}" ` +
          `height="${(baseY - barTop).toFixed(1)}" fill="${bar.color}" ` +
          `fill-opacity="${bar.opacity}"/>`,
        `<text x="${(x + barWidth / 2).toFixed(1)}" y="${(barTop - 4).toFixed(1)}" ` +
          `text-anchor="middle" class="value">${label}</text>`,
      )
    })
    parts.push(
      `<text x="${center.toFixed(1)}" y="${baseY + 20}" ` +
        `text-anchor="middle">${escapeXml(scenario)}</text>`,
    )
  })
  parts.push(
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${baseY}" y2="${baseY}" ` +
      `class="axis"/>`,
  )
  return parts.join('\n')
}

/** Errors, a crash or a noisy machine: the bar gets a ⚠ and the caption says why. */
function suspect(summary: TargetSummary): boolean {
  return (
    summary.errors > 0 ||
    summary.crashes > 0 ||
    summary.otherCpuPercent > NOISY_OTHER_CPU_PERCENT
  )
}

/**
 * Renders throughput bars and p50/p99 latency bars per scenario and target as a standalone SVG
 * (no dependencies, so the README can embed the file as is).
 */
export function svgChart(report: BenchReport): string {
  const scenarios = [...new Set(report.summaries.map((summary) => summary.scenario))]
  const find = (scenario: string, target: TargetId): TargetSummary | undefined =>
    report.summaries.find((summary) => summary.scenario === scenario && summary.target === target)
  const present = (scenario: string): TargetSummary[] =>
    report.targets.flatMap((target) => find(scenario, target.id) ?? [])
  const throughput = panel(0, 'Throughput (req/s, median; higher is better)', scenarios, (s) =>
    present(s).map((summary) => ({
      value: summary.requestsPerSecond,
      color: colors[summary.target],
      opacity: 1,
      flagged: suspect(summary),
    })),
  )
  const latency = panel(
    panelHeight,
    'Latency (ms, median of reps; solid p50, light p99; lower is better)',
    scenarios,
    (s) =>
      present(s).flatMap((summary) => [
        { value: summary.p50Ms, color: colors[summary.target], opacity: 1, flagged: false },
        {
          value: summary.p99Ms,
          color: colors[summary.target],
          opacity: 0.45,
          flagged: suspect(summary),
        },
      ]),
  )
  const legend = report.targets.map((target, index) => {
    const x = margin.left + index * 190
    return (
      `<rect x="${x}" y="${2 * panelHeight + 8}" width="12" height="12" ` +
      `fill="${colors[target.id]}"/>` +
      `<text x="${x + 18}" y="${2 * panelHeight + 18}">${escapeXml(target.label)}</text>`
    )
  })
  const height = 2 * panelHeight + 48
  const caption =
    `${report.name}: ${report.machine.nproc} × ${report.machine.cpuModel}, ` +
    `Bun ${report.machine.bun}, nginx ${report.machine.nginx}, ${report.reps} reps` +
    (report.summaries.some(suspect) ? '; ⚠ = wrk errors, a proxy crash or a noisy machine' : '')
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    '<style>.title{font-size:15px;font-weight:600}.value{font-size:10px}' +
      '.grid{stroke:#ddd}.axis{stroke:#333}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    throughput,
    latency,
    ...legend,
    `<text x="${margin.left}" y="${height - 8}" fill="#666">${escapeXml(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n')
}
