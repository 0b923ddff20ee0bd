import { cacheableBlocks } from './cacheable-blocks.ts'
import { EngineStats } from './histogram.ts'
import { KvBlockPool } from './kv-block-pool.ts'
import { LoraSlots } from './lora-slots.ts'
import type { EngineProfile } from './profiles.ts'
import { Sequence } from './sequence.ts'
import type { SimRequest } from './sim-request.ts'

/**
 * ADMIT_HEADROOM_BLOCKS is the spare block a request needs on admission beyond its prompt, so its
 * first decode steps do not immediately preempt someone (the design note's "+1 block headroom").
 */
const ADMIT_HEADROOM_BLOCKS = 1

interface PlanItem {
  readonly seq: Sequence
  readonly tokens: number
}

/** EngineOptions override a profile per server and make jitter reproducible. */
export interface EngineOptions {
  readonly numGpuBlocks?: number
  readonly random?: () => number
}

/**
 * SimEngine is one vLLM-like model server on a caller-supplied clock (ms): continuous batching
 * with a token budget per step (chunked prefill), FCFS admission gated by free KV blocks, prefix
 * cache hits that skip prefill, recompute preemption, and LoRA slots. A step is planned by
 * beginStep (which returns its duration) and takes effect at endStep; the discrete-event lab and
 * the real-time HTTP loop drive the same object.
 */
export class SimEngine {
  readonly stats = new EngineStats()
  readonly pool: KvBlockPool
  readonly waiting: Sequence[] = []
  readonly running: Sequence[] = []
  readonly #loras: LoraSlots
  readonly #random: () => number
  #plan: PlanItem[] = []
  #stepping = false

  constructor(
    readonly profile: EngineProfile,
    options: EngineOptions = {}
  ) {
    this.pool = new KvBlockPool(options.numGpuBlocks ?? profile.numGpuBlocks)
    this.#loras = new LoraSlots(profile.maxLoras)
    this.#random = options.random ?? Math.random
  }

  /** submit queues a request; throws when it can never fit (vLLM answers 400 for those). */
  submit(request: SimRequest, now: number): Sequence {
    const total = request.promptTokens + request.maxTokens
    if (total > this.profile.maxModelLen) {
      throw new Error(
        `prompt + max_tokens = ${total} exceeds max_model_len ${this.profile.maxModelLen}`
      )
    }
    if (Math.ceil(total / this.profile.blockSize) + ADMIT_HEADROOM_BLOCKS > this.pool.numBlocks) {
      throw new Error(`request needs more KV blocks than the server has (${this.pool.numBlocks})`)
    }
    const seq = new Sequence(request, now)
    this.waiting.push(seq)
    return seq
  }

