import type { Attempt } from './attempt.ts'
import type { Endpoint } from './endpoint.ts'
import type { Balancer, Picker, PickRequest } from './picker.ts'

/**
 * EndpointSet is the endpoints a picker chooses from: one backend's, in one configuration
 * snapshot. `pick` is the seam the proxy calls for every attempt (Pingora's `select_with`): it
 * skips endpoints that are ejected or failing active health checks, and those already tried for
 * this request; when every endpoint is out it fails open and tries them anyway, since a
 * possibly-down endpoint beats a certain 503.
 */
export class EndpointSet implements Balancer {
  readonly #endpoints: readonly Endpoint[]
  readonly #picker: Picker
  readonly #bySession = new Map<string, Endpoint>()

  constructor(endpoints: readonly Endpoint[], picker: Picker) {
    this.#endpoints = endpoints
    this.#picker = picker
    for (const e of endpoints) this.#bySession.set(sessionId(e), e)
  }

  get size(): number {
    return this.#endpoints.length
  }

  get endpoints(): readonly Endpoint[] {
    return this.#endpoints
  }

  /** pick chooses an endpoint not in `tried` for `req`, or returns undefined when none is left. */
  pick(req: PickRequest, tried: readonly Endpoint[] | undefined): Attempt | undefined {
    const all = this.#endpoints
    if (all.length === 0) return undefined
    const now = performance.now()
    if (tried === undefined || tried.length === 0) {
      if (allAvailable(all, now)) return this.#picker.pick(all, req)
    }
    const fresh = tried ? all.filter((e) => !tried.includes(e)) : all
    const healthy = fresh.filter((e) => e.available(now))
    return this.#picker.pick(healthy.length > 0 ? healthy : fresh, req)
  }

  /** bySession finds the endpoint a session id names, if it is still in the set and usable. */
  bySession(id: string): Endpoint | undefined {
    const e = this.#bySession.get(id)
    return e && e.available(performance.now()) ? e : undefined
  }
}

/**
 * sessionId names an endpoint in a session cookie or header without revealing its address: a
 * hash of `address:port`, stable across reloads and restarts.
 */
export function sessionId(e: Endpoint): string {
  return Bun.hash(e.key).toString(36)
}

function allAvailable(list: readonly Endpoint[], now: number): boolean {
  for (let i = 0; i < list.length; i++) if (!(list[i] as Endpoint).available(now)) return false
  return true
}
