import { UntrackedAttempt } from './attempt.ts'

/**
 * EJECT_AFTER_FAILURES and EJECT_FOR_MS are the passive health check: like nginx's defaults
 * (max_fails=1, fail_timeout=10s), an endpoint that refuses a connection is skipped for 10 s.
 */
const EJECT_AFTER_FAILURES = 1
const EJECT_FOR_MS = 10_000

/**
 * Endpoint is the runtime state of one `address:port`: requests in flight and passive health.
 * It lives in the EndpointRegistry, not in a configuration snapshot, so it survives reloads.
 */
export class Endpoint {
  readonly key: string
  inflight = 0
  consecutiveFailures = 0
  ejectedUntil = 0
  /** False while an active health check reports the endpoint down. */
  activeHealthy = true
  /** The attempt a picker that keeps no per-request state returns for this endpoint. */
  readonly attempt: UntrackedAttempt = new UntrackedAttempt(this)

  constructor(
    readonly address: string,
    readonly port: number
  ) {
    this.key = endpointKey(address, port)
  }

  /** available tells whether the endpoint is healthy and not ejected at `now` (performance.now() ms). */
  available(now: number): boolean {
    return this.activeHealthy && this.ejectedUntil <= now
  }

  /** recordFailure counts a connection failure and ejects the endpoint when there are enough. */
  recordFailure(now: number): void {
    this.consecutiveFailures++
    if (this.consecutiveFailures >= EJECT_AFTER_FAILURES) this.ejectedUntil = now + EJECT_FOR_MS
  }

  /** recordSuccess clears the failure streak. */
  recordSuccess(): void {
    if (this.consecutiveFailures !== 0) {
      this.consecutiveFailures = 0
      this.ejectedUntil = 0
    }
  }
}

/** endpointKey names an endpoint: `address:port`, IPv6 in brackets. */
export function endpointKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`
}

/**
 * EndpointRegistry hands out one Endpoint per `address:port`, shared by every backend and
 * generation that uses it, and forgets the ones no configuration references any more.
 */
export class EndpointRegistry {
  readonly #byKey = new Map<string, Endpoint>()

  /** get returns the endpoint for an address and port, creating it on first use. */
  get(address: string, port: number): Endpoint {
    const key = endpointKey(address, port)
    let e = this.#byKey.get(key)
    if (!e) this.#byKey.set(key, (e = new Endpoint(address, port)))
    return e
  }

  /** retain drops endpoints whose keys are not in `inUse` (and that have no requests in flight). */
  retain(inUse: ReadonlySet<string>): void {
    for (const [key, e] of this.#byKey) {
      if (!inUse.has(key) && e.inflight === 0) this.#byKey.delete(key)
    }
  }

  get size(): number {
    return this.#byKey.size
  }
}
