/** Deadline is something that must happen by a time, unless cancelled first. */
export interface Deadline {
  /** `performance.now()` milliseconds at which `expire` runs. */
  at: number
  expire(): void
}

/**
 * TICK_MS is the granularity of request timeouts. One sweep per tick over the in-flight set is
 * much cheaper than a timer per request at tens of thousands of requests per second, and 10 ms
 * is far below any timeout a route can usefully set.
 */
const TICK_MS = 10

/**
 * Deadlines runs timeouts for in-flight requests: `add` and `delete` are Set operations, and a
 * single unref'd interval sweeps the set while it is not empty.
 */
export class Deadlines {
  readonly #set = new Set<Deadline>()
  #timer: ReturnType<typeof setInterval> | undefined

  /** add schedules a deadline; delete it when the work finishes in time. */
  add(d: Deadline): void {
    this.#set.add(d)
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#sweep(), TICK_MS)
      this.#timer.unref?.()
    }
  }

  /** delete cancels a deadline (a no-op if it already expired). */
  delete(d: Deadline): void {
    this.#set.delete(d)
  }

  get size(): number {
    return this.#set.size
  }

  #sweep(): void {
    const now = performance.now()
    for (const d of this.#set) {
      if (d.at <= now) {
        this.#set.delete(d)
        d.expire()
      }
    }
    if (this.#set.size === 0 && this.#timer) {
      clearInterval(this.#timer)
      this.#timer = undefined
    }
  }
}

/** deadlines is the process-wide sweeper used by the request path. */
export const deadlines = new Deadlines()
