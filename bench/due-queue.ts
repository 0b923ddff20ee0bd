/**
 * A binary min-heap of items by due time, so the rate loader finds the next request to send in
 * O(log n) however many connections it drives.
 */
export class DueQueue<T> {
  readonly #due: number[] = []
  readonly #items: T[] = []

  get size(): number {
    return this.#due.length
  }

  /** The earliest due time, or Infinity when empty. */
  peekDue(): number {
    return this.#due[0] ?? Number.POSITIVE_INFINITY
  }

  push(due: number, item: T): void {
    this.#due.push(due)
    this.#items.push(item)
    let i = this.#due.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if ((this.#due[parent] as number) <= due) break
      this.#swap(i, parent)
      i = parent
    }
  }

  /** Removes and returns the earliest item; undefined when empty. */
  pop(): T | undefined {
    const top = this.#items[0]
    const lastDue = this.#due.pop()
    const lastItem = this.#items.pop()
    if (this.#due.length === 0 || lastDue === undefined || lastItem === undefined) return top
    this.#due[0] = lastDue
    this.#items[0] = lastItem
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest = i
      if (left < this.#due.length && (this.#due[left] as number) < (this.#due[smallest] as number)) {
        smallest = left
      }
      if (right < this.#due.length && (this.#due[right] as number) < (this.#due[smallest] as number)) {
        smallest = right
      }
      if (smallest === i) return top
      this.#swap(i, smallest)
      i = smallest
    }
  }

  #swap(a: number, b: number): void {
    const due = this.#due[a] as number
    this.#due[a] = this.#due[b] as number
    this.#due[b] = due
    const item = this.#items[a] as T
    this.#items[a] = this.#items[b] as T
    this.#items[b] = item
  }
}
