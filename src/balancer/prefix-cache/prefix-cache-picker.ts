import type { Attempt, ResponseUsage } from '../attempt.ts'
import type { Endpoint } from '../endpoint.ts'
import type { Picker, PickerFactory, PickerStats, PickRequest, Prompt } from '../picker.ts'
import type { ServerStateSource } from '../server-state.ts'
import { dispatchCost, loraWaitMs } from './dispatch-cost.ts'
import { EndpointLoad } from './endpoint-load.ts'
import { filterOverloaded, withinHotSpotCap } from './guards.ts'
import { DEFAULT_PREFIX_OPTIONS, type PrefixPickerOptions } from './options.ts'
import { promptBlockHashes } from './prefix-hash.ts'
import { PrefixIndex } from './prefix-index.ts'

/**
 * CHARS_PER_TOKEN_PRIOR_TOKENS weighs the starting chars/token guess as if 20 000 tokens had
 * been observed: a handful of odd responses cannot swing it, a few dozen real ones take over.
 */
const CHARS_PER_TOKEN_PRIOR_TOKENS = 20_000
/** PURGE_CHECK_MS: look for endpoints to forget at most every 10 s (the scan is O(endpoints)). */
const PURGE_CHECK_MS = 10_000

/** NO_PROMPT stands in for a request without one (the proxy never sends such): no affinity. */
const NO_PROMPT: Prompt = { model: '', promptText: '' }

/**
 * PrefixAttempt is one dispatch as the picker follows it: what it predicted at dispatch (the
 * prompt's block hashes, the blocks it expected cached, the prefill it added and found queued)
 * and where the request is now. It reports back to its picker.
 */
class PrefixAttempt implements Attempt {
  hashes: readonly number[] = []
  matchedBlocks = 0
  uncachedTokens = 0
  pendingAhead = 0
  dispatchedAt = 0
  firstTokenAt = -1
  state: 'picked' | 'pending' | 'decoding' | 'done' = 'picked'

  constructor(
    private readonly picker: PrefixCachePicker,
    readonly endpoint: Endpoint,
    readonly prompt: Prompt
  ) {}

  dispatched(): void {
    this.picker.dispatched(this)
  }

  firstByte(): void {
    this.picker.firstToken(this)
  }

  finished(usage?: ResponseUsage): void {
    this.picker.finished(this, usage)
  }

  failed(): void {
    this.picker.failed(this)
  }
}

/**
 * PrefixCachePicker is Weir's cost-based, prefix-cache-aware picker (design note §5): it sends a
 * request where its prefill finishes first given the prefix each endpoint probably holds and
 * the prefill Weir itself has already sent there, after filtering full and hot-spot endpoints.
 */
export class PrefixCachePicker implements Picker {
  readonly #o: PrefixPickerOptions
  readonly #metrics: ServerStateSource | undefined
  readonly #index: PrefixIndex
  readonly #loads = new Map<string, EndpointLoad>()
  readonly #matches: number[] = []
  #charsSeen: number
  #tokensSeen = CHARS_PER_TOKEN_PRIOR_TOKENS
  #lastPrompt: Prompt | undefined
  #lastHashes: number[] = []
  #lastPurgeCheck = 0
  readonly #stats: PickerStats = { picks: 0, predictedHitBlocks: 0, totalBlocks: 0 }

  constructor(metrics: ServerStateSource | undefined, o: PrefixPickerOptions) {
    this.#o = o
    this.#metrics = metrics
    this.#charsSeen = o.initialCharsPerToken * CHARS_PER_TOKEN_PRIOR_TOKENS
    const fallback =
      (o.fallbackGpuBlocks * o.fallbackBlockSize * o.initialCharsPerToken) / o.blockChars
    this.#index = new PrefixIndex(Math.floor(fallback * o.lruCapacityFactor))
  }

  /** charsPerToken is the learned ratio of prompt characters to server tokens. */
  get charsPerToken(): number {
    return this.#charsSeen / this.#tokensSeen
  }

