import type { BenchReport } from './bench-report.ts'
import { formatCount, formatMs, formatPercent, formatRatio } from './lib/format.ts'
import { markdownTable, numberColumn, textColumn } from './lib/markdown-table.ts'
import type { RateSummary, ScenarioRatios, SseSummary, TargetSummary } from './summary.ts'

/** The errors cell: 0, or ⚠ with the count and crashes. */
export function problems(summary: TargetSummary): string {
  const notes = [
    ...(summary.errors > 0 ? [formatCount(summary.errors)] : []),
    ...(summary.crashes > 0 ? [`crashed ${summary.crashes}×`] : []),
  ]
  return notes.length > 0 ? `⚠ ${notes.join(', ')}` : '0'
}

function label(report: BenchReport, summary: TargetSummary): string {
  return report.targets.find((target) => target.id === summary.target)?.label ?? summary.target
}

/** Busy share of the CPU the loaders are pinned to, or null when unpinned. */
function loaderCpuBusy(report: BenchReport, summary: TargetSummary): number | null {
  const cpu = report.pinning.loader
  return cpu === null ? null : (summary.cpuBusyPercent[`cpu${cpu}`] ?? null)
}

/** Above this the loader's CPU had no headroom: queueing there shows up as latency. */
export const LOADER_CPU_SATURATED_PERCENT = 90

function rateRow(report: BenchReport, summary: TargetSummary, rate: RateSummary): string[] {
  return [
    summary.scenario,
    label(report, summary),
    formatCount(rate.offeredRate),
    formatCount(rate.achievedRate),
    formatMs(summary.p50Ms),
    formatMs(summary.p90Ms),
    formatMs(summary.p99Ms),
    formatMs(summary.p999Ms),
    formatPercent(summary.proxyCpuPercent),
    formatPercent(rate.loaderCpuPercent),
    formatPercent(loaderCpuBusy(report, summary)),
    formatMs(rate.timerLagP99Ms),
    `${summary.otherCpuPercent.toFixed(0)}%`,
    problems(summary),
  ]
}

/** Constant-rate rows: offered vs achieved rate, corrected percentiles, the loader's own load. */
export function rateSection(report: BenchReport): string[] {
  const rows = report.summaries.filter((summary) => summary.rate !== null)
  if (rows.length === 0) return []
  const loaderCpu = report.pinning.loader === null ? 'loader CPU busy' : `busy cpu${report.pinning.loader}`
  const references = report.rateReferences
    .map((ref) => `${ref.scenario}: ${Math.round(ref.fraction * 100)}% of nginx's ${formatCount(ref.nginxRequestsPerSecond)} req/s on ${ref.of}${ref.probed ? ' (probed once)' : ''}`)
    .join('; ')
  const columns = [
    textColumn('scenario'),
    textColumn('target'),
    ...['offered req/s', 'achieved', 'p50', 'p90', 'p99', 'p99.9', 'proxy CPU', 'loader CPU'].map(numberColumn),
    ...[loaderCpu, 'loader lag p99', 'other CPU', 'errors'].map(numberColumn),
  ]
  const cells = rows.flatMap((summary) =>
    summary.rate ? [rateRow(report, summary, summary.rate)] : [],
  )
  const lines = [
    '',
    '### Latency at a fixed rate (rate-loader.ts)',
    '',
    'Open-loop load over keep-alive connections; latency counts from each request\'s intended ' +
      `send time (coordinated omission corrected, as wrk2). ${references}.`,
    '',
    ...markdownTable(columns, cells, 'tight'),
  ]
  const saturated = rows.some((row) => (loaderCpuBusy(report, row) ?? 0) > LOADER_CPU_SATURATED_PERCENT)
  if (saturated) {
    lines.push(
      '',
      `⚠ The loader's CPU was over ${LOADER_CPU_SATURATED_PERCENT}% busy in some rows (it shares ` +
        'it with the upstream on 2 cores): requests queued there, so those latencies overstate ' +
        'both proxies and their ratio is not meaningful.',
    )
  }
  return lines
}

