import type { BenchReport } from './bench-report.ts'
import { NOISY_OTHER_CPU_PERCENT } from './noise.ts'
import type { TargetSummary } from './summary.ts'

/** Thousands-separated integer, e.g. `41,250`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

/** Milliseconds with enough digits to tell sub-millisecond latencies apart. */
export function formatMs(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 1)} ms`
}

function formatRatio(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(2)}×`
}

function spread(summary: TargetSummary): string {
  if (summary.reps < 2 || summary.requestsPerSecond === 0) return '–'
  const width = summary.requestsPerSecondMax - summary.requestsPerSecondMin
  return `±${((50 * width) / summary.requestsPerSecond).toFixed(1)}%`
}

function problems(summary: TargetSummary): string {
  const notes = [
    ...(summary.errors > 0 ? [formatCount(summary.errors)] : []),
    ...(summary.crashes > 0 ? [`crashed ${summary.crashes}×`] : []),
  ]
  return notes.length > 0 ? `⚠ ${notes.join(', ')}` : '0'
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

/** Renders the report as Markdown: per-target medians, then Weir/nginx ratios. */
export function markdownReport(report: BenchReport): string {
  const labels = new Map(report.targets.map((target) => [target.id, target.label]))
  const cpus = pinnedCpus(report)
  const busyHeader = cpus.length > 0 ? ` busy ${cpus.join('/')} |` : ''
  const { machine } = report
  const longer = report.scenarioDurations ? ' (some scenarios longer)' : ''
  const duration = `${report.durationS} s${longer}`
  const lines = [
    `## Weir benchmark: ${report.scenarioSet} (${report.date})`,
    '',
    `${machine.nproc} × ${machine.cpuModel}; Bun ${machine.bun}, nginx ${machine.nginx}, ` +
      `${machine.wrk}; ${report.reps} reps × ${duration} interleaved, ` +
      `${report.warmupS} s warm-up per run; ${pinningLine(report)}. Medians over reps.`,
    '',
    `| scenario | target | req/s | spread | p50 | p90 | p99 | req/proxy-CPU-s | proxy CPU |` +
      `${busyHeader} other CPU | errors |`,
    `|---|---|--:|--:|--:|--:|--:|--:|--:|${cpus.length > 0 ? '--:|' : ''}--:|--:|`,
  ]
  for (const summary of report.summaries) {
    const busy =
      cpus.length > 0
        ? ` ${cpus.map((cpu) => (summary.cpuBusyPercent[cpu] ?? 0).toFixed(0)).join('/')} |`
        : ''
    const cpuPerSecond = summary.requestsPerCpuSecond
    lines.push(
      `| ${summary.scenario} | ${labels.get(summary.target) ?? summary.target} | ` +
        `${formatCount(summary.requestsPerSecond)} | ${spread(summary)} | ` +
        `${formatMs(summary.p50Ms)} | ${formatMs(summary.p90Ms)} | ${formatMs(summary.p99Ms)} | ` +
        `${cpuPerSecond === null ? 'n/a' : formatCount(cpuPerSecond)} | ` +
        `${summary.proxyCpuPercent === null ? 'n/a' : `${summary.proxyCpuPercent.toFixed(0)}%`} |` +
        `${busy} ${summary.otherCpuPercent.toFixed(0)}% | ${problems(summary)} |`,
    )
  }
  const withWeir = report.ratios.filter((ratios) => ratios.requestsPerSecond !== null)
  if (withWeir.length > 0) {
    lines.push(
      '',
      '### Weir / nginx',
      '',
      'Above 1× is better for req/s and req/proxy-CPU-s; below 1× is better for latency.',
      '',
      '| scenario | req/s | p50 | p99 | req/proxy-CPU-s |',
      '|---|--:|--:|--:|--:|',
    )
    for (const ratios of withWeir) {
      lines.push(
        `| ${ratios.scenario} | ${formatRatio(ratios.requestsPerSecond)} | ` +
          `${formatRatio(ratios.p50)} | ${formatRatio(ratios.p99)} | ` +
          `${formatRatio(ratios.requestsPerCpuSecond)} |`,
      )
    }
  }
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
      '⚠ marks rows where wrk counted socket errors or non-2xx/3xx responses, or the proxy died.',
    )
  }
  return `${lines.join('\n')}\n`
}
