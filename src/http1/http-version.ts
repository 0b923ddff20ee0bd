/** VERSION_INCOMPLETE is what matchHttpVersion returns when the bytes end inside a valid prefix. */
export const VERSION_INCOMPLETE = -1
/** VERSION_INVALID is what matchHttpVersion returns when the bytes are not an HTTP-version. */
export const VERSION_INVALID = -2

const httpSlash = [0x48, 0x54, 0x54, 0x50, 0x2f]

// Callers decide which versions they support: a well-formed other version is 505, not 400.
/**
 * matchHttpVersion checks for `"HTTP/" DIGIT "." DIGIT` (RFC 9112 §2.3, case-sensitive) at p and
 * returns major * 10 + minor, VERSION_INCOMPLETE or VERSION_INVALID, reading below limit only.
 */
export function matchHttpVersion(buf: Uint8Array, p: number, limit: number): number {
  for (let k = 0; k < 8; k++) {
    if (p + k >= limit) return VERSION_INCOMPLETE
    const c = buf[p + k]!
    const ok = k < 5 ? c === httpSlash[k] : k === 6 ? c === 0x2e : c >= 0x30 && c <= 0x39
    if (!ok) return VERSION_INVALID
  }
  return (buf[p + 5]! - 0x30) * 10 + buf[p + 7]! - 0x30
}
