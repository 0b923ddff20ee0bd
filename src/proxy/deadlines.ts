/**
 * Deadline is something that must happen by a time unless cancelled first. The links make the
 * in-flight list intrusive: adding and removing a deadline is a few pointer writes, with no hashing
 * and no allocation, which matters at tens of thousands of requests per second.
 */
export abstract class Deadline {
  /** `performance.now()` milliseconds at which `expire` runs. */
  at = Infinity
  prevDeadline: Deadline | null = null
  nextDeadline: Deadline | null = null
  scheduled = false
  abstract expire(): void
}

/**
 * TICK_MS is the granularity of request timeouts: one sweep per tick over the in-flight list is
 * cheaper than a timer per request, and 10 ms is far below any timeout a route can usefully set.
 */
const TICK_MS = 10

/** Deadlines runs timeouts for in-flight work with one unref'd interval while any are pending. */
export class Deadlines {
  #head: Deadline | null = null
  #size = 0
  #timer: ReturnType<typeof setInterval> | undefined

  /** add schedules a deadline (its `at` may change later); a no-op if already scheduled. */
  add(d: Deadline): void {
    if (d.scheduled) return
    d.scheduled = true
    d.prevDeadline = null
    d.nextDeadline = this.#head
    if (this.#head) this.#head.prevDeadline = d
    this.#head = d
    this.#size++
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#sweep(), TICK_MS)
      this.#timer.unref?.()
    }
  }

  /** delete cancels a deadline (a no-op if it is not scheduled). */
  delete(d: Deadline): void {
    if (!d.scheduled) return
    d.scheduled = false
    if (d.prevDeadline) d.prevDeadline.nextDeadline = d.nextDeadline
    else this.#head = d.nextDeadline
    if (d.nextDeadline) d.nextDeadline.prevDeadline = d.prevDeadline
    d.prevDeadline = null
    d.nextDeadline = null
    this.#size--
  }

  get size(): number {
    return this.#size
  }

  #sweep(): void {
    const now = performance.now()
    const due: Deadline[] = []
    for (let d = this.#head; d !== null; d = d.nextDeadline) if (d.at <= now) due.push(d)
    for (const d of due) {
      this.delete(d)
      d.expire()
    }
    if (this.#size === 0 && this.#timer) {
      clearInterval(this.#timer)
      this.#timer = undefined
    }
  }
}

/** deadlines is the process-wide sweeper used by the request path. */
export const deadlines = new Deadlines()
