import { describe, expect, test } from 'bun:test'
import { seededRandom } from '../testing/seeded-random.ts'
import type { Attempt } from './attempt.ts'
import { Endpoint } from './endpoint.ts'
import { EndpointSet } from './endpoint-set.ts'
import { leastRequest } from './least-request.ts'
import { NO_REQUEST, type PickerFactory, type PickRequest } from './picker.ts'
import { createPicker, PICKERS } from './registry.ts'
import { roundRobin } from './round-robin.ts'

const req: PickRequest = NO_REQUEST

// One suite for every registered picker: what any load-balancing policy must guarantee.
function runPickerSuite(factory: PickerFactory): void {
  describe(`${factory.type} picker`, () => {
    test('returns undefined for no candidates', () => {
      expect(factory.create([], {}).pick([], req)).toBeUndefined()
    })

    test('only ever returns a candidate it was given', () => {
      const all = [new Endpoint('10.0.0.1', 80), new Endpoint('10.0.0.2', 80), new Endpoint('10.0.0.3', 80)]
      const picker = factory.create([], {})
      const subset = all.slice(1)
      for (let i = 0; i < 200; i++) expect(subset).toContain((picker.pick(subset, req) as Attempt).endpoint)
    })

    test('spreads idle endpoints over time', () => {
      const all = [new Endpoint('10.0.0.1', 80), new Endpoint('10.0.0.2', 80), new Endpoint('10.0.0.3', 80)]
      const picker = factory.create([], {})
      const counts = new Map<Endpoint, number>()
      for (let i = 0; i < 3000; i++) {
        const e = (picker.pick(all, req) as Attempt).endpoint
        counts.set(e, (counts.get(e) ?? 0) + 1)
      }
      for (const e of all) expect(counts.get(e) ?? 0).toBeGreaterThan(600)
    })
  })
}

for (const factory of PICKERS.values()) runPickerSuite(factory)

describe('least-request', () => {
  test('prefers the endpoint with fewer requests in flight', () => {
    const busy = new Endpoint('10.0.0.1', 80)
    const idle = new Endpoint('10.0.0.2', 80)
    busy.inflight = 10
    const picker = leastRequest.create([], {})
    for (let i = 0; i < 50; i++) expect(picker.pick([busy, idle], req)?.endpoint).toBe(idle)
  })
})

function endpoints(n: number): Endpoint[] {
  return Array.from({ length: n }, (_, i) => new Endpoint(`10.0.2.${i + 1}`, 8000))
}

/** The cache-blind baselines as an InferencePool builds them (a full scan, seeded randomness). */
describe('cache-blind baseline pickers', () => {
  const inPool = (type: string, random?: () => number) => createPicker(type, [], { choices: 'all', options: random ? { random } : {} })

  test('round-robin takes the candidates in turn', () => {
    const es = endpoints(3)
    const picker = inPool('round-robin')
    expect([0, 1, 2, 3].map(() => picker.pick(es, req)?.endpoint)).toEqual([
      es[0],
      es[1],
      es[2],
      es[0],
    ] as Endpoint[])
  })

  test('least-request takes the endpoint with the fewest requests in flight', () => {
    const es = endpoints(3)
    es[0]!.inflight = 4
    es[1]!.inflight = 1
    es[2]!.inflight = 3
    const picker = inPool('least-request', seededRandom(1))
    for (let i = 0; i < 20; i++) expect(picker.pick(es, req)?.endpoint).toBe(es[1] as Endpoint)
  })

  test('random only returns candidates and reaches all of them', () => {
    const es = endpoints(4)
    const picker = inPool('random', seededRandom(3))
    const seen = new Set<Endpoint>()
    for (let i = 0; i < 200; i++) seen.add((picker.pick(es.slice(1), req) as Attempt).endpoint)
    expect(seen).toEqual(new Set(es.slice(1)))
  })

  test('count picks and accept the whole attempt lifecycle', () => {
    const es = endpoints(2)
    const picker = inPool('round-robin')
    const first = picker.pick(es, req) as Attempt
    first.dispatched()
    first.firstByte()
    first.finished({ promptTokens: 3 })
    const second = picker.pick([es[0] as Endpoint], req) as Attempt
    second.dispatched()
    second.failed()
    expect(picker.stats()).toEqual({ picks: 2, predictedHitBlocks: 0, totalBlocks: 0 })
  })
})

describe('EndpointSet', () => {
  test('skips endpoints already tried for the request', () => {
    const a = new Endpoint('10.0.0.1', 80)
    const b = new Endpoint('10.0.0.2', 80)
    const set = new EndpointSet([a, b], roundRobin.create([], {}))
    for (let i = 0; i < 20; i++) expect(set.pick(req, [a])?.endpoint).toBe(b)
    expect(set.pick(req, [a, b])).toBeUndefined()
  })

  test('skips an ejected endpoint, and tries it anyway when every endpoint is ejected', () => {
    const a = new Endpoint('10.0.0.1', 80)
    const b = new Endpoint('10.0.0.2', 80)
    a.recordFailure(performance.now())
    const set = new EndpointSet([a, b], leastRequest.create([], {}))
    for (let i = 0; i < 20; i++) expect(set.pick(req, undefined)?.endpoint).toBe(b)
    b.recordFailure(performance.now())
    expect([a, b]).toContain((set.pick(req, undefined) as Attempt).endpoint)
  })

  test('a success clears the ejection', () => {
    const a = new Endpoint('10.0.0.1', 80)
    a.recordFailure(performance.now())
    expect(a.available(performance.now())).toBe(false)
    a.recordSuccess()
    expect(a.available(performance.now())).toBe(true)
  })

  test('a picker that learns nothing returns the endpoint’s own attempt: picking allocates nothing', () => {
    const es = endpoints(3)
    const set = new EndpointSet(es, leastRequest.create([], {}))
    const attempt = set.pick(req, undefined) as Attempt
    expect(attempt).toBe(attempt.endpoint.attempt)
  })
})
