/**
 * ClientTimeouts bound how long a client connection may keep Weir waiting, on every listener
 * kind (nginx's model and defaults). Each one ends the socket when it fires.
 */
export interface ClientTimeouts {
  /** The whole request head must arrive within this, counted from its first byte (or from accept). nginx client_header_timeout. */
  readonly headerMs: number
  /** The longest gap between two reads of a request body. nginx client_body_timeout. */
  readonly bodyMs: number
  /** How long a connection may sit idle between requests. nginx keepalive_timeout. */
  readonly keepAliveMs: number
  /** The longest a client may leave a response write blocked (it does not read). nginx send_timeout. */
  readonly sendMs: number
}

export const DEFAULT_CLIENT_TIMEOUTS: ClientTimeouts = {
  headerMs: 60_000,
  bodyMs: 60_000,
  keepAliveMs: 75_000,
  sendMs: 60_000,
}

/** LINGER_MS is how long a connection Weir has ended may wait for the client's FIN before it is dropped. */
export const LINGER_MS = 5_000

/** TimedConnection is a connection with a deadline, checked by its listener's clock. */
export interface TimedConnection {
  /** checkDeadline acts if the connection's current deadline has passed. */
  checkDeadline(now: number): void
}

/**
 * DeadlineClock checks every connection of one listener on a coarse tick, instead of arming a
 * timer per connection per request: setting a deadline is then one store of `now + timeout`,
 * and precision is one tick either way. `now` is the time of the last tick (a cheap clock for deadlines).
 */
export class DeadlineClock {
  now = Date.now()
  readonly #timer: ReturnType<typeof setInterval>

  constructor(
    timeouts: ClientTimeouts,
    connections: () => Iterable<TimedConnection>
  ) {
    const shortest = Math.min(timeouts.headerMs, timeouts.bodyMs, timeouts.keepAliveMs, timeouts.sendMs, LINGER_MS)
    const tickMs = Math.max(20, Math.min(1_000, Math.floor(shortest / 4)))
    this.#timer = setInterval(() => {
      const now = Date.now()
      this.now = now
      for (const c of connections()) c.checkDeadline(now)
    }, tickMs)
    this.#timer.unref?.()
  }

  stop(): void {
    clearInterval(this.#timer)
  }
}
