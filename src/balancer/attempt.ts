import type { Endpoint } from './endpoint.ts'

/** ResponseUsage is the token accounting of a finished response, when the response carried it. */
export interface ResponseUsage {
  promptTokens?: number
  cachedTokens?: number
  completionTokens?: number
}

/**
 * Attempt is one try of a request on the endpoint a picker chose; whoever sends the request
 * reports back what happened (the endpoint picker's pre/post cycle). The caller counts
 * `endpoint.inflight` itself, calls `dispatched` once when it sends, `firstByte` when the first
 * response byte arrives, and then exactly one of `finished` (the response ended, or the client
 * left after the first byte) or `failed` (no byte came: connect error, a retried status); later
 * calls are ignored.
 */
export interface Attempt {
  readonly endpoint: Endpoint
  dispatched(): void
  firstByte(): void
  finished(usage?: ResponseUsage): void
  failed(): void
}

/**
 * UntrackedAttempt is the attempt of pickers that learn nothing from a request (all but
 * prefix-cache). Each Endpoint owns one, so an HTTP pick allocates nothing.
 */
export class UntrackedAttempt implements Attempt {
  constructor(readonly endpoint: Endpoint) {}
  dispatched(): void {}
  firstByte(): void {}
  finished(): void {}
  failed(): void {}
}
