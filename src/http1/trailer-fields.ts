/**
 * Fields that must not be taken from a trailer section (RFC 9110 §6.5.1): framing, routing,
 * request modifiers, authentication, content metadata and connection-specific fields. A recipient
 * would otherwise act on them as if they had been in the head (a late Host or Content-Length is a
 * request-smuggling vector), so a proxy drops them before passing the trailers on.
 */
const NOT_IN_TRAILERS: ReadonlySet<string> = new Set([
  'content-length',
  'transfer-encoding',
  'host',
  'trailer',
  'te',
  'expect',
  'max-forwards',
  'range',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'content-encoding',
  'content-type',
  'content-range',
  'cache-control',
  'connection',
  'proxy-connection',
  'keep-alive',
  'upgrade',
])

/** forwardableTrailer tells whether a lower-cased trailer field name may be passed on. */
export function forwardableTrailer(name: string): boolean {
  return !NOT_IN_TRAILERS.has(name)
}
