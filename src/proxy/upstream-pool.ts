import { UpstreamConnection } from './upstream-connection.ts'
import type { ConnectionReturn } from './upstream-listener.ts'

/**
 * IDLE_TIMEOUT_MS closes pooled connections unused for this long. It stays below the keep-alive
 * timeouts of common upstream servers (Node.js 5 s, uvicorn/vLLM 5 s, Bun 10 s), so Weir closes
 * an idle connection before the server does and rarely reuses one the server just dropped.
 */
const IDLE_TIMEOUT_MS = 4_000
/** MAX_IDLE_PER_ENDPOINT bounds idle connections kept per endpoint (nginx `keepalive`). */
const MAX_IDLE_PER_ENDPOINT = 512
const SWEEP_INTERVAL_MS = 1_000

/**
 * UpstreamPool keeps idle keep-alive connections per endpoint (`address:port`) and survives
 * reloads, so a new configuration reuses the connections of the old one. Idle connections are
 * taken last-in first-out, which keeps the warmest connection busy and lets the rest expire.
 */
export class UpstreamPool implements ConnectionReturn {
  readonly #idle = new Map<string, UpstreamConnection[]>()
  #timer: ReturnType<typeof setInterval> | undefined

  /** take returns an idle connection to the endpoint, or undefined if there is none. */
  take(endpointKey: string): UpstreamConnection | undefined {
    const list = this.#idle.get(endpointKey)
    while (list && list.length > 0) {
      const conn = list.pop() as UpstreamConnection
      if (conn.usable) return conn
    }
    return undefined
  }

  /** create makes a new, not yet connected connection that returns to this pool. */
  create(endpointKey: string): UpstreamConnection {
    return new UpstreamConnection(endpointKey, this)
  }

  release(conn: UpstreamConnection): void {
    let list = this.#idle.get(conn.endpointKey)
    if (!list) this.#idle.set(conn.endpointKey, (list = []))
    if (list.length >= MAX_IDLE_PER_ENDPOINT) {
      conn.destroy()
      return
    }
    conn.idleSince = performance.now()
    list.push(conn)
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#sweep(), SWEEP_INTERVAL_MS)
      this.#timer.unref?.()
    }
  }

  forget(conn: UpstreamConnection): void {
    const list = this.#idle.get(conn.endpointKey)
    if (!list) return
    const i = list.indexOf(conn)
    if (i !== -1) list.splice(i, 1)
  }

  /** idleCount reports idle connections per endpoint, for metrics and tests. */
  idleCount(endpointKey?: string): number {
    if (endpointKey !== undefined) return this.#idle.get(endpointKey)?.length ?? 0
    let n = 0
    for (const list of this.#idle.values()) n += list.length
    return n
  }

  /** closeIdle closes every idle connection (on shutdown). */
  closeIdle(): void {
    for (const list of this.#idle.values()) for (const c of [...list]) c.destroy()
    this.#idle.clear()
  }

  #sweep(): void {
    const cutoff = performance.now() - IDLE_TIMEOUT_MS
    let left = 0
    for (const [key, list] of this.#idle) {
      // Oldest first: the list is a stack, so expired connections sit at the bottom.
      while (list.length > 0 && (list[0] as UpstreamConnection).idleSince < cutoff) {
        ;(list.shift() as UpstreamConnection).destroy()
      }
      if (list.length === 0) this.#idle.delete(key)
      left += list.length
    }
    if (left === 0 && this.#timer) {
      clearInterval(this.#timer)
      this.#timer = undefined
    }
  }
}
