import { HTAB, SP, TCHAR } from './char-class.ts'
import { fieldNameAt, lookupFieldName } from './field-names.ts'

const COMMA = 0x2c
const closeBytes = [0x63, 0x6c, 0x6f, 0x73, 0x65]

// 'close' and 'keep-alive' become flags; every other option is kept lower-cased because it names
// a hop-by-hop field the proxy must strip before forwarding.
/** ConnectionOptions accumulates the options of every Connection field (RFC 9110 §7.6.1). */
export class ConnectionOptions {
  /** close is whether a 'close' option was seen. */
  close = false
  /** keepAlive is whether a 'keep-alive' option was seen. */
  keepAlive = false
  /** upgrade is whether an 'upgrade' option was seen. */
  upgrade = false
  /** tokens lists the other options, or is null when there were none (saves an allocation). */
  tokens: string[] | null = null
  /** malformed is set by an element that is not a token; empty elements are allowed (§5.6.1). */
  malformed = false

  /** reset forgets everything so the instance can serve the next message. */
  reset(): void {
    this.close = false
    this.keepAlive = false
    this.upgrade = false
    this.tokens = null
    this.malformed = false
  }

  /**
   * add records the options of one Connection field value held in bytes [start, end) of buf;
   * text is the same bytes decoded as latin1 with text index 0 at buf index textBase.
   */
  add(buf: Uint8Array, start: number, end: number, text: string, textBase: number): void {
    let p = start
    while (p < end) {
      while (p < end && (buf[p] === SP || buf[p] === HTAB)) p++
      const tokenStart = p
      while (p < end && TCHAR[buf[p]!] !== 0) p++
      const tokenEnd = p
      while (p < end && (buf[p] === SP || buf[p] === HTAB)) p++
      if (p < end && buf[p] !== COMMA) {
        this.malformed = true
        return
      }
      p++
      if (tokenStart !== tokenEnd) this.addToken(buf, tokenStart, tokenEnd, text, textBase)
    }
  }

  private addToken(buf: Uint8Array, start: number, end: number, text: string, base: number): void {
    const known = lookupFieldName(buf, start, end)
    let token: string
    if (known >= 0) {
      token = fieldNameAt(known)
      if (token === 'keep-alive') {
        this.keepAlive = true
        return
      }
      if (token === 'upgrade') this.upgrade = true
    } else if (isClose(buf, start, end)) {
      this.close = true
      return
    } else {
      token = text.substring(start - base, end - base).toLowerCase()
    }
    if (this.tokens === null) this.tokens = [token]
    else this.tokens.push(token)
  }
}

function isClose(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 5) return false
  // Every byte of 'close' is a letter, so `| 0x20` is a case fold for tchar input.
  for (let k = 0; k < 5; k++) if ((buf[start + k]! | 0x20) !== closeBytes[k]) return false
  return true
}
