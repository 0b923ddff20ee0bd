/** LabEvent is something that happens at a virtual time; `seq` keeps equal times in FIFO order. */
interface Entry<T> {
  readonly time: number
  readonly seq: number
  readonly event: T
}

/** EventQueue is a binary min-heap of events by (time, insertion order): a deterministic clock. */
export class EventQueue<T> {
  readonly #heap: Entry<T>[] = []
  #seq = 0

  get size(): number {
    return this.#heap.length
  }

  /** push schedules `event` at `time`. */
  push(time: number, event: T): void {
    const heap = this.#heap
    heap.push({ time, seq: this.#seq++, event })
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.#less(heap[i] as Entry<T>, heap[parent] as Entry<T>)) break
      ;[heap[i], heap[parent]] = [heap[parent] as Entry<T>, heap[i] as Entry<T>]
      i = parent
    }
  }

  /** pop removes and returns the earliest event, or undefined when empty. */
  pop(): { time: number; event: T } | undefined {
    const heap = this.#heap
    const top = heap[0]
    if (!top) return undefined
    const last = heap.pop() as Entry<T>
    if (heap.length > 0) {
      heap[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && this.#less(heap[l] as Entry<T>, heap[m] as Entry<T>)) m = l
        if (r < heap.length && this.#less(heap[r] as Entry<T>, heap[m] as Entry<T>)) m = r
        if (m === i) break
        ;[heap[i], heap[m]] = [heap[m] as Entry<T>, heap[i] as Entry<T>]
        i = m
      }
    }
    return { time: top.time, event: top.event }
  }

  #less(a: Entry<T>, b: Entry<T>): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq)
  }
}
