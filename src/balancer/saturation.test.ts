import { describe, expect, test } from 'bun:test'
import { Endpoint } from './endpoint.ts'
import { DEFAULT_PREFIX_OPTIONS } from './prefix-cache/options.ts'
import { poolSaturated } from './saturation.ts'
import type { ServerState } from './server-state.ts'

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
  // One detector for every policy: an InferencePool sheds the same way whatever picks.
  test('saturated when the mean of max(waiting/5, kv/0.8) reaches 1', () => {
    const es = endpoints(2)
    const states = new Map<string, ServerState>()
    const metrics = { get: (k: string) => states.get(k) }
    states.set(es[0]!.key, state({ waiting: 5 }))
    states.set(es[1]!.key, state({ kvUsage: 0.4 }))
    // (1 + 0.5) / 2 = 0.75
    expect(poolSaturated(es, metrics, DEFAULT_PREFIX_OPTIONS)).toBe(false)
    states.set(es[1]!.key, state({ kvUsage: 0.8 }))
    expect(poolSaturated(es, metrics, DEFAULT_PREFIX_OPTIONS)).toBe(true)
  })

  test('with stale or no metrics it falls back to in-flight / 100 (never blind, never stuck)', () => {
    const es = endpoints(2)
    const states = new Map<string, ServerState>(
      es.map((e) => [e.key, state({ fresh: false, waiting: 999, kvUsage: 1 })])
    )
    const metrics = { get: (k: string) => states.get(k) }
    expect(poolSaturated(es, metrics, DEFAULT_PREFIX_OPTIONS)).toBe(false)
    for (const e of es) e.inflight = 100
    expect(poolSaturated(es, metrics, DEFAULT_PREFIX_OPTIONS)).toBe(true)
    expect(poolSaturated(es, undefined, DEFAULT_PREFIX_OPTIONS)).toBe(true)
  })
})
