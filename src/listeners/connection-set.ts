/** Closable is a client connection as the drain logic sees it. */
export interface Closable {
  readonly idle: boolean
  close(): void
  destroy(): void
}

/**
 * ConnectionSet tracks a listener socket's open connections so a drain can close idle ones at
 * once, let busy ones finish their request, and force the rest closed at the deadline.
 */
export class ConnectionSet<C extends Closable> {
  readonly #open = new Set<C>()
  #waiters: (() => void)[] = []

  add(c: C): void {
    this.#open.add(c)
  }

  delete(c: C): void {
    this.#open.delete(c)
    if (this.#open.size === 0) {
      const waiters = this.#waiters
      this.#waiters = []
      for (const w of waiters) w()
    }
  }

  values(): IterableIterator<C> {
    return this.#open.values()
  }

  get size(): number {
    return this.#open.size
  }

  /** drain closes idle connections, asks busy ones to close after their response, and waits. */
  async drain(timeoutMs: number): Promise<void> {
    for (const c of [...this.#open]) c.close()
    if (this.#open.size === 0) return
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([
      new Promise<void>((resolve) => this.#waiters.push(resolve)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs)
      }),
    ])
    clearTimeout(timer)
    for (const c of [...this.#open]) c.destroy()
  }
}
