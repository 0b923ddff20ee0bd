import type { Endpoint } from '../balancer/endpoint.ts'
import type { ScrapedState, ServerState, ServerStateSource } from '../balancer/server-state.ts'
import { parseServerState } from './parse-server-state.ts'

/**
 * DEFAULT_INTERVAL_MS: scrape every 100 ms — GIE scrapes every 50 ms, but Weir counts its own
 * in-flight and pending-prefill work synchronously, so the scrape only has to catch what other
 * clients and the server's own queueing add; 100 ms halves the scrape load (10/s per endpoint).
 */
const DEFAULT_INTERVAL_MS = 100
/** DEFAULT_STALENESS_MS: a state older than 1 s (10 missed scrapes) is not trusted for routing. */
const DEFAULT_STALENESS_MS = 1000

/** FetchLike is the part of fetch the scraper uses (tests and the lab pass their own). */
export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>

/** MetricsOptions configure the scraper; all are optional. */
export interface MetricsOptions {
  intervalMs?: number
  stalenessMs?: number
  fetch?: FetchLike
  /** Monotonic clock in ms; performance.now by default. */
  now?: () => number
}

/**
 * ModelServerMetrics scrapes GET http://<endpoint>/metrics of every endpoint on a timer and keeps
 * the parsed state: vLLM V1 or V0 names, never throwing on bad text, one scrape per endpoint in
 * flight at a time. The timer is unref'd so it never keeps a process alive.
 */
export class ModelServerMetrics implements ServerStateSource {
  readonly #intervalMs: number
  readonly #stalenessMs: number
  readonly #fetch: FetchLike
  readonly #now: () => number
  readonly #states = new Map<string, ServerState>()
  readonly #inFlight = new Set<string>()
  #keys: string[] = []
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(options: MetricsOptions = {}) {
    this.#intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS
    this.#stalenessMs = options.stalenessMs ?? DEFAULT_STALENESS_MS
    this.#fetch = options.fetch ?? ((url, init) => fetch(url, init))
    this.#now = options.now ?? (() => performance.now())
  }

  /** setEndpoints replaces the scraped set; endpoints that stay keep their state. */
  setEndpoints(endpoints: readonly Endpoint[]): void {
    this.#keys = [...new Set(endpoints.map((e) => e.key))]
    const keep = new Set(this.#keys)
    for (const key of this.#states.keys()) if (!keep.has(key)) this.#states.delete(key)
    if (this.#keys.length === 0) this.#stopTimer()
    else if (this.#timer === undefined) {
      this.#timer = setInterval(() => void this.scrapeOnce(), this.#intervalMs)
      this.#timer.unref?.()
      void this.scrapeOnce()
    }
  }

  /** get returns the endpoint's latest state with `fresh` evaluated now, or undefined if none yet. */
  get(endpointKey: string): ServerState | undefined {
    const state = this.#states.get(endpointKey)
    if (state) state.fresh = this.#now() - state.updatedAt <= this.#stalenessMs
    return state
  }

  /** scrapeOnce scrapes every endpoint that has no scrape in flight; resolves when all are done. */
  async scrapeOnce(): Promise<void> {
    await Promise.all(this.#keys.filter((k) => !this.#inFlight.has(k)).map((k) => this.#scrape(k)))
  }

  /** stop ends scraping; states stay readable (and turn stale). */
  stop(): void {
    this.#stopTimer()
    this.#keys = []
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
  }

  async #scrape(key: string): Promise<void> {
    this.#inFlight.add(key)
    try {
      const response = await this.#fetch(`http://${key}/metrics`, {
        signal: AbortSignal.timeout(this.#stalenessMs),
      })
      if (!response.ok) return
      const scraped = parseServerState(await response.text())
      // An endpoint removed while its scrape was in flight must not come back.
      if (scraped && this.#keys.includes(key)) this.#store(key, scraped)
    } catch {
      // Unreachable or slow: the state turns stale and the picker fails open.
    } finally {
      this.#inFlight.delete(key)
    }
  }

  #store(key: string, scraped: ScrapedState): void {
    const previous = this.#states.get(key)
    let epoch = previous?.epoch ?? 0
    if (previous) {
      const restarted =
        (scraped.startTime !== undefined &&
          previous.startTime !== undefined &&
          scraped.startTime !== previous.startTime) ||
        (scraped.counter !== undefined &&
          previous.counter !== undefined &&
          scraped.counter < previous.counter)
      if (restarted) epoch++
    }
    this.#states.set(key, { ...scraped, fresh: true, updatedAt: this.#now(), epoch })
  }
}
