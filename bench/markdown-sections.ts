import type { BenchReport } from './bench-report.ts'
import type { ScenarioRatios, TargetSummary } from './summary.ts'

/** Thousands-separated integer, e.g. `41,250`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

/** Milliseconds with enough digits to tell sub-millisecond latencies apart. */
export function formatMs(value: number | null): string {
  if (value === null) return 'n/a'
  return `${value.toFixed(value < 10 ? 2 : 1)} ms`
}

export function formatRatio(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(2)}×`
}

export function formatPercent(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(0)}%`
}

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

/** Constant-rate rows: offered vs achieved rate, corrected percentiles, the loader's own load. */
export function rateSection(report: BenchReport): string[] {
  const rows = report.summaries.filter((summary) => summary.rate !== null)
  if (rows.length === 0) return []
  const loaderCpu = report.pinning.loader === null ? 'loader CPU busy' : `busy cpu${report.pinning.loader}`
  const references = report.rateReferences
    .map((ref) => `${ref.scenario}: ${Math.round(ref.fraction * 100)}% of nginx's ${formatCount(ref.nginxRequestsPerSecond)} req/s on ${ref.of}${ref.probed ? ' (probed once)' : ''}`)
    .join('; ')
  const lines = [
    '',
    '### Latency at a fixed rate (rate-loader.ts)',
    '',
    'Open-loop load over keep-alive connections; latency counts from each request\'s intended ' +
      `send time (coordinated omission corrected, as wrk2). ${references}.`,
    '',
    `| scenario | target | offered req/s | achieved | p50 | p90 | p99 | p99.9 | proxy CPU | loader CPU | ${loaderCpu} | loader lag p99 | other CPU | errors |`,
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ]
  for (const summary of rows) {
    const rate = summary.rate
    if (!rate) continue
    lines.push(
      `| ${summary.scenario} | ${label(report, summary)} | ${formatCount(rate.offeredRate)} | ` +
        `${formatCount(rate.achievedRate)} | ${formatMs(summary.p50Ms)} | ${formatMs(summary.p90Ms)} | ` +
        `${formatMs(summary.p99Ms)} | ${formatMs(summary.p999Ms)} | ${formatPercent(summary.proxyCpuPercent)} | ` +
        `${formatPercent(rate.loaderCpuPercent)} | ${formatPercent(loaderCpuBusy(report, summary))} | ` +
        `${formatMs(rate.timerLagP99Ms)} | ${summary.otherCpuPercent.toFixed(0)}% | ${problems(summary)} |`,
    )
  }
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

/** Event-stream rows: first-event latency and per-event delay through the proxy. */
export function sseSection(report: BenchReport): string[] {
  const rows = report.summaries.filter((summary) => summary.sse !== null)
  if (rows.length === 0) return []
  const lines = [
    '',
    '### Server-sent events (sse-client.ts)',
    '',
    'First event: request start to first event. Event delay: upstream write to client read, per ' +
      'event. nginx runs with `proxy_buffering off` (Weir never buffers).',
    '',
    '| scenario | target | streams | events/s | first event p50 | first event p99 | event delay p50 | p90 | p99 | p99.9 | proxy CPU | other CPU | errors |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ]
  for (const summary of rows) {
    const sse = summary.sse
    if (!sse) continue
    lines.push(
      `| ${summary.scenario} | ${label(report, summary)} | ${sse.streams} | ` +
        `${formatCount(summary.requestsPerSecond)} | ${formatMs(sse.firstEventP50Ms)} | ` +
        `${formatMs(sse.firstEventP99Ms)} | ${formatMs(summary.p50Ms)} | ${formatMs(summary.p90Ms)} | ` +
        `${formatMs(summary.p99Ms)} | ${formatMs(summary.p999Ms)} | ` +
        `${formatPercent(summary.proxyCpuPercent)} | ${summary.otherCpuPercent.toFixed(0)}% | ` +
        `${problems(summary)} |`,
    )
  }
  return lines
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
  if (wrk.length > 0) {
    lines.push('', '| scenario | req/s | p50 | p99 | req/proxy-CPU-s |', '|---|--:|--:|--:|--:|')
    for (const r of wrk) {
      lines.push(
        `| ${r.scenario} | ${formatRatio(r.requestsPerSecond)} | ${formatRatio(r.p50)} | ` +
          `${formatRatio(r.p99)} | ${formatRatio(r.requestsPerCpuSecond)} |`,
      )
    }
  }
  if (rate.length > 0) {
    lines.push('', '| fixed rate | p50 | p99 | p99.9 | req/proxy-CPU-s |', '|---|--:|--:|--:|--:|')
    for (const r of rate) {
      lines.push(
        `| ${r.scenario} | ${formatRatio(r.p50)} | ${formatRatio(r.p99)} | ${formatRatio(r.p999)} | ` +
          `${formatRatio(r.requestsPerCpuSecond)} |`,
      )
    }
  }
  if (sse.length > 0) {
    lines.push('', '| event stream | first event p99 | event delay p50 | event delay p99 |', '|---|--:|--:|--:|')
    for (const r of sse) {
      lines.push(
        `| ${r.scenario} | ${formatRatio(r.firstEventP99)} | ${formatRatio(r.p50)} | ${formatRatio(r.p99)} |`,
      )
    }
  }
  return lines
}
