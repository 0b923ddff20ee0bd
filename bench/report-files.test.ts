import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BenchReport } from './bench-report.ts'
import { markdownReport } from './markdown-report.ts'
import { localDate, resultStem, writeResultFiles } from './results-files.ts'
import type { RunRecord } from './run-record.ts'
import { bodyScenario } from './scenarios.ts'
import { summarize, weirVsNginx } from './summary.ts'
import { niceStep, shortNumber } from './svg-chart.ts'
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
    wrkCommand: ['wrk', '-t1', '-c64', '-d5s', '--latency', 'http://127.0.0.1:18080/13b'],
    requests: rps * 5,
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
