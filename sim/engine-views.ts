import { cacheableBlocks } from './cacheable-blocks.ts'
import type { SimEngine } from './engine.ts'
import type { Sequence } from './sequence.ts'

/**
 * cachedPromptTokens is how many prompt tokens a request would find cached on the engine now —
 * the exact truth the oracle and /debug/match read, never used by real policies.
 */
export function cachedPromptTokens(
  engine: SimEngine,
  blockHashes: readonly bigint[],
  promptTokens: number
): number {
  const bs = engine.profile.blockSize
  return engine.pool.matchPrefix(blockHashes, cacheableBlocks(promptTokens, bs)) * bs
}

/**
 * plannedPromptTokens also counts prefixes the engine is about to cache: the longest common
 * block run with any queued or still-prefilling request (FCFS computes theirs first).
 */
export function plannedPromptTokens(
  engine: SimEngine,
  blockHashes: readonly bigint[],
  promptTokens: number
): number {
  const limit = cacheableBlocks(promptTokens, engine.profile.blockSize)
  let best = engine.pool.matchPrefix(blockHashes, limit)
  const scan = (seq: Sequence): void => {
    const other = seq.request.blockHashes
    let n = 0
    while (n < limit && n < other.length && other[n] === blockHashes[n]) n++
    if (n > best) best = n
  }
  for (const seq of engine.running) if (seq.inPrefill) scan(seq)
  for (const seq of engine.waiting) scan(seq)
  return Math.min(best, limit) * engine.profile.blockSize
}

/** queuedPrefillTokens sums the prompt tokens still to compute for queued and running work. */
export function queuedPrefillTokens(engine: SimEngine): number {
  let sum = 0
  for (const seq of engine.running) if (seq.inPrefill) sum += seq.prefillTarget - seq.numComputed
  for (const seq of engine.waiting) {
    const r = seq.request
    sum += seq.prefillTarget - cachedPromptTokens(engine, r.blockHashes, r.promptTokens)
  }
  return sum
}
