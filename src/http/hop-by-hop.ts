/**
 * Connection-specific header fields (RFC 9110 §7.6.1) that a proxy must not forward, in either
 * direction. Fields named in the Connection header are dropped too (see `isHopByHop`).
 */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'transfer-encoding',
  'upgrade',
  // Only meaningful with an h2c upgrade, which Weir never passes on (http1/upgrade-protocols.ts).
  'http2-settings',
])

/** isHopByHop tells whether a lower-cased header name is connection-specific for this message. */
export function isHopByHop(name: string, connectionTokens: readonly string[]): boolean {
  return HOP_BY_HOP.has(name) || (connectionTokens.length > 0 && connectionTokens.includes(name))
}
