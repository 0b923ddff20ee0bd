import { describe, expect, test } from 'bun:test'
import { SimEngine } from './engine.ts'
import { cachedPromptTokens, plannedPromptTokens, queuedPrefillTokens } from './engine-views.ts'
import { profileByName } from './profiles.ts'
import { tokenBlockHashes } from './token-blocks.ts'

const profile = profileByName('small-fast')

function request(id: string, n: number, maxTokens: number, salt = 0) {
  const tokens = Uint32Array.from({ length: n }, (_, i) => i + salt * 1_000_000)
  return {
    id,
    model: 'm',
    promptTokens: n,
    blockHashes: tokenBlockHashes(tokens, 16, 'm'),
    maxTokens,
  }
}

describe("engine views (the oracle's truth)", () => {
  test('queued prefill counts what is still to compute and nothing for decoding sequences', () => {
    const engine = new SimEngine(profile)
    engine.submit(request('a', 320, 50, 1), 0)
    expect(queuedPrefillTokens(engine)).toBe(320)
    let now = engine.beginStep(0)
    engine.endStep(now)
    // Prefilled in one step; now decoding: no prefill left, never negative.
    now += engine.beginStep(now)
    engine.endStep(now)
    expect(queuedPrefillTokens(engine)).toBe(0)
  })

  test('a prefix being computed is not cached yet, but is planned', () => {
    const engine = new SimEngine(profile)
    const first = request('a', 640, 1, 2)
    engine.submit(first, 0)
    expect(cachedPromptTokens(engine, first.blockHashes, 640)).toBe(0)
    expect(plannedPromptTokens(engine, first.blockHashes, 640)).toBe(624)
  })
})
