import { COLON, CR, FIELD_VALUE, HTAB, LF, SP, TCHAR } from './char-class.ts'

/** SCAN_INCOMPLETE is what FieldLines.scan returns when the bytes ran out before the empty line. */
export const SCAN_INCOMPLETE = -1
/** SCAN_ERROR is what FieldLines.scan returns for a malformed field line; `reason` says why. */
export const SCAN_ERROR = -2

// No strings are created here: the caller decodes the whole head once and slices it, and an
// incomplete head costs no allocation at all. Parsers reuse one instance, which is safe because
// parsing is synchronous.
/**
 * FieldLines validates a field section (RFC 9112 §5) byte by byte and records where each name and
 * value lie.
 */
export class FieldLines {
  /** offsets holds four numbers per field: name start, name end, value start, value end. */
  offsets = new Int32Array(4 * 64)
  /** count is the number of fields recorded by the last successful scan. */
  count = 0
  /** reason describes the last SCAN_ERROR, phrased for logs. */
  reason = ''

  /**
   * scan validates field lines from pos up to limit and returns the index just past the CRLF of
   * the empty line that ends the section, SCAN_INCOMPLETE, or SCAN_ERROR.
   */
  scan(buf: Uint8Array, pos: number, limit: number): number {
    let offsets = this.offsets
    let n = 0
    let p = pos
    for (;;) {
      if (p >= limit) return SCAN_INCOMPLETE
      const first = buf[p]!
      if (first === CR) {
        if (p + 1 >= limit) return SCAN_INCOMPLETE
        if (buf[p + 1] !== LF) return this.fail('bare cr in field section')
        this.count = n
        return p + 2
      }
      const nameStart = p
      while (p < limit && TCHAR[buf[p]!] !== 0) p++
      if (p >= limit) return SCAN_INCOMPLETE
      const stop = buf[p]!
      if (stop !== COLON || p === nameStart) {
        if (p !== nameStart) {
          return this.fail(
            stop === SP || stop === HTAB ? 'whitespace before colon' : 'invalid field name',
          )
        }
        // A line that starts with whitespace continues the previous one (obs-fold, RFC 9112
        // §5.2); letting it through would let two hops disagree on the field's value.
        if (first === SP || first === HTAB) {
          return this.fail(n === 0 ? 'whitespace before first field' : 'obs-fold')
        }
        return this.fail(first === LF ? 'bare lf in field section' : 'invalid field name')
      }
      const nameEnd = p++
      while (p < limit && (buf[p] === SP || buf[p] === HTAB)) p++
      const valueStart = p
      // Values are most of a head's bytes: test eight per iteration, then finish byte by byte.
      while (
        p + 8 <= limit &&
        (FIELD_VALUE[buf[p]!]! &
          FIELD_VALUE[buf[p + 1]!]! &
          FIELD_VALUE[buf[p + 2]!]! &
          FIELD_VALUE[buf[p + 3]!]! &
          FIELD_VALUE[buf[p + 4]!]! &
          FIELD_VALUE[buf[p + 5]!]! &
          FIELD_VALUE[buf[p + 6]!]! &
          FIELD_VALUE[buf[p + 7]!]!) !==
          0
      ) {
        p += 8
      }
      while (p < limit && FIELD_VALUE[buf[p]!] !== 0) p++
      if (p >= limit) return SCAN_INCOMPLETE
      const c = buf[p]!
      if (c !== CR) return this.fail(c === LF ? 'bare lf in field section' : 'invalid field value')
      if (p + 1 >= limit) return SCAN_INCOMPLETE
      if (buf[p + 1] !== LF) return this.fail('bare cr in field section')
      let valueEnd = p
      while (valueEnd > valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) {
        valueEnd--
      }
      const at = n * 4
      if (at + 4 > offsets.length) {
        const grown = new Int32Array(offsets.length * 2)
        grown.set(offsets)
        offsets = this.offsets = grown
      }
      offsets[at] = nameStart
      offsets[at + 1] = nameEnd
      offsets[at + 2] = valueStart
      offsets[at + 3] = valueEnd
      n++
      p += 2
    }
  }

  private fail(reason: string): number {
    this.reason = reason
    return SCAN_ERROR
  }
}
