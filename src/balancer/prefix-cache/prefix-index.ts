/**
 * RECENT_FRACTION: re-touching a block that is already among the newest 1/8 of an endpoint's LRU
 * is skipped. Such a block cannot be evicted before 7/8 of the capacity is inserted after it, and
 * skipping saves a Map delete + set for most blocks of a hot shared prefix (3× faster inserts).
 * Below 8 entries of capacity the window is empty and the order is exact LRU.
 */
const RECENT_FRACTION = 1 / 8

interface Lru {
  /** Block key → insertion stamp; Map order is the eviction order (oldest first). */
  readonly map: Map<number, number>
  /** Stamps handed out so far. */
  stamp: number
}

/**
 * PrefixIndex remembers, per endpoint, the prompt block keys recently sent there: an LRU of
 * bounded capacity, like the server's own KV cache it approximates. A JS Map keeps insertion
 * order, so a touch is delete + set and eviction takes the first key: all O(1).
 */
export class PrefixIndex {
  readonly #lru = new Map<string, Lru>()
  readonly #capacity = new Map<string, number>()

  constructor(readonly defaultCapacity: number) {}

  /** capacityOf is the block capacity of an endpoint's LRU. */
  capacityOf(key: string): number {
    return this.#capacity.get(key) ?? this.defaultCapacity
  }

  /** setCapacity resizes an endpoint's LRU, evicting the oldest blocks if it shrinks. */
  setCapacity(key: string, capacity: number): void {
    const c = Math.max(1, Math.floor(capacity))
    if (this.#capacity.get(key) === c) return
    this.#capacity.set(key, c)
    const lru = this.#lru.get(key)
    if (lru) this.#evict(lru.map, c)
  }

  /** size is the number of blocks remembered for an endpoint. */
  size(key: string): number {
    return this.#lru.get(key)?.map.size ?? 0
  }

  /**
   * matchAll writes into `out[i]` how many leading blocks of `hashes` endpoint `keys[i]` holds.
   * An endpoint drops out at its first miss, so the cost is the sum of the matched runs.
   */
  matchAll(hashes: readonly number[], keys: readonly string[], out: number[]): void {
    for (let i = 0; i < keys.length; i++) {
      const map = this.#lru.get(keys[i] as string)?.map
      let n = 0
      if (map) while (n < hashes.length && map.has(hashes[n] as number)) n++
      out[i] = n
    }
  }

  /**
   * insert records `hashes` for an endpoint as most recently used. The tail is touched first so
   * that the head of a prompt is the freshest: eviction then trims prompts from their end, the
   * way vLLM frees a sequence's blocks last-first and keeps shared prefixes longest.
   */
  insert(key: string, hashes: readonly number[]): void {
    let lru = this.#lru.get(key)
    if (!lru) this.#lru.set(key, (lru = { map: new Map(), stamp: 0 }))
    const capacity = this.capacityOf(key)
    const recent = capacity * RECENT_FRACTION
    const map = lru.map
    for (let i = hashes.length - 1; i >= 0; i--) {
      const h = hashes[i] as number
      const at = map.get(h)
      if (at !== undefined) {
        if (lru.stamp - at < recent) continue
        map.delete(h)
      }
      map.set(h, lru.stamp++)
    }
    this.#evict(map, capacity)
  }

  /** forget removes blocks `from`.. of `hashes` from an endpoint (a request that failed). */
  forget(key: string, hashes: readonly number[], from: number): void {
    const map = this.#lru.get(key)?.map
    if (!map) return
    for (let i = from; i < hashes.length; i++) map.delete(hashes[i] as number)
  }

  /** purge drops everything known about an endpoint (it restarted or went away). */
  purge(key: string): void {
    this.#lru.delete(key)
  }

  #evict(map: Map<number, number>, capacity: number): void {
    if (map.size <= capacity) return
    const keys = map.keys()
    while (map.size > capacity) {
      const oldest = keys.next()
      if (oldest.done) break
      map.delete(oldest.value)
    }
  }
}
