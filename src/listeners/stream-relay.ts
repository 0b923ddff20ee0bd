import type { Socket } from 'node:net'

/** RelayEnd is how a relayed connection ended, for the access log. */
export interface RelayEnd {
  readonly reason: 'done' | 'idle' | 'error' | 'closed'
  /** Bytes from the client to the upstream, and back. */
  readonly bytesUp: number
  readonly bytesDown: number
}

/**
 * relay splices two connected sockets both ways. `pipe` gives backpressure (a slow reader pauses
 * the other side) and half-close: when one side ends, the other's write side is ended and the
 * reverse direction carries on until it ends too (both sockets are allowHalfOpen). An error on
 * either side, or `idleMs` without a byte in either direction, destroys both. `onEnd` runs once,
 * when both sockets are closed.
 */
export function relay(client: Socket, upstream: Socket, idleMs: number, onEnd: (end: RelayEnd) => void): { destroy(): void } {
  let reason: RelayEnd['reason'] = 'done'
  let open = 2
  const destroy = (why: RelayEnd['reason']): void => {
    if (reason === 'done') reason = why
    client.destroy()
    upstream.destroy()
  }
  const closed = (): void => {
    if (--open > 0) {
      // One side went away entirely (reset, not a half-close): nothing more can be relayed.
      if (client.destroyed !== upstream.destroyed) destroy(reason)
      return
    }
    onEnd({ reason, bytesUp: upstream.bytesWritten, bytesDown: client.bytesWritten })
  }
  for (const s of [client, upstream]) {
    s.setTimeout(idleMs)
    s.on('timeout', () => destroy('idle'))
    s.on('error', () => destroy('error'))
    s.once('close', closed)
  }
  upstream.pipe(client)
  client.pipe(upstream)
  client.resume()
  return { destroy: () => destroy('closed') }
}
