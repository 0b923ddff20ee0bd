import { HEX_VALUE, IP_LITERAL, REG_NAME } from './char-class.ts'

const PERCENT = 0x25
const COLON = 0x3a
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d

// Routing keys on this value, so anything a downstream might parse differently (userinfo, spaces,
// a second ':') is refused. requireHost refuses an empty host; requirePort demands ':' and at least
// one digit, as the authority-form of CONNECT does.
/**
 * isValidHostPort reports whether bytes [start, end) of buf are `uri-host [":" port]` (RFC 3986
 * §3.2.2-3): an IP literal in brackets or a reg-name/IPv4 with valid pct-encoding, then optionally
 * ':' and digits.
 */
export function isValidHostPort(
  buf: Uint8Array,
  start: number,
  end: number,
  requireHost: boolean,
  requirePort: boolean,
): boolean {
  let p = start
  if (p < end && buf[p] === OPEN_BRACKET) {
    p++
    const literalStart = p
    while (p < end && IP_LITERAL[buf[p]!] !== 0) p++
    if (p === literalStart || p >= end || buf[p] !== CLOSE_BRACKET) return false
    p++
  } else {
    while (p < end) {
      const c = buf[p]!
      if (REG_NAME[c] === 0) break
      if (c === PERCENT) {
        if (p + 2 >= end || HEX_VALUE[buf[p + 1]!] === 0xff || HEX_VALUE[buf[p + 2]!] === 0xff) {
          return false
        }
        p += 3
      } else {
        p++
      }
    }
  }
  const hostEnd = p
  if (hostEnd === start && (requireHost || end > start)) return false
  if (p === end) return !requirePort
  if (buf[p] !== COLON) return false
  const portStart = ++p
  while (p < end && buf[p]! >= 0x30 && buf[p]! <= 0x39) p++
  return p === end && (p > portStart || !requirePort)
}
