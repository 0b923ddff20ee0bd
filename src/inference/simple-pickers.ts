import type { Endpoint } from '../balancer/endpoint.ts'
import type { DispatchTicket, InferencePicker, PickerStats } from './inference-picker.ts'
import type { InferenceRequest } from './inference-request.ts'
import type { ServerStateSource } from '../balancer/server-state.ts'
import { poolSaturated } from '../balancer/prefix-cache/guards.ts'
import type { PrefixPickerOptions } from '../balancer/prefix-cache/options.ts'

/**
 * BlindPicker is the base of the cache-blind baselines: they keep no per-request state, but
 * detect saturation the same way as the prefix-cache picker so shedding compares fairly.
 */
abstract class BlindPicker implements InferencePicker {
  #picks = 0

  constructor(
    readonly metrics: ServerStateSource | undefined,
    readonly options: PrefixPickerOptions
  ) {}

  protected abstract choose(candidates: readonly Endpoint[]): Endpoint

  pick(candidates: readonly Endpoint[], _req: InferenceRequest): Endpoint {
    return this.choose(candidates)
  }

  saturated(candidates: readonly Endpoint[]): boolean {
    return poolSaturated(candidates, this.metrics, this.options)
  }

  dispatched(endpoint: Endpoint, _req: InferenceRequest): DispatchTicket {
    this.#picks++
    return { endpoint }
  }

  firstToken(_ticket: DispatchTicket): void {}
  finished(_ticket: DispatchTicket): void {}
  failed(_ticket: DispatchTicket): void {}

  stats(): PickerStats {
    return { picks: this.#picks, predictedHitBlocks: 0, totalBlocks: 0 }
  }
}

/** RoundRobinPicker takes the candidates in turn (nginx's default upstream balancing). */
export class RoundRobinPicker extends BlindPicker {
  #next = 0

  protected choose(candidates: readonly Endpoint[]): Endpoint {
    const e = candidates[this.#next % candidates.length] as Endpoint
    this.#next = (this.#next + 1) % 1_000_000_007
    return e
  }
}

/**
 * LeastRequestPicker takes the endpoint with the fewest requests in flight, random among ties
 * (nginx least_conn).
 */
export class LeastRequestPicker extends BlindPicker {
  protected choose(candidates: readonly Endpoint[]): Endpoint {
    let fewest = Infinity
    let tied: Endpoint[] = []
    for (const e of candidates) {
      if (e.inflight < fewest) {
        fewest = e.inflight
        tied = [e]
      } else if (e.inflight === fewest) tied.push(e)
    }
    return tied[Math.floor(this.options.random() * tied.length)] as Endpoint
  }
}

/** RandomPicker takes a uniformly random candidate. */
export class RandomPicker extends BlindPicker {
  protected choose(candidates: readonly Endpoint[]): Endpoint {
    return candidates[Math.floor(this.options.random() * candidates.length)] as Endpoint
  }
}
