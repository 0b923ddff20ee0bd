import type { ActiveHealthCheckModel } from '../model.ts'
import type { Endpoint } from './endpoint.ts'

interface Check {
  config: ActiveHealthCheckModel
  endpoints: readonly Endpoint[]
  timer: ReturnType<typeof setInterval>
  /** Consecutive results per endpoint key: positive for passes, negative for failures. */
  streaks: Map<string, number>
}

/**
 * ActiveHealthChecks probes the endpoints of backends whose policy asks for it: an HTTP GET of
 * `path` every `interval`; `unhealthyThreshold` failures in a row mark an endpoint down and
 * `healthyThreshold` successes bring it back (Envoy's and Pingora's consecutive-result rule).
 * Checks are keyed by backend and survive reloads; endpoints left out of every check are healthy.
 */
export class ActiveHealthChecks {
  readonly #checks = new Map<string, Check>()
  readonly #fetch: typeof fetch

  constructor(fetchImpl: typeof fetch = fetch) {
    this.#fetch = fetchImpl
  }

  /** ensure starts (or updates) the check of one backend. */
  ensure(key: string, endpoints: readonly Endpoint[], config: ActiveHealthCheckModel): void {
    const existing = this.#checks.get(key)
    if (existing && sameConfig(existing.config, config)) {
      existing.endpoints = endpoints
      return
    }
    if (existing) clearInterval(existing.timer)
    const check: Check = { config, endpoints, streaks: existing?.streaks ?? new Map(), timer: setInterval(() => this.#probeAll(check), config.intervalMs) }
    check.timer.unref?.()
    this.#checks.set(key, check)
    this.#probeAll(check)
  }

  /** retain stops the checks of backends not in `keys` and marks their endpoints healthy again. */
  retain(keys: ReadonlySet<string>): void {
    for (const [key, check] of this.#checks) {
      if (keys.has(key)) continue
      clearInterval(check.timer)
      for (const e of check.endpoints) e.activeHealthy = true
      this.#checks.delete(key)
    }
  }

  /** stop ends every check. */
  stop(): void {
    this.retain(new Set())
  }

  #probeAll(check: Check): void {
    for (const e of check.endpoints) void this.#probe(check, e)
  }

  async #probe(check: Check, e: Endpoint): Promise<void> {
    const { config } = check
    let ok = false
    try {
      const res = await this.#fetch(`http://${e.key}${config.path}`, { signal: AbortSignal.timeout(config.timeoutMs) })
      ok = config.expectedStatuses.includes(res.status)
      await res.arrayBuffer().catch(() => undefined)
    } catch {
      ok = false
    }
    const streak = check.streaks.get(e.key) ?? 0
    const next = ok ? Math.max(1, streak + 1) : Math.min(-1, streak - 1)
    check.streaks.set(e.key, next)
    if (ok && next >= config.healthyThreshold) e.activeHealthy = true
    if (!ok && -next >= config.unhealthyThreshold) e.activeHealthy = false
  }
}

function sameConfig(a: ActiveHealthCheckModel, b: ActiveHealthCheckModel): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
