/**
 * LatencyProbe sends one request every `intervalMs` (the next one only after the previous
 * answered) and records how long each took: a stalled event loop in the server shows up as one
 * long probe.
 */
export class LatencyProbe {
  #latencies: number[] = []
  #stopped = false
  readonly #done: Promise<void>

  constructor(url: string, intervalMs = 10) {
    this.#done = (async () => {
      while (!this.#stopped) {
        const started = performance.now()
        const res = await fetch(url).catch(() => undefined)
        await res?.arrayBuffer()
        this.#latencies.push(performance.now() - started)
        await Bun.sleep(Math.max(0, intervalMs - (performance.now() - started)))
      }
    })()
  }

  /** take returns the latencies (ms) recorded since the last take. */
  take(): number[] {
    const out = this.#latencies
    this.#latencies = []
    return out
  }

  stop(): Promise<void> {
    this.#stopped = true
    return this.#done
  }
}

/** median of a list of numbers (0 for an empty list). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
}