  /** abort drops a request (client went away); its blocks are freed now or when its step ends. */
  abort(seq: Sequence): void {
    if (seq.status === 'waiting') {
      const i = this.waiting.indexOf(seq)
      if (i >= 0) this.waiting.splice(i, 1)
      seq.status = 'aborted'
    } else if (seq.status === 'running') {
      if (this.#stepping) seq.abortRequested = true
      else this.#retire(seq, 'aborted')
    }
  }

  /** hasWork tells whether a step would do anything. */
  hasWork(): boolean {
    return this.running.length > 0 || this.waiting.length > 0
  }

  /** kvUsage is the fraction of KV blocks held by sequences (vllm:kv_cache_usage_perc). */
  get kvUsage(): number {
    return this.pool.usedCount / this.pool.numBlocks
  }

  /** runningAdapters and waitingAdapters feed vllm:lora_requests_info. */
  runningAdapters(): string[] {
    return this.#loras.runningAdapters()
  }

  /** waitingAdapters lists the distinct adapters of queued requests. */
  waitingAdapters(): string[] {
    const set = new Set<string>()
    for (const seq of this.waiting) if (seq.request.adapter) set.add(seq.request.adapter)
    return [...set]
  }

  /** beginStep plans the next batch at `now` and returns its duration in ms (0: nothing to do). */
  beginStep(now: number): number {
    const p = this.profile
    let budget = p.maxNumBatchedTokens
    let prefillTokens = 0
    let decodeSeqs = 0
    let contextTokens = 0
    let loadMs = 0
    const preemptionsBefore = this.stats.preemptions
    const plan: PlanItem[] = []
    for (let i = 0; i < this.running.length && budget > 0; i++) {
      const seq = this.running[i] as Sequence
      if (seq.inPrefill) {
        const n = Math.min(seq.prefillTarget - seq.numComputed, budget)
        plan.push({ seq, tokens: n })
        budget -= n
        prefillTokens += n
        contextTokens += seq.numComputed + n
        continue
      }
      // A decode step writes the KV of the last token: it may need a fresh block.
      const need = Math.ceil((seq.numComputed + 1) / p.blockSize) - seq.blocks.length
      if (need > 0 && !this.#allocateOrPreempt(seq, need)) break
      plan.push({ seq, tokens: 1 })
      budget -= 1
      decodeSeqs++
      contextTokens += seq.numComputed + 1
    }
    // Like vLLM, a step that had to preempt admits nobody new.
    if (this.stats.preemptions === preemptionsBefore) {
      for (let w = 0; w < this.waiting.length && budget > 0; ) {
        if (this.running.length >= p.maxNumSeqs) break
        const seq = this.waiting[w] as Sequence
        const admitted = this.#admit(seq, now)
        if (admitted === 'kv-full') break
        if (admitted === 'lora-blocked') {
          w++
          continue
        }
        if (admitted === 'load') loadMs += p.cLoraLoadMs
        this.waiting.splice(w, 1)
        const n = Math.min(seq.prefillTarget - seq.numComputed, budget)
        plan.push({ seq, tokens: n })
        budget -= n
        prefillTokens += n
        contextTokens += seq.numComputed + n
      }
    }
    this.#plan = plan
    if (plan.length === 0) return 0
    this.#stepping = true
    const base =
      p.c0Ms +
      p.cPrefillMsPerToken * prefillTokens +
      (p.cAttnMsPer1kCtx * contextTokens) / 1000 +
      p.cDecodeMsPerSeq * decodeSeqs
    const jitter = p.jitter > 0 ? 1 + p.jitter * (2 * this.#random() - 1) : 1
    return base * jitter + loadMs
  }

  /** endStep applies the planned step at `now`: KV computed, tokens generated, hooks called. */
  endStep(now: number): void {
    this.#stepping = false
    const plan = this.#plan
    this.#plan = []
    for (const { seq, tokens } of plan) {
      if (seq.abortRequested) {
        this.#retire(seq, 'aborted')
        continue
      }
      if (seq.status !== 'running') continue
      const wasPrefill = seq.inPrefill
      const before = seq.numComputed
      seq.numComputed += tokens
      if (wasPrefill) {
        this.#registerComputed(seq, before)
        if (seq.inPrefill) continue
      }
      this.#emitToken(seq, now)
    }
    for (let i = this.running.length - 1; i >= 0; i--) {
      const seq = this.running[i] as Sequence
      if (seq.abortRequested) this.#retire(seq, 'aborted')
    }
  }

  #emitToken(seq: Sequence, now: number): void {
    seq.generated++
    this.stats.generationTokens++
    const hooks = seq.request.hooks
    if (seq.firstTokenAt < 0) {
      seq.firstTokenAt = now
      this.stats.ttft.observe((now - seq.arrivedAt) / 1000)
      hooks?.onFirstToken?.(seq, now)
    } else {
      this.stats.itl.observe((now - seq.lastTokenAt) / 1000)
    }
    seq.lastTokenAt = now
    hooks?.onToken?.(seq, now)
    if (seq.generated >= seq.request.maxTokens) {
      this.#retire(seq, 'finished')
      seq.finishedAt = now
      this.stats.requestsFinished++
      this.stats.e2e.observe((now - seq.arrivedAt) / 1000)
      hooks?.onFinish?.(seq, now)
    }
  }

  /** Names the prompt blocks this chunk completed, so later requests can hit them. */
  #registerComputed(seq: Sequence, before: number): void {
    const bs = this.profile.blockSize
    const hashes = seq.request.blockHashes
    const end = Math.min(Math.floor(seq.numComputed / bs), hashes.length)
    for (let b = Math.floor(before / bs); b < end; b++) {
      this.pool.register(seq.blocks[b] as number, hashes[b] as bigint)
    }
  }

  #admit(seq: Sequence, now: number): 'ok' | 'load' | 'kv-full' | 'lora-blocked' {
    const bs = this.profile.blockSize
    const r = seq.request
    const hits = this.pool.matchPrefix(r.blockHashes, cacheableBlocks(seq.prefillTarget, bs))
    const fresh = Math.ceil(seq.prefillTarget / bs) - hits
    const available = this.pool.freeCount - this.pool.freeHitBlocks(r.blockHashes, hits)
    if (fresh + ADMIT_HEADROOM_BLOCKS > available) return 'kv-full'
    let lora: 'resident' | 'load' = 'resident'
    if (r.adapter !== undefined) {
      const slot = this.#loras.admit(r.adapter)
      if (slot === 'blocked') return 'lora-blocked'
      lora = slot
    }
    this.pool.acquireCached(r.blockHashes, hits, seq.blocks)
    this.pool.allocate(fresh, seq.blocks)
    seq.numComputed = hits * bs
    seq.status = 'running'
    this.running.push(seq)
    this.stats.prefixCacheQueries += seq.prefillTarget
    this.stats.prefixCacheHits += hits * bs
    if (seq.cachedTokens < 0) {
      seq.cachedTokens = hits * bs
      seq.admittedAt = now
      this.stats.promptTokens += r.promptTokens
      this.stats.queueTime.observe((now - seq.arrivedAt) / 1000)
    }
    return lora === 'load' ? 'load' : 'ok'
  }

  /**
   * Gets `need` blocks for a decoding sequence, preempting the most recently admitted sequences
   * (recompute: blocks freed, back to the front of the queue) until it fits; false when the
   * sequence itself had to go.
   */
  #allocateOrPreempt(seq: Sequence, need: number): boolean {
    while (!this.pool.allocate(need, seq.blocks)) {
      const victim = this.running[this.running.length - 1] as Sequence
      this.#preempt(victim)
      if (victim === seq) return false
    }
    return true
  }

  #preempt(seq: Sequence): void {
    this.stats.preemptions++
    this.#release(seq)
    seq.status = 'waiting'
    // Recompute: the prompt and all output but the last token are prefilled again.
    seq.prefillTarget = seq.request.promptTokens + Math.max(0, seq.generated - 1)
    seq.numComputed = 0
    this.waiting.unshift(seq)
  }

  #retire(seq: Sequence, status: 'finished' | 'aborted'): void {
    this.#release(seq)
    seq.status = status
  }

  #release(seq: Sequence): void {
    const i = this.running.indexOf(seq)
    if (i >= 0) this.running.splice(i, 1)
    this.pool.release(seq.blocks)
    seq.blocks.length = 0
    if (seq.request.adapter !== undefined) this.#loras.release(seq.request.adapter)
  }
}
