import { describe, expect, test } from 'bun:test'
import { childFdLimits, fdsNeeded, planFdLimit, withFdLimit } from './fd-limit.ts'
import { formatDuration, planBench, rateProbes, runSeconds, selectScenarios } from './plan.ts'
import { rateReference } from './rate-reference.ts'
import type { RunRecord } from './run-record.ts'
import { bodyScenario, rateScenario, type Scenario } from './scenarios.ts'

const targets = ['nginx', 'nginx-big', 'weir'] as const

describe('planning', () => {
  test('the default set fits the ~25 minute budget at 3 reps x 5 s with three targets', () => {
    const all = selectScenarios('all', null)
    const plan = planBench(all, targets, 3, () => 5, 1)
    expect(plan.probes).toEqual([])
    expect(plan.runs).toBe(all.length * 9)
    expect(plan.seconds).toBeLessThan(25 * 60)
    // Every kind of scenario is in it.
    expect(all.some((each) => each.routeMix && each.routes === 10_000)).toBe(true)
    for (const field of ['tls', 'closeEach', 'sse', 'uploadBytes', 'rate', 'headerModifiers'] as const) {
      expect(all.some((each) => each[field] !== undefined), field).toBe(true)
    }
    expect(new Set(all.map((each) => each.connections))).toEqual(new Set([1, 8, 64, 1024]))
    expect(all.filter((each) => each.body === '13b' && !each.routeMix && !each.rate && !each.sse && !each.uploadBytes).map((each) => each.connections)).toEqual([64, 1, 1024])
  })

  test('--only narrows; unknown sets and empty choices fail clearly', () => {
    expect(selectScenarios('core', '13b').map((each) => each.name)).toEqual(['body-13b-c64'])
    expect(() => selectScenarios('nope', null)).toThrow('unknown scenario set "nope"')
    expect(() => selectScenarios('core', 'zzz')).toThrow('no scenario in "core" matches "zzz"')
  })

  test('a rate scenario without its reference gets one nginx probe run', () => {
    const only = selectScenarios('rate', 'rate60-13b')
    expect(rateProbes(only).map((each) => each.name)).toEqual(['body-13b-c64'])
    expect(rateProbes(selectScenarios('rate', '13b'))).toEqual([])
    const plan = planBench(only, targets, 3, () => 5, 1)
    expect(plan.runs).toBe(10)
  })

  test('Weir start-up grows with the route count; durations read as minutes', () => {
    const small = runSeconds('weir', bodyScenario('1k', 64), 5, 1)
    const big = runSeconds('weir', { ...bodyScenario('1k', 64), routes: 10_000 }, 5, 1)
    expect(big - small).toBeGreaterThan(5)
    expect(formatDuration(58.2)).toBe('59 s')
    expect(formatDuration(754)).toBe('12 min 34 s')
  })
})

describe('open-file limits', () => {
  const limits = { soft: 1024, hard: 4096 }
  test('enough already: nothing to do; under the hard limit: raise; above: explain', () => {
    expect(planFdLimit(fdsNeeded(64), limits, 'wrk')).toBeNull()
    expect(planFdLimit(fdsNeeded(1024), limits, 'wrk')).toBe(1088)
    expect(() => planFdLimit(fdsNeeded(8192), limits, 'wrk -c 8192')).toThrow(/hard limit \(ulimit -Hn\) is 4096/)
  })

  test('the wrapped command really starts with the raised soft limit', () => {
    const { soft, hard } = childFdLimits()
    const target = Math.min(hard, soft + 1)
    const out = Bun.spawnSync({ cmd: withFdLimit(target, ['sh', '-c', 'ulimit -Sn']) }).stdout.toString()
    expect(Number(out.trim())).toBe(target)
    expect(withFdLimit(null, ['wrk', '-c1'])).toEqual(['wrk', '-c1'])
  })
})

describe('rate references', () => {
  const run = (scenario: string, target: RunRecord['target'], rps: number): RunRecord =>
    ({ scenario, target, requestsPerSecond: rps, proxyExited: false }) as RunRecord
  test('offers the fraction of nginx’s median req/s on the referenced scenario', () => {
    const rate: Scenario = rateScenario(bodyScenario('13b', 64), 0.6)
    expect(rate.name).toBe('rate60-13b-c64')
    const runs = [run('body-13b-c64', 'nginx', 40_000), run('body-13b-c64', 'nginx', 50_000), run('body-13b-c64', 'nginx', 45_000), run('body-13b-c64', 'weir', 1)]
    expect(rateReference(rate, runs, false)).toEqual({
      scenario: 'rate60-13b-c64',
      of: 'body-13b-c64',
      fraction: 0.6,
      nginxRequestsPerSecond: 45_000,
      offeredRate: 27_000,
      probed: false,
    })
    expect(rateReference(rate, [run('body-13b-c64', 'weir', 1)], false)).toBeNull()
    expect(rateReference(bodyScenario('13b', 64), runs, false)).toBeNull()
  })
})
