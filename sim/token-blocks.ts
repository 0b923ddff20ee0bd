/**
 * tokenBlockHashes returns the chained hashes of the full token blocks of a prompt, vLLM APC
 * style: h_i = H(tokens of block i, seed h_{i-1}) with h_{-1} = H(model/adapter, cache salt), so a
 * block's hash names its whole prefix and adapters never share KV. The partial last block has no
 * hash because vLLM never caches it.
 */
export function tokenBlockHashes(
  tokens: Uint32Array,
  blockSize: number,
  model: string,
  cacheSalt = ''
): bigint[] {
  let h = Bun.hash.wyhash(`${model}\u0000${cacheSalt}`, 0n) as bigint
  const out: bigint[] = []
  for (let start = 0; start + blockSize <= tokens.length; start += blockSize) {
    h = Bun.hash.wyhash(tokens.subarray(start, start + blockSize), h) as bigint
    out.push(h)
  }
  return out
}
