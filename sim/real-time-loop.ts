import type { SimEngine } from './engine.ts'

/**
 * MAX_CATCH_UP_MS: when a timer fires this late or less, the next step is timed from when the
 * previous one was due (Bun timers overshoot ~1 ms, which would make a 4 ms step 25% slower);
 * later than that the server really was stalled and the clock restarts from now.
 */
const MAX_CATCH_UP_MS = 20

/**
 * RealTimeStepLoop runs an engine on the wall clock with one timer per step: plan a step, sleep
 * its duration, apply it, repeat while there is work. An idle server runs no timers at all.
 */
export class RealTimeStepLoop {
  #timer: ReturnType<typeof setTimeout> | undefined
  #inStep = false
  #stopped = false

  constructor(
    readonly engine: SimEngine,
    readonly now: () => number = () => performance.now()
  ) {}

  /** kick starts stepping soon if the engine has work and no step is planned. */
  kick(): void {
    if (this.#stopped || this.#inStep || this.#timer !== undefined || !this.engine.hasWork()) return
    // setTimeout 0 lets requests that arrive in the same tick join one batch.
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#step(this.now())
    }, 0)
  }

  /** stop cancels the pending timer; the engine keeps its state. */
  stop(): void {
    this.#stopped = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #step(start: number): void {
    if (this.#stopped) return
    const duration = this.engine.beginStep(start)
    if (duration === 0) return
    this.#inStep = true
    const due = start + duration
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined
        this.#inStep = false
        const now = this.now()
        this.engine.endStep(now)
        if (this.engine.hasWork()) this.#step(now - due <= MAX_CATCH_UP_MS ? due : now)
      },
      Math.max(0, due - this.now())
    )
  }
}
