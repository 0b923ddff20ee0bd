import { describe, expect, test } from 'bun:test'
import { Endpoint } from '../endpoint.ts'
import { createInferencePicker } from '../../inference/inference-picker.ts'
import type { ServerState } from '../server-state.ts'
import { withinHotSpotCap } from './guards.ts'
import { DEFAULT_PREFIX_OPTIONS } from './options.ts'

function state(s: Partial<ServerState>): ServerState {
  return {
    waiting: 0,
    running: 0,
    kvUsage: 0,
    runningLoras: [],
    waitingLoras: [],
    fresh: true,
    updatedAt: 0,
    epoch: 0,
    ...s,
  }
}

function endpoints(n: number): Endpoint[] {
  return Array.from({ length: n }, (_, i) => new Endpoint(`10.0.1.${i + 1}`, 8000))
}

describe('saturation (GIE utilization detector)', () => {
  for (const policy of ['prefix-cache', 'round-robin', 'least-request', 'random'] as const) {
    test(`${policy}: saturated when the mean of max(waiting/5, kv/0.8) reaches 1`, () => {
      const es = endpoints(2)
      const states = new Map<string, ServerState>()
      const picker = createInferencePicker(policy, { get: (k) => states.get(k) })
      states.set(es[0]!.key, state({ waiting: 5 }))
      states.set(es[1]!.key, state({ kvUsage: 0.4 }))
      // (1 + 0.5) / 2 = 0.75
      expect(picker.saturated(es)).toBe(false)
      states.set(es[1]!.key, state({ kvUsage: 0.8 }))
      expect(picker.saturated(es)).toBe(true)
    })
  }

  test('with stale or no metrics it falls back to in-flight / 100 (never blind, never stuck)', () => {
    const es = endpoints(2)
    const states = new Map<string, ServerState>(
      es.map((e) => [e.key, state({ fresh: false, waiting: 999, kvUsage: 1 })])
    )
    const picker = createInferencePicker('prefix-cache', { get: (k) => states.get(k) })
    expect(picker.saturated(es)).toBe(false)
    for (const e of es) e.inflight = 100
    expect(picker.saturated(es)).toBe(true)
    expect(createInferencePicker('prefix-cache', undefined).saturated(es)).toBe(true)
  })
})

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
