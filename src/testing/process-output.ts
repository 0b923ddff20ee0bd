import { waitFor } from './harness.ts'

/** ProcessOutput collects what a child process writes, for tests that wait on its log lines. */
export class ProcessOutput {
  text = ''

  constructor(...streams: ReadableStream<Uint8Array>[]) {
    for (const s of streams) {
      void (async () => {
        const decoder = new TextDecoder()
        for await (const chunk of s) this.text += decoder.decode(chunk, { stream: true })
      })()
    }
  }

  /** count tells how many times `needle` occurs in the output so far. */
  count(needle: string): number {
    return this.text.split(needle).length - 1
  }

  /** until waits for `needle` to occur at least `times` times. */
  until(needle: string, times = 1, timeoutMs = 10_000): Promise<void> {
    return waitFor(() => this.count(needle) >= times, timeoutMs, `${JSON.stringify(needle)} ×${times} in the output`)
  }
}
