/** CONNECT_TIMEOUT_MS bounds a TCP connect to an endpoint (Envoy's default is 10 s too). */
export const CONNECT_TIMEOUT_MS = 10_000
/**
 * RESPONSE_HEADER_TIMEOUT_MS is how long Weir waits for a response head when the route sets no
 * `timeouts.backendRequest` (nginx proxy_read_timeout is 60 s). It does not apply to the body, so
 * a long, quiet event stream is never cut.
 */
export const RESPONSE_HEADER_TIMEOUT_MS = 60_000
/** MAX_CONNECT_ATTEMPTS is how many endpoints one attempt tries when connections fail. */
export const MAX_CONNECT_ATTEMPTS = 3
