import { describe, expect, test } from 'bun:test'
import { SimEngine } from './engine.ts'
import { type EngineProfile, profileByName } from './profiles.ts'
import type { Sequence } from './sequence.ts'
import type { SimRequest } from './sim-request.ts'
import { tokenBlockHashes } from './token-blocks.ts'

const base = profileByName('small-fast')

function profile(overrides: Partial<EngineProfile>): EngineProfile {
  return { ...base, ...overrides }
}

/** Tokens 0..n-1 offset by `salt`, so different salts never share a block. */
function request(id: string, n: number, maxTokens: number, salt = 0, model = 'm'): SimRequest {
  const tokens = Uint32Array.from({ length: n }, (_, i) => i + salt * 1_000_000)
  return { id, model, promptTokens: n, blockHashes: tokenBlockHashes(tokens, 16, model), maxTokens }
}

/** Runs the engine on a virtual clock until it is idle; returns the end time. */
function drain(engine: SimEngine, start = 0): number {
  let now = start
  for (;;) {
    const d = engine.beginStep(now)
    if (d === 0) return now
    now += d
    engine.endStep(now)
  }
}

describe('SimEngine', () => {
  test('generates exactly max_tokens and reports TTFT at the end of prefill', () => {
    const engine = new SimEngine(base)
    const tokens: number[] = []
    const seq = engine.submit(
      { ...request('a', 100, 5), hooks: { onToken: (_s, t) => tokens.push(t) } },
      0
    )
    drain(engine)
    expect(seq.generated).toBe(5)
    expect(tokens).toHaveLength(5)
    // First step: c0 + 100 prefill tokens (+ a tiny attention term).
    expect(seq.firstTokenAt).toBeCloseTo(4 + 100 * 0.05, 0)
    expect(engine.stats.generationTokens).toBe(5)
  })

  test('a repeated prompt hits the prefix cache and skips its prefill', () => {
    const engine = new SimEngine(base)
    const first = engine.submit(request('a', 1000, 2), 0)
    const t = drain(engine)
    const second = engine.submit(request('b', 1000, 2), t)
    drain(engine, t)
    expect(first.cachedTokens).toBe(0)
    // All full blocks but the one holding the last prompt token: floor(999 / 16) × 16.
    expect(second.cachedTokens).toBe(992)
    expect(second.firstTokenAt - t).toBeLessThan((first.firstTokenAt - 0) / 5)
    expect(engine.stats.prefixCacheHits).toBe(992)
    expect(engine.stats.prefixCacheQueries).toBe(2000)
  })

  test('adapters and models never share cached blocks', () => {
    const engine = new SimEngine(base)
    engine.submit(request('a', 500, 1, 0, 'base'), 0)
    const t = drain(engine)
    const other = engine.submit(request('b', 500, 1, 0, 'lora-a'), t)
    drain(engine, t)
    expect(other.cachedTokens).toBe(0)
  })

  test('evicts the least recently freed prefix when the cache is full', () => {
    // 40 blocks: each 320-token prompt fills 20 (+1 decode block).
    const engine = new SimEngine(profile({ numGpuBlocks: 40 }))
    let t = 0
    for (const salt of [1, 2, 3]) {
      engine.submit(request(`p${salt}`, 320, 1, salt), t)
      t = drain(engine, t)
    }
    const again1 = engine.submit(request('again1', 320, 1, 1), t)
    t = drain(engine, t)
    const again3 = engine.submit(request('again3', 320, 1, 3), t)
    drain(engine, t)
    expect(again1.cachedTokens).toBe(0)
    expect(again3.cachedTokens).toBe(304)
  })

  test('long prompts are prefilled in chunks of max_num_batched_tokens', () => {
    const engine = new SimEngine(profile({ maxNumBatchedTokens: 512 }))
    let steps = 0
    const seq = engine.submit(request('long', 2000, 1), 0)
    for (let now = 0; ; ) {
      const d = engine.beginStep(now)
      if (d === 0) break
      steps++
      now += d
      engine.endStep(now)
    }
    expect(steps).toBe(4)
    expect(seq.generated).toBe(1)
  })

  test('never runs more than max_num_seqs sequences at once', () => {
    const engine = new SimEngine(profile({ maxNumSeqs: 3 }))
    for (let i = 0; i < 10; i++) engine.submit(request(`r${i}`, 20, 50, i), 0)
    let most = 0
    for (let now = 0; ; ) {
      const d = engine.beginStep(now)
      if (d === 0) break
      most = Math.max(most, engine.running.length)
      now += d
      engine.endStep(now)
    }
    expect(most).toBe(3)
    expect(engine.stats.requestsFinished).toBe(10)
  })

  test('preempts the newest sequence when decodes run out of blocks, and still finishes all', () => {
    // 12 blocks; two sequences that each grow to 5–6 blocks cannot both finish side by side.
    const engine = new SimEngine(profile({ numGpuBlocks: 12 }))
    const seqs: Sequence[] = []
    for (let i = 0; i < 3; i++) seqs.push(engine.submit(request(`r${i}`, 40, 60, i), 0))
    drain(engine)
    expect(engine.stats.preemptions).toBeGreaterThan(0)
    for (const seq of seqs) expect(seq.generated).toBe(60)
    expect(engine.pool.usedCount).toBe(0)
  })

  test('an adapter waits for a LoRA slot held by running sequences', () => {
    const engine = new SimEngine(profile({ maxLoras: 1, cLoraLoadMs: 20 }))
    const a = engine.submit({ ...request('a', 50, 20, 1, 'lora-a'), adapter: 'lora-a' }, 0)
    const b = engine.submit({ ...request('b', 50, 1, 2, 'lora-b'), adapter: 'lora-b' }, 0)
    const plain = engine.submit(request('c', 50, 1, 3), 0)
    drain(engine)
    expect(plain.firstTokenAt).toBeLessThan(a.finishedAt)
    expect(b.admittedAt).toBeGreaterThanOrEqual(a.finishedAt)
  })

  test('an aborted request frees its blocks and never finishes', () => {
    const engine = new SimEngine(base)
    let finished = false
    const seq = engine.submit(
      { ...request('a', 100, 1000), hooks: { onFinish: () => (finished = true) } },
      0
    )
    let now = engine.beginStep(0)
    engine.endStep(now)
    now += engine.beginStep(now)
    engine.abort(seq)
    engine.endStep(now)
    expect(drain(engine, now)).toBe(now)
    expect(finished).toBe(false)
    expect(seq.status).toBe('aborted')
    expect(engine.pool.usedCount).toBe(0)
  })

  test('rejects a request that can never fit', () => {
    const engine = new SimEngine(profile({ numGpuBlocks: 8 }))
    expect(() => engine.submit(request('big', 1000, 1), 0)).toThrow(/KV blocks/)
    expect(() => engine.submit(request('long', 9000, 1), 0)).toThrow(/max_model_len/)
  })
})
