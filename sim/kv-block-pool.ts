/** NONE marks the end of the free list and an unset link. */
const NONE = -1

/**
 * KvBlockPool is the KV cache of one simulated server with vLLM V1 prefix-caching semantics:
 * blocks carry a refcount (held by running sequences); a computed full prompt block is registered
 * under its chained hash; a block whose refcount drops to 0 keeps its hash and joins the tail of
 * an LRU free queue; allocation takes the head of that queue and only then evicts its hash.
 */
export class KvBlockPool {
  readonly numBlocks: number
  readonly #refCount: Int32Array
  readonly #prev: Int32Array
  readonly #next: Int32Array
  readonly #hashOf: (bigint | undefined)[]
  readonly #blockOf = new Map<bigint, number>()
  #head = NONE
  #tail = NONE
  #free = 0

  constructor(numBlocks: number) {
    this.numBlocks = numBlocks
    this.#refCount = new Int32Array(numBlocks)
    this.#prev = new Int32Array(numBlocks).fill(NONE)
    this.#next = new Int32Array(numBlocks).fill(NONE)
    this.#hashOf = new Array<bigint | undefined>(numBlocks).fill(undefined)
    for (let b = 0; b < numBlocks; b++) this.#append(b)
  }

  /** freeCount is the number of blocks with refcount 0 (cached or empty): what can be allocated. */
  get freeCount(): number {
    return this.#free
  }

  /** usedCount is the number of blocks held by sequences (vLLM's kv_cache_usage numerator). */
  get usedCount(): number {
    return this.numBlocks - this.#free
  }

  /** cachedCount is the number of blocks that currently carry a prefix hash. */
  get cachedCount(): number {
    return this.#blockOf.size
  }

  /** matchPrefix counts the leading hashes whose blocks are cached, without touching them. */
  matchPrefix(hashes: readonly bigint[], limit = hashes.length): number {
    let n = 0
    while (n < limit && n < hashes.length && this.#blockOf.has(hashes[n] as bigint)) n++
    return n
  }

  /** freeHitBlocks counts how many of the first `n` matched blocks sit in the free queue. */
  freeHitBlocks(hashes: readonly bigint[], n: number): number {
    let free = 0
    for (let i = 0; i < n; i++) {
      const b = this.#blockOf.get(hashes[i] as bigint)
      if (b !== undefined && this.#refCount[b] === 0) free++
    }
    return free
  }

  /** acquireCached takes a reference on the cached blocks of the first `n` hashes (a hit). */
  acquireCached(hashes: readonly bigint[], n: number, into: number[]): void {
    for (let i = 0; i < n; i++) {
      const b = this.#blockOf.get(hashes[i] as bigint)
      if (b === undefined) throw new Error('acquireCached past the matched prefix')
      if (this.#refCount[b] === 0) this.#unlink(b)
      this.#refCount[b] = (this.#refCount[b] as number) + 1
      into.push(b)
    }
  }

  /** allocate takes `n` blocks from the head of the free queue, evicting their hashes. */
  allocate(n: number, into: number[]): boolean {
    if (n > this.#free) return false
    for (let i = 0; i < n; i++) {
      const b = this.#head
      this.#unlink(b)
      const h = this.#hashOf[b]
      if (h !== undefined) {
        if (this.#blockOf.get(h) === b) this.#blockOf.delete(h)
        this.#hashOf[b] = undefined
      }
      this.#refCount[b] = 1
      into.push(b)
    }
    return true
  }

  /** register names a freshly computed full block; a duplicate of a cached hash stays unnamed. */
  register(block: number, hash: bigint): void {
    if (this.#hashOf[block] !== undefined || this.#blockOf.has(hash)) return
    this.#hashOf[block] = hash
    this.#blockOf.set(hash, block)
  }

  /**
   * release drops one reference on each block, last block first, so a sequence's tail is
   * evicted before its head (vLLM frees in reverse order: prefixes outlive suffixes).
   */
  release(blocks: readonly number[]): void {
    for (let i = blocks.length - 1; i >= 0; i--) {
      const b = blocks[i] as number
      const rc = (this.#refCount[b] as number) - 1
      this.#refCount[b] = rc
      if (rc === 0) this.#append(b)
    }
  }

  #append(b: number): void {
    this.#prev[b] = this.#tail
    this.#next[b] = NONE
    if (this.#tail === NONE) this.#head = b
    else this.#next[this.#tail] = b
    this.#tail = b
    this.#free++
  }

  #unlink(b: number): void {
    const p = this.#prev[b] as number
    const n = this.#next[b] as number
    if (p === NONE) this.#head = n
    else this.#next[p] = n
    if (n === NONE) this.#tail = p
    else this.#prev[n] = p
    this.#prev[b] = NONE
    this.#next[b] = NONE
    this.#free--
  }
}
