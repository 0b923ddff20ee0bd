import type { RetryPolicy, SessionPersistenceModel } from '../model.ts'
import { parseDuration } from '../resources/durations.ts'

/** DEFAULT_RETRY_ATTEMPTS applies when `retry` leaves `attempts` out (Envoy's default is 1 too). */
export const DEFAULT_RETRY_ATTEMPTS = 1
/** DEFAULT_RETRY_BACKOFF_MS applies when `retry` leaves `backoff` out (Envoy's base interval). */
export const DEFAULT_RETRY_BACKOFF_MS = 25
/** DEFAULT_SESSION_NAME names the cookie or header of session persistence when none is given. */
export const DEFAULT_SESSION_NAME = 'weir-session'

/**
 * parseRetry reads `rules[].retry` (HTTPRouteRetry). With a retry stanza Weir also retries on
 * connection errors and resets before a response, as the spec says implementations should.
 */
export function parseRetry(raw: { codes?: number[]; attempts?: number; backoff?: string } | undefined): RetryPolicy | undefined {
  if (!raw) return undefined
  return {
    codes: raw.codes ?? [],
    attempts: raw.attempts ?? DEFAULT_RETRY_ATTEMPTS,
    backoffMs: (raw.backoff !== undefined ? parseDuration(raw.backoff) : undefined) ?? DEFAULT_RETRY_BACKOFF_MS,
    onConnectionError: true,
  }
}

/** parseSessionPersistence reads a SessionPersistence block (rules or XBackendTrafficPolicy). */
export function parseSessionPersistence(
  raw: { sessionName?: string; absoluteTimeout?: string; type?: string; cookieConfig?: { lifetimeType?: string } } | undefined
): SessionPersistenceModel | undefined {
  if (!raw) return undefined
  const absolute = raw.absoluteTimeout !== undefined ? parseDuration(raw.absoluteTimeout) : undefined
  return {
    type: raw.type === 'Header' ? 'Header' : 'Cookie',
    sessionName: raw.sessionName ?? DEFAULT_SESSION_NAME,
    ...(absolute !== undefined ? { absoluteTimeoutMs: absolute } : {}),
    lifetime: raw.cookieConfig?.lifetimeType === 'Permanent' ? 'Permanent' : 'Session',
  }
}
