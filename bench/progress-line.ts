import { formatCount, formatMs } from './lib/format.ts'
import type { RunRecord } from './run-record.ts'
import { totalErrors } from './wrk-output.ts'

/** The one line printed after each run, with the figures its loader is about. */
export function progressLine(index: number, total: number, run: RunRecord, label: string): string {
  const cpu = run.proxyCpuSeconds === null ? '' : `, proxy CPU ${run.proxyCpuSeconds.toFixed(2)} s`
  const errors = totalErrors(run.errors)
  const latency = run.latencyMs
  let figures = `${formatCount(run.requestsPerSecond)} req/s, p50 ${formatMs(latency.p50)}, p99 ${formatMs(latency.p99)}`
  if (run.rate) {
    figures =
      `${formatCount(run.rate.achievedRate)}/${formatCount(run.rate.offeredRate)} req/s, ` +
      `p50 ${formatMs(latency.p50)}, p99 ${formatMs(latency.p99)}, ` +
      `p99.9 ${formatMs(latency.p999 ?? 0)}, loader CPU ${run.rate.loaderCpuPercent.toFixed(0)}%`
  }
  if (run.sse) {
    figures =
      `${formatCount(run.requestsPerSecond)} events/s, first event p50 ${formatMs(run.sse.firstEventMs.p50)}, ` +
      `event delay p50 ${formatMs(latency.p50)} p99 ${formatMs(latency.p99)}`
  }
  return (
    `[${index}/${total}] ${run.scenario} ${label} rep ${run.rep}: ${figures}${cpu}, ` +
    `other CPU ${run.otherCpuSeconds.toFixed(2)} s` +
    `${errors > 0 ? `, ⚠ ${errors} errors` : ''}${run.proxyExited ? ', ⚠ proxy died' : ''}`
  )
}
