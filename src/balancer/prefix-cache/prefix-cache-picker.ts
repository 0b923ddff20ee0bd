import type { Endpoint } from '../endpoint.ts'
import { EndpointLoad } from './endpoint-load.ts'
import type {
  DispatchTicket,
  InferencePicker,
  PickerStats,
  ResponseUsage,
} from '../../inference/inference-picker.ts'
import type { InferenceRequest } from '../../inference/inference-request.ts'
import type { ServerStateSource } from '../server-state.ts'
import { dispatchCost, loraWaitMs } from './dispatch-cost.ts'
import { filterOverloaded, poolSaturated, withinHotSpotCap } from './guards.ts'
import { promptBlockHashes } from './prefix-hash.ts'
import { PrefixIndex } from './prefix-index.ts'
import type { PrefixPickerOptions } from './options.ts'

/**
 * CHARS_PER_TOKEN_PRIOR_TOKENS weighs the starting chars/token guess as if 20 000 tokens had
 * been observed: a handful of odd responses cannot swing it, a few dozen real ones take over.
 */
const CHARS_PER_TOKEN_PRIOR_TOKENS = 20_000
/** PURGE_CHECK_MS: look for endpoints to forget at most every 10 s (the scan is O(endpoints)). */
const PURGE_CHECK_MS = 10_000

interface Ticket extends DispatchTicket {
  readonly hashes: readonly number[]
  readonly matchedBlocks: number
  readonly uncachedTokens: number
  readonly pendingAhead: number
  readonly promptChars: number
  readonly dispatchedAt: number
  firstTokenAt: number
  state: 'pending' | 'decoding' | 'done'
}

/**
 * PrefixCachePicker is Weir's cost-based, prefix-cache-aware picker (design note §5): it sends a
 * request where its prefill finishes first given the prefix each endpoint probably holds and
 * the prefill Weir itself has already sent there, after filtering full and hot-spot endpoints.
 */
export class PrefixCachePicker implements InferencePicker {
  readonly #o: PrefixPickerOptions
  readonly #metrics: ServerStateSource | undefined
  readonly #index: PrefixIndex
  readonly #loads = new Map<string, EndpointLoad>()
  readonly #matches: number[] = []
  #charsSeen: number
  #tokensSeen = CHARS_PER_TOKEN_PRIOR_TOKENS
  #lastReq: InferenceRequest | undefined
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

  pick(candidates: readonly Endpoint[], req: InferenceRequest): Endpoint {
    if (candidates.length === 1) return candidates[0] as Endpoint
    const now = this.#o.now()
    this.#maybePurge(now)
    const hashes = this.#hashesOf(req)
    for (const e of candidates) this.#sync(e, now)
    const pool = withinHotSpotCap(filterOverloaded(candidates, this.#metrics, this.#o), this.#o)
    const keys = pool.map((e) => e.key)
    this.#index.matchAll(hashes, keys, this.#matches)
    const cpt = this.charsPerToken
    const promptTokens = req.promptText.length / cpt
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
          loraMs: loraWaitMs(req.model, state, this.#o),
        },
        this.#o
      )
      costs.push(cost)
      if (cost < best) best = cost
    }
    return this.#breakTie(pool, costs, best, anyMatch)
  }

  saturated(candidates: readonly Endpoint[]): boolean {
    return poolSaturated(candidates, this.#metrics, this.#o)
  }

  dispatched(endpoint: Endpoint, req: InferenceRequest): DispatchTicket {
    const now = this.#o.now()
    const hashes = this.#hashesOf(req)
    const load = this.#sync(endpoint, now)
    const one = [0]
    this.#index.matchAll(hashes, [endpoint.key], one)
    const matched = one[0] as number
    const cpt = this.charsPerToken
    const uncached = Math.max(0, (req.promptText.length - matched * this.#o.blockChars) / cpt)
    const pendingAhead = load.pendingPrefillTokens
    load.addPending(uncached)
    load.lastPickedAt = now
    this.#index.insert(endpoint.key, hashes)
    this.#stats.picks++
    this.#stats.predictedHitBlocks += matched
    this.#stats.totalBlocks += hashes.length
    const ticket: Ticket = {
      endpoint,
      hashes,
      matchedBlocks: matched,
      uncachedTokens: uncached,
      pendingAhead,
      promptChars: req.promptText.length,
      dispatchedAt: now,
      firstTokenAt: -1,
      state: 'pending',
    }
    return ticket
  }

  firstToken(ticket: DispatchTicket): void {
    const t = ticket as Ticket
    if (t.state !== 'pending') return
    const load = this.#loads.get(t.endpoint.key)
    t.state = 'decoding'
    t.firstTokenAt = this.#o.now()
    load?.removePending(t.uncachedTokens)
    if (load) load.decoding++
  }

  finished(ticket: DispatchTicket, usage?: ResponseUsage): void {
    const t = ticket as Ticket
    if (t.state === 'done') return
    this.#release(t)
    const prompt = usage?.promptTokens
    if (prompt !== undefined && prompt > 0) {
      this.#charsSeen += t.promptChars
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

  failed(ticket: DispatchTicket): void {
    const t = ticket as Ticket
    if (t.state === 'done') return
    this.#release(t)
    this.#index.forget(t.endpoint.key, t.hashes, t.matchedBlocks)
  }

  stats(): PickerStats {
    return { ...this.#stats }
  }

  #release(t: Ticket): void {
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

  #hashesOf(req: InferenceRequest): number[] {
    if (req !== this.#lastReq) {
      const o = this.#o
      this.#lastHashes = promptBlockHashes(
        req.model,
        req.promptText,
        o.blockChars,
        o.maxBlocks,
        req.cacheSalt
      )
      this.#lastReq = req
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
