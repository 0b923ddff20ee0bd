import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BenchReport } from './bench-report.ts'
import { markdownReport } from './markdown-report.ts'
import { localDate } from './lib/result-files.ts'
import { resultStem, writeResultFiles } from './results-files.ts'
import type { RunRecord } from './run-record.ts'
import { bodyScenario } from './scenarios.ts'
import { summarize, weirVsNginx } from './summary.ts'
import { niceStep, shortNumber } from './lib/chart-scale.ts'
import { svgChart } from './svg-chart.ts'
import type { TargetId } from './targets.ts'

const out = mkdtempSync(join(tmpdir(), 'weir-bench-report-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

function run(target: TargetId, rps: number, errors: number): RunRecord {
  return {
    scenario: 'body-13b-c64',
    target,
    rep: 1,
    durationS: 5,
    proxyCommand: ['nginx'],
    kind: 'wrk',
    loadCommand: ['wrk', '-t1', '-c64', '-d5s', '--latency', 'http://127.0.0.1:18080/13b'],
    requests: rps * 5,
    payloadBytes: 13,
    requestsPerSecond: rps,
    latencyMs: { avg: 1, max: 9, p50: 1.25, p75: 1.5, p90: 1.75, p99: 3.5 },
    errors: { connect: 0, read: errors, write: 0, timeout: 0, status: 0 },
    proxyCpuSeconds: 5,
    requestsPerCpuSecond: rps,
    proxyExited: false,
    otherCpuSeconds: errors > 0 ? 2.5 : 0.25,
    noisyRetries: 0,
    cpuBusyPercent: { cpu0: 99, cpu1: 87 },
  }
}

function report(runs: RunRecord[]): BenchReport {
  const summaries = summarize(runs)
  return {
    name: '2025-01-31-core',
    date: '2025-01-31',
    scenarioSet: 'core',
    reps: 1,
    retries: 2,
    durationS: 5,
    scenarioDurations: false,
    warmupS: 1,
    machine: {
      nproc: 2,
      cpuModel: 'Test CPU',
      kernel: '6.1',
      bun: '1.4.5',
      nginx: '1.22.1',
      wrk: 'wrk 4.1.0',
      openssl: 'OpenSSL 3.0.19 27 Jan 2026',
      gitCommit: 'unknown',
      gitDirty: null,
    },
    pinning: { proxy: '0', upstream: '1', loader: '1' },
    scenarios: [bodyScenario('13b', 64)],
    targets: [
      { id: 'nginx', label: 'nginx' },
      { id: 'weir', label: 'weir' },
    ],
    commands: [],
    rateReferences: [],
    runs,
    summaries,
    ratios: weirVsNginx(summaries),
  }
}

test('markdown has a row per target, CPU busy columns, ratios and flagged errors', () => {
  const text = markdownReport(report([run('nginx', 40000, 0), run('weir', 30000, 7)]))
  expect(text).toContain('| body-13b-c64 | nginx | 40,000 | – | 1.25 ms | 1.75 ms | 3.50 ms |')
  expect(text).toContain('| 99/87 | 5% | 0 |')
  expect(text).toContain('| 99/87 | 50% | ⚠ 7 |')
  expect(text).toContain('the machine was not quiet')
  expect(text).toContain('| body-13b-c64 | 0.75× | 1.00× | 1.00× | 0.75× |')
  expect(text).toContain('proxy on CPU0, upstream on CPU1, wrk on CPU1')
})

test('writes json, md and svg; the json round-trips and the svg has one bar per figure', () => {
  const files = writeResultFiles(report([run('nginx', 40000, 0), run('weir', 30000, 0)]), out)
  expect(files.map((file) => file.slice(out.length + 1))).toEqual([
    '2025-01-31-core.json',
    '2025-01-31-core.md',
    '2025-01-31-core.svg',
  ])
  const json = JSON.parse(readFileSync(files[0] ?? '', 'utf8')) as BenchReport
  expect(json.summaries[1]?.requestsPerSecond).toBe(30000)
  const svg = readFileSync(files[2] ?? '', 'utf8')
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
  // 2 throughput + 4 latency bars + 2 legend swatches + 1 background.
  expect(svg.match(/<rect /g)?.length).toBe(9)
  expect(svg).toContain('>40k<')
})

test('result names keep partial runs apart from the full one', () => {
  const full = ['nginx', 'nginx-big', 'weir']
  expect(resultStem('core', null, full, full)).toBe('core')
  expect(resultStem('core', '13b', ['nginx', 'nginx-big'], full)).toBe(
    'core-only-13b-nginx-nginx-big',
  )
  expect(localDate(new Date(2025, 0, 5))).toBe('2025-01-05')
})

test('axis steps are round and labels short', () => {
  expect(niceStep(20_300)).toBe(25_000)
  expect(niceStep(0.595)).toBe(0.6)
  expect(shortNumber(0)).toBe('0')
  expect(shortNumber(41_200)).toBe('41k')
  expect(shortNumber(1500)).toBe('1.5k')
  expect(shortNumber(0.53)).toBe('0.53')
})

test('rate and SSE runs get their own tables, ratio tables and chart rows', () => {
  const rateRun = (target: TargetId, p99: number, busy: number): RunRecord => ({
    ...run(target, 29_000, 0),
    scenario: 'rate60-13b-c64',
    kind: 'rate',
    latencyMs: { avg: 1, max: 20, p50: 0.5, p75: 0.7, p90: 1, p99, p999: p99 * 2 },
    rate: { offeredRate: 29_100, achievedRate: 29_000, scheduled: 145_500, loaderCpuPercent: 55, timerLagP99Ms: 0.4 },
    cpuBusyPercent: { cpu0: 70, cpu1: busy },
  })
  const sseRun = (target: TargetId, p99: number): RunRecord => ({
    ...run(target, 1280, 0),
    scenario: 'sse-c64',
    kind: 'sse',
    latencyMs: { avg: 0.1, max: 3, p50: 0.1, p75: 0.12, p90: 0.2, p99, p999: 2 },
    sse: { streams: 64, eventsExpected: 6400, firstEventMs: { p50: 0.3, p99: 2, max: 3 }, scheduleLagP99Ms: 1, loaderCpuPercent: 7 },
  })
  const base = report([rateRun('nginx', 2, 80), rateRun('weir', 3, 95), sseRun('nginx', 0.5), sseRun('weir', 0.7)])
  const withRefs: BenchReport = {
    ...base,
    rateReferences: [
      { scenario: 'rate60-13b-c64', of: 'body-13b-c64', fraction: 0.6, nginxRequestsPerSecond: 48_500, offeredRate: 29_100, probed: false },
    ],
  }
  const text = markdownReport(withRefs)
  expect(text).toContain('### Latency at a fixed rate (rate-loader.ts)')
  expect(text).toContain('60% of nginx\'s 48,500 req/s on body-13b-c64')
  expect(text).toContain('| rate60-13b-c64 | nginx | 29,100 | 29,000 | 0.50 ms | 1.00 ms | 2.00 ms | 4.00 ms | 100% | 55% | 80% | 0.40 ms |')
  expect(text).toContain('loader\'s CPU was over 90% busy')
  expect(text).toContain('| rate60-13b-c64 | 1.00× | 1.50× | 1.50× | 1.00× |')
  expect(text).not.toContain('\n\n\n')
  expect(text).toContain('### Server-sent events (sse-client.ts)')
  expect(text).toContain('| sse-c64 | weir | 64 | 1,280 | 0.30 ms | 2.00 ms | 0.10 ms | 0.20 ms | 0.70 ms | 2.00 ms |')
  expect(text).toContain('| sse-c64 | 1.00× | 1.00× | 1.40× |')
  // No wrk rows, so no wrk table.
  expect(text).not.toContain('| req/proxy-CPU-s | proxy CPU |')
  const svg = svgChart(withRefs)
  expect(svg).toContain('>rate60-13b-c64<')
  expect(svg).toContain('>req/s at a fixed rate<')
  expect(svg).toContain('>events/s; per-event delay<')
  expect(svg).toContain('0.5 / 2 / 4 ms')
})