  pick(candidates: readonly Endpoint[], req: PickRequest): Attempt | undefined {
    const prompt = req.prompt ?? NO_PROMPT
    if (candidates.length <= 1) {
      const only = candidates[0]
      return only && new PrefixAttempt(this, only, prompt)
    }
    const now = this.#o.now()
    this.#maybePurge(now)
    const hashes = this.#hashesOf(prompt)
    for (const e of candidates) this.#sync(e, now)
    const pool = withinHotSpotCap(filterOverloaded(candidates, this.#metrics, this.#o), this.#o)
    const keys = pool.map((e) => e.key)
    this.#index.matchAll(hashes, keys, this.#matches)
    const cpt = this.charsPerToken
    const promptTokens = prompt.promptText.length / cpt
    let best = Infinity
    let anyMatch = false
    const costs: number[] = []
    for (let i = 0; i < pool.length; i++) {
      const e = pool[i] as Endpoint
      const load = this.#loads.get(e.key) as EndpointLoad
      const state = this.#metrics?.get(e.key)
      const matched = this.#matches[i] as number
      if (matched > 0) anyMatch = true
      // Requests other clients sent there (scraped, beyond Weir's own in-flight) also decode.
      const foreign = state?.fresh ? Math.max(0, state.running + state.waiting - e.inflight) : 0
      const cost = dispatchCost(
        {
          pendingPrefillTokens: load.pendingPrefillTokens,
          uncachedTokens: Math.max(0, promptTokens - (matched * this.#o.blockChars) / cpt),
          cacheFill: this.#index.size(e.key) / this.#index.capacityOf(e.key),
          prefillRate: load.prefillRate,
          decodingSeqs: load.decoding + foreign,
          loraMs: loraWaitMs(prompt.model, state, this.#o),
        },
        this.#o
      )
      costs.push(cost)
      if (cost < best) best = cost
    }
    return new PrefixAttempt(this, this.#breakTie(pool, costs, best, anyMatch), prompt)
  }

  /** dispatched indexes the prompt on the attempt's endpoint and counts its pending prefill. */
  dispatched(t: PrefixAttempt): void {
    if (t.state !== 'picked') return
    const now = this.#o.now()
    const endpoint = t.endpoint
    const hashes = this.#hashesOf(t.prompt)
    const load = this.#sync(endpoint, now)
    const one = [0]
    this.#index.matchAll(hashes, [endpoint.key], one)
    const matched = one[0] as number
    const cpt = this.charsPerToken
    const uncached = Math.max(0, (t.prompt.promptText.length - matched * this.#o.blockChars) / cpt)
    const pendingAhead = load.pendingPrefillTokens
    load.addPending(uncached)
    load.lastPickedAt = now
    this.#index.insert(endpoint.key, hashes)
    this.#stats.picks++
    this.#stats.predictedHitBlocks += matched
    this.#stats.totalBlocks += hashes.length
    t.hashes = hashes
    t.matchedBlocks = matched
    t.uncachedTokens = uncached
    t.pendingAhead = pendingAhead
    t.dispatchedAt = now
    t.state = 'pending'
  }

  /** firstToken moves the attempt's prefill from pending to decoding. */
  firstToken(t: PrefixAttempt): void {
    if (t.state !== 'pending') return
    const load = this.#loads.get(t.endpoint.key)
    t.state = 'decoding'
    t.firstTokenAt = this.#o.now()
    load?.removePending(t.uncachedTokens)
    if (load) load.decoding++
  }

  /** finished releases the attempt and learns chars/token and the endpoint's prefill rate. */
  finished(t: PrefixAttempt, usage?: ResponseUsage): void {
    if (t.state === 'done') return
    this.#release(t)
    const prompt = usage?.promptTokens
    if (prompt !== undefined && prompt > 0) {
      this.#charsSeen += t.prompt.promptText.length
      this.#tokensSeen += prompt
    }
    if (t.firstTokenAt >= 0) {
      const uncached =
        prompt !== undefined && usage?.cachedTokens !== undefined
          ? prompt - usage.cachedTokens
          : t.uncachedTokens
      this.#loads
        .get(t.endpoint.key)
        ?.observePrefill(t.pendingAhead + uncached, t.firstTokenAt - t.dispatchedAt)
    }
  }

  /** failed releases the attempt and takes back the prefix it indexed (the server never saw it). */
  failed(t: PrefixAttempt): void {
    if (t.state === 'done') return
    this.#release(t)
    this.#index.forget(t.endpoint.key, t.hashes, t.matchedBlocks)
  }

  stats(): PickerStats {
    return { ...this.#stats }
  }

  #release(t: PrefixAttempt): void {
    const load = this.#loads.get(t.endpoint.key)
    if (load && t.state === 'pending') load.removePending(t.uncachedTokens)
    if (load && t.state === 'decoding') load.decoding = Math.max(0, load.decoding - 1)
    t.state = 'done'
  }

  /** Cheapest within tieTolerance; then fewest in flight; then, with no match anywhere, the
   * endpoint chosen longest ago (spreads new prefixes, llm-d's no-hit-LRU); then random. */
  #breakTie(
    pool: readonly Endpoint[],
    costs: readonly number[],
    best: number,
    anyMatch: boolean
  ): Endpoint {
    const limit = best * (1 + this.#o.tieTolerance) + 1e-9
    let tied: Endpoint[] = []
    let fewest = Infinity
    for (let i = 0; i < pool.length; i++) {
      if ((costs[i] as number) > limit) continue
      const e = pool[i] as Endpoint
      if (e.inflight < fewest) {
        fewest = e.inflight
        tied = [e]
      } else if (e.inflight === fewest) tied.push(e)
    }
    if (!anyMatch && tied.length > 1) {
      let oldest = Infinity
      for (const e of tied)
        oldest = Math.min(oldest, (this.#loads.get(e.key) as EndpointLoad).lastPickedAt)
      tied = tied.filter((e) => (this.#loads.get(e.key) as EndpointLoad).lastPickedAt === oldest)
    }
    return tied[Math.floor(this.#o.random() * tied.length)] ?? (pool[0] as Endpoint)
  }

  /** The prompt's block hashes, computed once per prompt object (a retry picks with the same one). */
  #hashesOf(req: Prompt): number[] {
    if (req !== this.#lastPrompt) {
      const o = this.#o
      this.#lastHashes = promptBlockHashes(
        req.model,
        req.promptText,
        o.blockChars,
        o.maxBlocks,
        req.cacheSalt
      )
      this.#lastPrompt = req
    }
    return this.#lastHashes
  }

  /** The endpoint's load record, with its index sized from and reset by its metrics. */
  #sync(e: Endpoint, now: number): EndpointLoad {
    let load = this.#loads.get(e.key)
    if (!load) this.#loads.set(e.key, (load = new EndpointLoad(this.#o.initialPrefillRate)))
    load.lastSeenAt = now
    const state = this.#metrics?.get(e.key)
    if (state) {
      if (state.epoch !== load.epoch) {
        // The server restarted: its cache is empty, so is what we believed about it.
        this.#index.purge(e.key)
        load.epoch = state.epoch
      }
      if (state.numGpuBlocks !== undefined) {
        const chars =
          state.numGpuBlocks * (state.blockSize ?? this.#o.fallbackBlockSize) * this.charsPerToken
        this.#index.setCapacity(e.key, (chars / this.#o.blockChars) * this.#o.lruCapacityFactor)
      }
    }
    return load
  }

  #maybePurge(now: number): void {
    if (now - this.#lastPurgeCheck < PURGE_CHECK_MS) return
    this.#lastPurgeCheck = now
    for (const [key, load] of this.#loads) {
      if (
        now - load.lastSeenAt > this.#o.purgeAfterMs &&
        load.pendingRequests === 0 &&
        load.decoding === 0
      ) {
        this.#loads.delete(key)
        this.#index.purge(key)
      }
    }
  }
}

/** prefixCache is the registry entry: the default picker of an InferencePool. */
export const prefixCache: PickerFactory = {
  type: 'prefix-cache',
  create: (_endpoints, params) => new PrefixCachePicker(params.serverState, { ...DEFAULT_PREFIX_OPTIONS, ...params.options }),
}
