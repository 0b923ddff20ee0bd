import type { Attempt } from '../../src/balancer/attempt.ts'
import type { Endpoint } from '../../src/balancer/endpoint.ts'
import type { Picker, PickerStats, PickRequest } from '../../src/balancer/picker.ts'
import {
  cachedPromptTokens,
  plannedPromptTokens,
  queuedPrefillTokens,
} from '../../sim/engine-views.ts'
import type { LabCluster } from './lab-cluster.ts'

/** TokenInfo is a request's exact server-side view: token count and block hashes for its model. */
export interface TokenInfo {
  readonly promptTokens: number
  readonly blockHashes: readonly bigint[]
}

/**
 * OraclePicker reads every engine's true state (design note §3): for each endpoint the exact
 * cached prefix of this request and the exact prefill queued there, and picks the minimum
 * predicted TTFT = (queued + uncached) × prefill cost + the running batch's per-step cost; ties
 * go to fewer running sequences. It is greedy per request: an information bound, not a schedule.
 */
export class OraclePicker implements Picker {
  #picks = 0
  #hit = 0
  #blocks = 0

  constructor(
    readonly cluster: LabCluster,
    readonly info: (req: PickRequest) => TokenInfo,
    readonly random: () => number
  ) {}

  pick(candidates: readonly Endpoint[], req: PickRequest): Attempt | undefined {
    if (candidates.length === 0) return undefined
    const t = this.info(req)
    let best = Infinity
    let tied: Endpoint[] = []
    let fewest = Infinity
    for (const e of candidates) {
      const engine = this.cluster.serverOf(e).engine
      const p = engine.profile
      const cached = plannedPromptTokens(engine, t.blockHashes, t.promptTokens)
      const queued = queuedPrefillTokens(engine)
      const cost =
        (queued + t.promptTokens - cached) * p.cPrefillMsPerToken +
        engine.running.length * p.cDecodeMsPerSeq
      const running = engine.running.length
      if (cost < best - 1e-9 || (Math.abs(cost - best) <= 1e-9 && running < fewest)) {
        best = Math.min(best, cost)
        fewest = running
        tied = [e]
      } else if (Math.abs(cost - best) <= 1e-9 && running === fewest) tied.push(e)
    }
    const endpoint = tied[Math.floor(this.random() * tied.length)] as Endpoint
    return { endpoint, dispatched: () => this.#dispatched(endpoint, t), firstByte() {}, finished() {}, failed() {} }
  }

  /** The hit the engine will really give this request there, for the predicted hit ratio. */
  #dispatched(endpoint: Endpoint, t: TokenInfo): void {
    const engine = this.cluster.serverOf(endpoint).engine
    this.#picks++
    this.#hit +=
      cachedPromptTokens(engine, t.blockHashes, t.promptTokens) / engine.profile.blockSize
    this.#blocks += t.blockHashes.length
  }

  stats(): PickerStats {
    return { picks: this.#picks, predictedHitBlocks: this.#hit, totalBlocks: this.#blocks }
  }
}
