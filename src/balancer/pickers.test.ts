import { describe, expect, test } from 'bun:test'
import { Endpoint } from './endpoint.ts'
import { leastRequest } from './least-request.ts'
import type { PickerFactory } from './picker.ts'
import { Pool } from './endpoint-set.ts'
import { random } from './random.ts'
import { roundRobin } from './round-robin.ts'
import { consistentHash } from './consistent-hash.ts'

// One suite for every picker: what any load-balancing policy must guarantee.
function runPickerSuite(factory: PickerFactory): void {
  describe(`${factory.type} picker`, () => {
    test('returns undefined for no candidates', () => {
      expect(factory.create([], {}).pick([])).toBeUndefined()
    })

    test('only ever returns a candidate it was given', () => {
      const all = [new Endpoint('10.0.0.1', 80), new Endpoint('10.0.0.2', 80), new Endpoint('10.0.0.3', 80)]
      const picker = factory.create([], {})
      const subset = all.slice(1)
      for (let i = 0; i < 200; i++) expect(subset).toContain(picker.pick(subset) as Endpoint)
    })

    test('spreads idle endpoints over time', () => {
      const all = [new Endpoint('10.0.0.1', 80), new Endpoint('10.0.0.2', 80), new Endpoint('10.0.0.3', 80)]
      const picker = factory.create([], {})
      const counts = new Map<Endpoint, number>()
      for (let i = 0; i < 3000; i++) {
        const e = picker.pick(all) as Endpoint
        counts.set(e, (counts.get(e) ?? 0) + 1)
      }
      for (const e of all) expect(counts.get(e) ?? 0).toBeGreaterThan(600)
    })
  })
}

runPickerSuite(leastRequest)
runPickerSuite(roundRobin)
runPickerSuite(random)
runPickerSuite(consistentHash)

describe('least-request', () => {
  test('prefers the endpoint with fewer requests in flight', () => {
    const busy = new Endpoint('10.0.0.1', 80)
    const idle = new Endpoint('10.0.0.2', 80)
    busy.inflight = 10
    const picker = leastRequest.create([], {})
    for (let i = 0; i < 50; i++) expect(picker.pick([busy, idle])).toBe(idle)
  })
})

describe('Pool', () => {
  test('skips endpoints already tried for the request', () => {
    const a = new Endpoint('10.0.0.1', 80)
    const b = new Endpoint('10.0.0.2', 80)
    const pool = new Pool([a, b], roundRobin.create([], {}))
    for (let i = 0; i < 20; i++) expect(pool.pick([a])).toBe(b)
    expect(pool.pick([a, b])).toBeUndefined()
  })

  test('skips an ejected endpoint, and tries it anyway when every endpoint is ejected', () => {
    const a = new Endpoint('10.0.0.1', 80)
    const b = new Endpoint('10.0.0.2', 80)
    a.recordFailure(performance.now())
    const pool = new Pool([a, b], leastRequest.create([], {}))
    for (let i = 0; i < 20; i++) expect(pool.pick(undefined)).toBe(b)
    b.recordFailure(performance.now())
    expect([a, b]).toContain(pool.pick(undefined) as Endpoint)
  })

  test('a success clears the ejection', () => {
    const a = new Endpoint('10.0.0.1', 80)
    a.recordFailure(performance.now())
    expect(a.available(performance.now())).toBe(false)
    a.recordSuccess()
    expect(a.available(performance.now())).toBe(true)
  })
})
