import { describe, expect, test } from 'bun:test'
import { LAB_POLICIES, pickerFactory } from './lab-policies.ts'
import { runLab } from './lab-run.ts'
import { summarize } from './lab-summary.ts'
import { WORKLOADS } from './workloads.ts'

const load = { kind: 'rate', rps: 20 } as const

function run(workload: string, policy: (typeof LAB_POLICIES)[number], seed: number) {
  const w = (WORKLOADS[workload] as (typeof WORKLOADS)[string])({ seed, quick: true })
  return summarize(
    policy,
    load,
    seed,
    runLab(w, pickerFactory(policy, seed), load, seed),
    w.split?.requested
  )
}

describe('policy lab', () => {
  test('the same seed gives the same result, bit for bit, for every policy', () => {
    for (const policy of LAB_POLICIES) expect(run('w2', policy, 7)).toEqual(run('w2', policy, 7))
  })

  test('a different seed gives a different request list and result', () => {
    expect(run('w2', 'random', 1)).not.toEqual(run('w2', 'random', 2))
  })

  test('every request completes and the picker sees every one of them', () => {
    const w = WORKLOADS.w3!({ seed: 1, quick: true })
    const out = runLab(w, pickerFactory('prefix-cache', 1), { kind: 'rate', rps: 4 }, 1)
    expect(
      out.records.every((r) => r.finishMs > r.firstTokenMs && r.outputTokens === r.req.maxTokens)
    ).toBe(true)
    expect(out.picker.stats().picks).toBe(w.requests.length)
    for (const e of out.cluster.endpoints) expect(e.inflight).toBe(0)
  })

  test('on shared prefixes the prefix-cache picker hits the cache far more often than round-robin', () => {
    expect(run('w2', 'prefix-cache', 1).hitRate).toBeGreaterThan(
      2 * run('w2', 'round-robin', 1).hitRate
    )
  })

  test('only sheddable requests are shed, and only when the pool is saturated', () => {
    const overload = WORKLOADS.w6!({ seed: 1, quick: true })
    const s = summarize(
      'round-robin',
      { kind: 'rate', rps: 60 },
      1,
      runLab(overload, pickerFactory('round-robin', 1), { kind: 'rate', rps: 60 }, 1)
    )
    expect(Object.keys(s.shedByPriority)).toEqual(['-1'])
    expect(run('w2', 'round-robin', 1).shedByPriority).toEqual({})
  })
})
