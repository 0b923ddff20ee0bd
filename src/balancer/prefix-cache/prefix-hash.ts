/**
 * KEY_SHIFT keeps the top 53 bits of each 64-bit chain value as the index key: a JS number is
 * unboxed (no heap cell per key, so the index does not load the garbage collector) and the
 * chance that two of 300 000 indexed blocks collide stays at 300 000² / 2^54 ≈ 5·10⁻⁶.
 */
const KEY_SHIFT = 11n

/**
 * promptBlockHashes cuts a prompt into blocks of `blockChars` characters and chains 64-bit
 * hashes over them (wyhash via Bun.hash): h_0 is seeded by the target model and cache salt, h_i
 * by h_{i-1}, so equal keys mean an equal prefix for the same model/adapter. Only full blocks are
 * hashed (a partial tail never matches), at most `maxBlocks`. Returns each block's 53-bit key.
 * Cost: one pass over the text.
 */
export function promptBlockHashes(
  model: string,
  text: string,
  blockChars: number,
  maxBlocks: number,
  cacheSalt = ''
): number[] {
  const n = Math.min(maxBlocks, Math.floor(text.length / blockChars))
  const out = new Array<number>(n)
  let h = Bun.hash.wyhash(`${model}\u0000${cacheSalt}`, 0n) as bigint
  for (let i = 0; i < n; i++) {
    const start = i * blockChars
    h = Bun.hash.wyhash(text.slice(start, start + blockChars), h) as bigint
    out[i] = Number(h >> KEY_SHIFT)
  }
  return out
}
