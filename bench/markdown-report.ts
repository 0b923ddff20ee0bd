import type { BenchReport } from './bench-report.ts'
import { formatCount, formatMs, formatPercent } from './lib/format.ts'
import { markdownTable, numberColumn, textColumn } from './lib/markdown-table.ts'
import { problems, rateSection, ratioSection, sseSection } from './markdown-sections.ts'
import { NOISY_OTHER_CPU_PERCENT } from './noise.ts'
import type { TargetSummary } from './summary.ts'

function spread(summary: TargetSummary): string {
  if (summary.reps < 2 || summary.requestsPerSecond === 0) return '–'
  const width = summary.requestsPerSecondMax - summary.requestsPerSecondMin
  return `±${((50 * width) / summary.requestsPerSecond).toFixed(1)}%`
}

function pinnedCpus(report: BenchReport): string[] {
  const { proxy, upstream, loader } = report.pinning
  const ids = [proxy, upstream, loader].filter((cpu): cpu is string => cpu !== null)
  return [...new Set(ids)].map((cpu) => `cpu${cpu}`)
}

function pinningLine(report: BenchReport): string {
  const { proxy, upstream, loader } = report.pinning
  if (proxy === null) return 'unpinned (taskset missing or a single CPU)'
  return `proxy on CPU${proxy}, upstream on CPU${upstream}, wrk on CPU${loader}`
}

function megabytes(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(value >= 1 ? 1 : 2)
}

/** The closed-loop wrk table: throughput, payload rate, latency and CPU per (scenario, target). */
function wrkSection(report: BenchReport, cpus: readonly string[]): string[] {
  const rows = report.summaries.filter((summary) => summary.kind === 'wrk')
  if (rows.length === 0) return []
  const labels = new Map(report.targets.map((target) => [target.id, target.label]))
  const columns = [
    textColumn('scenario'),
    textColumn('target'),
    ...['req/s', 'spread', 'p50', 'p90', 'p99', 'MB/s', 'req/proxy-CPU-s', 'proxy CPU'].map(numberColumn),
    ...(cpus.length > 0 ? [numberColumn(`busy ${cpus.join('/')}`)] : []),
    numberColumn('other CPU'),
    numberColumn('errors'),
  ]
  const cells = rows.map((summary) => {
    const cpuPerSecond = summary.requestsPerCpuSecond
    const busy = cpus.map((cpu) => (summary.cpuBusyPercent[cpu] ?? 0).toFixed(0)).join('/')
    return [
      summary.scenario,
      labels.get(summary.target) ?? summary.target,
      formatCount(summary.requestsPerSecond),
      spread(summary),
      formatMs(summary.p50Ms),
      formatMs(summary.p90Ms),
      formatMs(summary.p99Ms),
      megabytes(summary.megabytesPerSecond),
      cpuPerSecond === null ? 'n/a' : formatCount(cpuPerSecond),
      formatPercent(summary.proxyCpuPercent),
      ...(cpus.length > 0 ? [busy] : []),
      `${summary.otherCpuPercent.toFixed(0)}%`,
      problems(summary),
    ]
  })
  return ['', ...markdownTable(columns, cells, 'tight')]
}

/** Renders the report as Markdown: per-target medians per loader kind, then Weir/nginx ratios. */
export function markdownReport(report: BenchReport): string {
  const cpus = pinnedCpus(report)
  const { machine } = report
  const longer = report.scenarioDurations ? ' (some scenarios longer)' : ''
  const duration = `${report.durationS} s${longer}`
  const tls = report.scenarios.some((scenario) => scenario.tls) ? `, ${machine.openssl} certificate` : ''
  const lines = [
    `## Weir benchmark: ${report.scenarioSet} (${report.date})`,
    '',
    `${machine.nproc} × ${machine.cpuModel}; Bun ${machine.bun}, nginx ${machine.nginx}, ` +
      `${machine.wrk}${tls}; ${report.reps} reps × ${duration} interleaved, ` +
      `${report.warmupS} s warm-up per run; ${pinningLine(report)} (the TS loaders too). ` +
      'Medians over reps.',
    ...wrkSection(report, cpus),
    ...rateSection(report),
    ...sseSection(report),
    ...ratioSection(report),
  ]
  if (report.summaries.some((summary) => summary.otherCpuPercent > NOISY_OTHER_CPU_PERCENT)) {
    lines.push(
      '',
      `⚠ Other processes or the kernel used over ${NOISY_OTHER_CPU_PERCENT}% of a core during ` +
        'some runs (other CPU column): the machine was not quiet; rerun before trusting them.',
    )
  }
  const retried = report.runs.filter((run) => run.noisyRetries > 0).length
  if (retried > 0) {
    lines.push(
      '',
      `${retried} run(s) were repeated (up to ${report.retries}×) because other load made them ` +
        'noisy; the JSON keeps the retry count per run.',
    )
  }
  if (report.summaries.some((summary) => summary.errors > 0 || summary.crashes > 0)) {
    lines.push(
      '',
      '⚠ marks rows where the loader counted socket errors, non-2xx/3xx responses or missing ' +
        'events, or the proxy died.',
    )
  }
  return `${lines.join('\n')}\n`
}
