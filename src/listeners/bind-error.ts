/**
 * Why a listening socket could not be bound, in words an operator can act on: the errno name and
 * number (as nginx prints `bind() to 0.0.0.0:80 failed (98: Address already in use)`). Bun.listen
 * throws, and node:tls emits, errors carrying `code` and `errno`; without them (an unexpected
 * error) the message is all there is.
 */

/** BindError is the reason of one failed bind. */
export interface BindError {
  /** The errno name, like `EADDRINUSE`, when the error carried one. */
  readonly code?: string
  readonly errno?: number
  /** `address already in use (EADDRINUSE, errno 98)`. */
  readonly message: string
}

/** BindFailure is a socket a snapshot needs that could not be bound, and why. */
export interface BindFailure extends BindError {
  /** `address:port`. */
  readonly socketKey: string
}

/** What the usual bind errnos mean for a listener (the strerror texts, for these sockets). */
const MEANINGS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)',
  EADDRNOTAVAIL: 'address not available on this host',
  EAFNOSUPPORT: 'address family not supported',
}

/** describeBindError turns what Bun.listen threw (or node:tls emitted) into a BindError. */
export function describeBindError(err: unknown): BindError {
  const e = (err ?? {}) as { code?: unknown; errno?: unknown; message?: unknown }
  const code = typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code) ? e.code : undefined
  // Node reports errno negated (-98), Bun positive (98).
  const errno = typeof e.errno === 'number' && e.errno !== 0 ? Math.abs(e.errno) : undefined
  const text = typeof e.message === 'string' ? e.message : String(err)
  if (code === undefined) return { message: text }
  const meaning = MEANINGS[code] ?? text
  return { code, ...(errno !== undefined ? { errno } : {}), message: `${meaning} (${code}${errno !== undefined ? `, errno ${errno}` : ''})` }
}
