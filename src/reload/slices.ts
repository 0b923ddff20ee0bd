/** SLICE_MS bounds how long one slice of reload work keeps the event loop from requests. */
export const SLICE_MS = 5

/** yieldToEventLoop lets sockets and timers run before the next slice of work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * runInSlices drives a generator that pauses between small units of work, handing the event
 * loop back whenever a slice has run for `sliceMs`, and resolves with the generator's result.
 */
export async function runInSlices<T>(steps: Generator<void, T>, sliceMs = SLICE_MS): Promise<T> {
  let sliceStart = performance.now()
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
    if (performance.now() - sliceStart >= sliceMs) {
      await yieldToEventLoop()
      sliceStart = performance.now()
    }
  }
}
