import { describe, expect, test } from 'bun:test'
import type { RunRecord } from './run-record.ts'
import { median, summarize, weirVsNginx } from './summary.ts'
import type { TargetId } from './targets.ts'

function run(
  target: TargetId,
  rep: number,
  rps: number,
  p99: number,
  cpu: number | null,
): RunRecord {
  return {
    scenario: 'body-13b-c64',
    target,
    rep,
    durationS: 5,
    proxyCommand: null,
    kind: 'wrk',
    loadCommand: ['wrk'],
    requests: rps * 5,
    payloadBytes: 13,
    requestsPerSecond: rps,
    latencyMs: { avg: 1, max: 9, p50: p99 / 2, p75: 1, p90: 1, p99 },
    errors: { connect: 0, read: 0, write: 0, timeout: 0, status: rep === 2 ? 4 : 0 },
    proxyCpuSeconds: cpu,
    requestsPerCpuSecond: cpu === null ? null : (rps * 5) / cpu,
    proxyExited: false,
    otherCpuSeconds: rep / 10,
    noisyRetries: 0,
    cpuBusyPercent: { cpu0: 90 + rep, cpu1: 100 },
  }
}

describe('median', () => {
  test('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(() => median([])).toThrow()
  })
})

describe('summarize and weirVsNginx', () => {
  const runs = [
    run('nginx', 1, 100, 4, 5),
    run('weir', 1, 50, 10, 5),
    run('nginx', 2, 120, 2, 5),
    run('weir', 2, 70, 6, 5),
    run('nginx', 3, 110, 3, 5),
    run('weir', 3, 60, 8, 5),
  ]

  test('medians per target in first-seen order, with spread, errors and CPU', () => {
    const [nginx, weir] = summarize(runs)
    expect(nginx?.target).toBe('nginx')
    expect(nginx?.requestsPerSecond).toBe(110)
    expect(nginx?.requestsPerSecondMin).toBe(100)
    expect(nginx?.requestsPerSecondMax).toBe(120)
    expect(nginx?.p99Ms).toBe(3)
    expect(nginx?.proxyCpuPercent).toBe(100)
    expect(nginx?.errors).toBe(4)
    expect(nginx?.cpuBusyPercent).toEqual({ cpu0: 92, cpu1: 100 })
    expect(nginx?.otherCpuPercent).toBeCloseTo(4)
    expect(weir?.requestsPerSecond).toBe(60)
    expect(weir?.requestsPerCpuSecond).toBe(60)
  })

  test('ratios are Weir over nginx', () => {
    const [ratios] = weirVsNginx(summarize(runs))
    expect(ratios?.requestsPerSecond).toBeCloseTo(60 / 110)
    expect(ratios?.p99).toBeCloseTo(8 / 3)
    expect(ratios?.p50).toBeCloseTo(4 / 1.5)
    expect(ratios?.requestsPerCpuSecond).toBeCloseTo(60 / 110)
  })

  test('ratios are null without a Weir run, and CPU figures null for the direct target', () => {
    const summaries = summarize([run('nginx', 1, 100, 4, 5), run('direct', 1, 200, 1, null)])
    expect(weirVsNginx(summaries)[0]?.requestsPerSecond).toBeNull()
    expect(summaries[1]?.requestsPerCpuSecond).toBeNull()
    expect(summaries[1]?.proxyCpuPercent).toBeNull()
  })
})