function sseRow(report: BenchReport, summary: TargetSummary, sse: SseSummary): string[] {
  return [
    summary.scenario,
    label(report, summary),
    String(sse.streams),
    formatCount(summary.requestsPerSecond),
    formatMs(sse.firstEventP50Ms),
    formatMs(sse.firstEventP99Ms),
    formatMs(summary.p50Ms),
    formatMs(summary.p90Ms),
    formatMs(summary.p99Ms),
    formatMs(summary.p999Ms),
    formatPercent(summary.proxyCpuPercent),
    `${summary.otherCpuPercent.toFixed(0)}%`,
    problems(summary),
  ]
}

/** Event-stream rows: first-event latency and per-event delay through the proxy. */
export function sseSection(report: BenchReport): string[] {
  const rows = report.summaries.filter((summary) => summary.sse !== null)
  if (rows.length === 0) return []
  const columns = [
    textColumn('scenario'),
    textColumn('target'),
    ...['streams', 'events/s', 'first event p50', 'first event p99', 'event delay p50'].map(numberColumn),
    ...['p90', 'p99', 'p99.9', 'proxy CPU', 'other CPU', 'errors'].map(numberColumn),
  ]
  const cells = rows.flatMap((summary) =>
    summary.sse ? [sseRow(report, summary, summary.sse)] : [],
  )
  return [
    '',
    '### Server-sent events (sse-client.ts)',
    '',
    'First event: request start to first event. Event delay: upstream write to client read, per ' +
      'event. nginx runs with `proxy_buffering off` (Weir never buffers).',
    '',
    ...markdownTable(columns, cells, 'tight'),
  ]
}

/** Weir / nginx ratio tables, one per loader kind, since each kind has different figures. */
export function ratioSection(report: BenchReport): string[] {
  const present = (ratios: ScenarioRatios): boolean => ratios.p50 !== null
  const wrk = report.ratios.filter((ratios) => ratios.kind === 'wrk' && present(ratios))
  const rate = report.ratios.filter((ratios) => ratios.kind === 'rate' && present(ratios))
  const sse = report.ratios.filter((ratios) => ratios.kind === 'sse' && present(ratios))
  if (wrk.length + rate.length + sse.length === 0) return []
  const lines = [
    '',
    '### Weir / nginx',
    '',
    'Above 1× is better for req/s and req/proxy-CPU-s; below 1× is better for latency.',
  ]
  const ratioColumns = (first: string, titles: readonly string[]) => [
    textColumn(first),
    ...titles.map(numberColumn),
  ]
  if (wrk.length > 0) {
    const cells = wrk.map((r) => [
      r.scenario,
      ...[r.requestsPerSecond, r.p50, r.p99, r.requestsPerCpuSecond].map(formatRatio),
    ])
    const columns = ratioColumns('scenario', ['req/s', 'p50', 'p99', 'req/proxy-CPU-s'])
    lines.push('', ...markdownTable(columns, cells, 'tight'))
  }
  if (rate.length > 0) {
    const cells = rate.map((r) => [
      r.scenario,
      ...[r.p50, r.p99, r.p999, r.requestsPerCpuSecond].map(formatRatio),
    ])
    const columns = ratioColumns('fixed rate', ['p50', 'p99', 'p99.9', 'req/proxy-CPU-s'])
    lines.push('', ...markdownTable(columns, cells, 'tight'))
  }
  if (sse.length > 0) {
    const cells = sse.map((r) => [r.scenario, ...[r.firstEventP99, r.p50, r.p99].map(formatRatio)])
    const columns = ratioColumns('event stream', ['first event p99', 'event delay p50', 'event delay p99'])
    lines.push('', ...markdownTable(columns, cells, 'tight'))
  }
  return lines
}
