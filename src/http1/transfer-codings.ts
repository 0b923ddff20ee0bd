import { HTAB, SP, TCHAR } from './char-class.ts'

const COMMA = 0x2c

/**
 * TransferCodings accumulates the codings listed by every Transfer-Encoding field of a message,
 * as if the fields were joined with ',' (RFC 9110 §5.3), so the request and response parsers can
 * apply their own policy: a request must use exactly 'chunked', a response must end in it.
 */
export class TransferCodings {
  /** fields is the number of Transfer-Encoding fields seen. */
  fields = 0
  /** codings is the number of codings listed across all fields. */
  codings = 0
  /** chunked is how many of those codings are 'chunked'. */
  chunked = 0
  /** chunkedLast is whether the last coding listed so far is 'chunked'. */
  chunkedLast = false
  /**
   * malformed is set by an element that is empty or not a bare token; parameters are refused too
   * because no coding this proxy forwards takes any, and ambiguity here is a smuggling vector.
   */
  malformed = false

  /** reset forgets everything so the instance can serve the next message. */
  reset(): void {
    this.fields = 0
    this.codings = 0
    this.chunked = 0
    this.chunkedLast = false
    this.malformed = false
  }

  /** add records the codings of one Transfer-Encoding field value held in bytes [start, end). */
  add(buf: Uint8Array, start: number, end: number): void {
    this.fields++
    let p = start
    for (;;) {
      while (p < end && (buf[p] === SP || buf[p] === HTAB)) p++
      const tokenStart = p
      while (p < end && TCHAR[buf[p]!] !== 0) p++
      const tokenEnd = p
      while (p < end && (buf[p] === SP || buf[p] === HTAB)) p++
      if (tokenStart === tokenEnd || (p < end && buf[p] !== COMMA)) {
        this.malformed = true
        return
      }
      this.codings++
      this.chunkedLast = isChunked(buf, tokenStart, tokenEnd)
      if (this.chunkedLast) this.chunked++
      if (p >= end) return
      p++
    }
  }
}

// 'chunked' compared case-insensitively; `| 0x20` folds only letters here because every byte of
// the word is a lower-case letter, whose one tchar partner under that fold is its upper case.
function isChunked(buf: Uint8Array, start: number, end: number): boolean {
  return (
    end - start === 7 &&
    (buf[start]! | 0x20) === 0x63 &&
    (buf[start + 1]! | 0x20) === 0x68 &&
    (buf[start + 2]! | 0x20) === 0x75 &&
    (buf[start + 3]! | 0x20) === 0x6e &&
    (buf[start + 4]! | 0x20) === 0x6b &&
    (buf[start + 5]! | 0x20) === 0x65 &&
    (buf[start + 6]! | 0x20) === 0x64
  )
}
