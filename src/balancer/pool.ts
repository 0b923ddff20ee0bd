import type { Endpoint } from './endpoint.ts'
import type { Picker } from './picker.ts'

/**
 * Pool is one backend's endpoints and its picker. `pick` skips endpoints that are ejected or were
 * already tried for this request; when every endpoint is ejected it fails open and tries them
 * anyway, since a possibly-down endpoint beats a certain 503.
 */
export class Pool {
  readonly #endpoints: readonly Endpoint[]
  readonly #picker: Picker

  constructor(endpoints: readonly Endpoint[], picker: Picker) {
    this.#endpoints = endpoints
    this.#picker = picker
  }

  get size(): number {
    return this.#endpoints.length
  }

  get endpoints(): readonly Endpoint[] {
    return this.#endpoints
  }

  /** pick chooses an endpoint not in `tried`, or returns undefined when none is left. */
  pick(tried: readonly Endpoint[] | undefined): Endpoint | undefined {
    const all = this.#endpoints
    if (all.length === 0) return undefined
    const now = performance.now()
    if (tried === undefined || tried.length === 0) {
      if (allAvailable(all, now)) return this.#picker.pick(all)
    }
    const fresh = tried ? all.filter((e) => !tried.includes(e)) : all
    const healthy = fresh.filter((e) => e.available(now))
    return this.#picker.pick(healthy.length > 0 ? healthy : fresh)
  }
}

function allAvailable(list: readonly Endpoint[], now: number): boolean {
  for (let i = 0; i < list.length; i++) if (!(list[i] as Endpoint).available(now)) return false
  return true
}
