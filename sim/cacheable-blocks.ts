/**
 * cacheableBlocks is how many leading full blocks of a `tokens`-long prompt may come from the
 * cache: vLLM always computes at least the last prompt token (it needs its logits), so a prompt
 * that is cached entirely still recomputes its final block.
 */
export function cacheableBlocks(tokens: number, blockSize: number): number {
  return Math.max(0, Math.floor((tokens - 1) / blockSize))
}
