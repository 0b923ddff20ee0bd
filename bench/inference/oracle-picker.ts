import type { Endpoint } from '../../src/balancer/endpoint.ts'
import type {
  DispatchTicket,
  InferencePicker,
  PickerStats,
} from '../../src/inference/inference-picker.ts'
import type { InferenceRequest } from '../../src/inference/inference-request.ts'
import { poolSaturated } from '../../src/inference/picker-guards.ts'
import { DEFAULT_PREFIX_OPTIONS } from '../../src/inference/prefix-picker-options.ts'
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
export class OraclePicker implements InferencePicker {
  #picks = 0
  #hit = 0
  #blocks = 0

  constructor(
    readonly cluster: LabCluster,
    readonly info: (req: InferenceRequest) => TokenInfo,
    readonly random: () => number
  ) {}

  pick(candidates: readonly Endpoint[], req: InferenceRequest): Endpoint {
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
    return tied[Math.floor(this.random() * tied.length)] as Endpoint
  }

  saturated(candidates: readonly Endpoint[]): boolean {
    return poolSaturated(candidates, this.cluster, DEFAULT_PREFIX_OPTIONS)
  }

  dispatched(endpoint: Endpoint, req: InferenceRequest): DispatchTicket {
    const t = this.info(req)
    const engine = this.cluster.serverOf(endpoint).engine
    this.#picks++
    this.#hit +=
      cachedPromptTokens(engine, t.blockHashes, t.promptTokens) / engine.profile.blockSize
    this.#blocks += t.blockHashes.length
    return { endpoint }
  }

  firstToken(_ticket: DispatchTicket): void {}
  finished(_ticket: DispatchTicket): void {}
  failed(_ticket: DispatchTicket): void {}

  stats(): PickerStats {
    return { picks: this.#picks, predictedHitBlocks: this.#hit, totalBlocks: this.#blocks }
  }
}
