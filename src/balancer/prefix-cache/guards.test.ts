import { describe, expect, test } from 'bun:test'
import { Endpoint } from '../endpoint.ts'
import { withinHotSpotCap } from './guards.ts'
import { DEFAULT_PREFIX_OPTIONS } from './options.ts'

function endpoints(n: number): Endpoint[] {
  return Array.from({ length: n }, (_, i) => new Endpoint(`10.0.1.${i + 1}`, 8000))
}

describe('hot-spot cap', () => {
  test('drops an endpoint with far more in flight than the mean, keeps the rest', () => {
    const es = endpoints(4)
    es[0]!.inflight = 30
    // mean 7.5, cap 7.5 + max(8, 3.75) = 15.5
    expect(withinHotSpotCap(es, DEFAULT_PREFIX_OPTIONS)).toEqual(es.slice(1))
  })

  test('keeps everyone when the load is even', () => {
    const es = endpoints(3)
    for (const e of es) e.inflight = 50
    expect(withinHotSpotCap(es, DEFAULT_PREFIX_OPTIONS)).toEqual(es)
  })
})
