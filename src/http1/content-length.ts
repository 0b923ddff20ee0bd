// Signs, inner spaces and comma lists are refused rather than repaired: a hop that repairs them
// differently from the next one is a request-smuggling vector.
/**
 * parseContentLength returns the value of a Content-Length field held in bytes [start, end) of
 * buf, or -1 when it is not exactly 1*DIGIT (RFC 9110 §8.6) or exceeds Number.MAX_SAFE_INTEGER.
 */
export function parseContentLength(buf: Uint8Array, start: number, end: number): number {
  if (start >= end) return -1
  let value = 0
  for (let p = start; p < end; p++) {
    const d = buf[p]! - 0x30
    if (d < 0 || d > 9) return -1
    // Doubles are exact below 2^53 and rounding is monotonic, so once the true value passes
    // MAX_SAFE_INTEGER the computed one does too; leading zeros cannot overflow.
    value = value * 10 + d
    if (value > Number.MAX_SAFE_INTEGER) return -1
  }
  return value
}
