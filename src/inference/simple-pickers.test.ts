import { describe, expect, test } from 'bun:test'
import { Endpoint } from '../balancer/endpoint.ts'
import { createInferencePicker } from './inference-picker.ts'
import { seededRandom } from '../testing/seeded-random.ts'

const req = { model: 'm', promptText: 'hello', priority: 0 }

function endpoints(n: number): Endpoint[] {
  return Array.from({ length: n }, (_, i) => new Endpoint(`10.0.2.${i + 1}`, 8000))
}

describe('cache-blind baseline pickers', () => {
  test('round-robin takes the candidates in turn', () => {
    const es = endpoints(3)
    const picker = createInferencePicker('round-robin', undefined)
    expect([0, 1, 2, 3].map(() => picker.pick(es, req))).toEqual([
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
    const picker = createInferencePicker('least-request', undefined, { random: seededRandom(1) })
    for (let i = 0; i < 20; i++) expect(picker.pick(es, req)).toBe(es[1] as Endpoint)
  })

  test('random only returns candidates and reaches all of them', () => {
    const es = endpoints(4)
    const picker = createInferencePicker('random', undefined, { random: seededRandom(3) })
    const seen = new Set<Endpoint>()
    for (let i = 0; i < 200; i++) seen.add(picker.pick(es.slice(1), req))
    expect(seen).toEqual(new Set(es.slice(1)))
  })

  test('count dispatches and accept the whole ticket lifecycle', () => {
    const es = endpoints(2)
    const picker = createInferencePicker('round-robin', undefined)
    const ticket = picker.dispatched(picker.pick(es, req), req)
    picker.firstToken(ticket)
    picker.finished(ticket, { promptTokens: 3 })
    picker.failed(picker.dispatched(es[0] as Endpoint, req))
    expect(picker.stats()).toEqual({ picks: 2, predictedHitBlocks: 0, totalBlocks: 0 })
  })
})
