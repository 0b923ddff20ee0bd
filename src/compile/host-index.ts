/**
 * HostIndex finds the value for a request host in Gateway API specificity order: an exact
 * hostname, else the longest wildcard (`*.b.example.com` before `*.example.com`), else the
 * catch-all. Lookups cost one Map probe per label of the host (find-my-way's host storage).
 */
export class HostIndex<T> {
  readonly #exact = new Map<string, T>()
  /** Wildcards keyed by their suffix including the dot: `*.example.com` → `.example.com`. */
  readonly #wildcard = new Map<string, T>()
  #any: T | undefined

  /** set stores a value under an exact hostname, a `*.suffix` wildcard or `*` (any host). */
  set(hostname: string, value: T): void {
    if (hostname === '*') this.#any = value
    else if (hostname.startsWith('*.')) this.#wildcard.set(hostname.slice(1), value)
    else this.#exact.set(hostname, value)
  }

  /** lookup returns the most specific value whose hostname matches `host`. */
  lookup(host: string): T | undefined {
    const exact = this.#exact.get(host)
    if (exact !== undefined) return exact
    if (this.#wildcard.size > 0) {
      // Each dot starts a candidate suffix, longest first; a wildcard needs at least one label
      // before its suffix, which starting at a dot (never at index 0) guarantees.
      for (let i = host.indexOf('.'); i > 0; i = host.indexOf('.', i + 1)) {
        const w = this.#wildcard.get(host.slice(i))
        if (w !== undefined) return w
      }
    }
    return this.#any
  }

  /** entries lists every hostname and value (exact, then wildcards, then `*`). */
  *entries(): Iterable<[string, T]> {
    yield* this.#exact
    for (const [suffix, v] of this.#wildcard) yield [`*${suffix}`, v]
    if (this.#any !== undefined) yield ['*', this.#any]
  }
}
