/**
 * LoraSlots models vLLM's `--max-loras` GPU adapter slots: a batch holds at most `maxLoras`
 * distinct adapters; loading a non-resident adapter costs time and may evict a resident one that
 * no running sequence uses (least recently loaded first).
 */
export class LoraSlots {
  readonly #resident: string[] = []
  readonly #running = new Map<string, number>()

  constructor(readonly maxLoras: number) {}

  /** runningAdapters lists adapters with at least one running sequence. */
  runningAdapters(): string[] {
    return [...this.#running.keys()]
  }

  /**
   * admit reserves a slot for `adapter`; returns 'resident' (no cost), 'load' (pay the load time)
   * or 'blocked' (every slot is used by running sequences: the request keeps waiting).
   */
  admit(adapter: string): 'resident' | 'load' | 'blocked' {
    let result: 'resident' | 'load' = 'resident'
    if (!this.#resident.includes(adapter)) {
      if (this.#resident.length >= this.maxLoras) {
        const victim = this.#resident.findIndex((a) => !this.#running.has(a))
        if (victim < 0) return 'blocked'
        this.#resident.splice(victim, 1)
      }
      this.#resident.push(adapter)
      result = 'load'
    }
    this.#running.set(adapter, (this.#running.get(adapter) ?? 0) + 1)
    return result
  }

  /** release gives back one running sequence's hold on `adapter` (it stays resident). */
  release(adapter: string): void {
    const n = (this.#running.get(adapter) ?? 0) - 1
    if (n <= 0) this.#running.delete(adapter)
    else this.#running.set(adapter, n)
  }
}
