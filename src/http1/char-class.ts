/**
 * Byte classes of the HTTP/1.1 grammar (RFC 9110 §5.6, RFC 9112, RFC 3986) as 256-entry lookup
 * tables. Parsers index them with a raw byte, so validation costs one load per byte and no
 * branches on ranges; a non-zero entry means "allowed".
 */

function table(allowed: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256)
  for (let c = 0; c < 256; c++) t[c] = allowed(c) ? 1 : 0
  return t
}

function isAlphaNum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
}

const tcharPunct = "!#$%&'*+-.^_`|~"
const subDelims = "!$&'()*+,;="

/** TCHAR marks the bytes allowed in a token (methods, field names, codings, options). */
export const TCHAR = table((c) => isAlphaNum(c) || tcharPunct.includes(String.fromCharCode(c)))

// Every other control byte (NUL, bare CR/LF, DEL...) is how smuggling payloads hide, so they fail.
/** FIELD_VALUE marks the bytes allowed inside a field value: HTAB, SP, VCHAR and obs-text. */
export const FIELD_VALUE = table((c) => c === 0x09 || (c >= 0x20 && c !== 0x7f))

/** TARGET marks the bytes allowed in a request-target: visible ASCII except '#'. */
export const TARGET = table((c) => c >= 0x21 && c <= 0x7e && c !== 0x23)

// ':' and brackets are handled by the host parser, not by this table.
/**
 * REG_NAME marks the bytes of a reg-name or IPv4 host (RFC 3986 §3.2.2): unreserved, sub-delims
 * and the '%' of pct-encoding.
 */
export const REG_NAME = table(
  (c) =>
    isAlphaNum(c) ||
    '-._~%'.includes(String.fromCharCode(c)) ||
    subDelims.includes(String.fromCharCode(c)),
)

/** IP_LITERAL marks the bytes allowed between '[' and ']': IPv6 and IPvFuture characters. */
export const IP_LITERAL = table(
  (c) =>
    isAlphaNum(c) ||
    '-._~:'.includes(String.fromCharCode(c)) ||
    subDelims.includes(String.fromCharCode(c)),
)

/** QDTEXT marks the bytes allowed unescaped inside a quoted-string. */
export const QDTEXT = table(
  (c) =>
    c === 0x09 || c === 0x20 || c === 0x21 || (c >= 0x23 && c <= 0x7e && c !== 0x5c) || c >= 0x80,
)

/** HEX_VALUE maps a hex digit byte to its value and every other byte to 0xff. */
export const HEX_VALUE = (() => {
  const t = new Uint8Array(256).fill(0xff)
  for (let d = 0; d < 10; d++) t[0x30 + d] = d
  for (let d = 0; d < 6; d++) {
    t[0x41 + d] = 10 + d
    t[0x61 + d] = 10 + d
  }
  return t
})()

/** SP is the space byte. */
export const SP = 0x20
/** HTAB is the horizontal tab byte. */
export const HTAB = 0x09
/** CR is the carriage return byte. */
export const CR = 0x0d
/** LF is the line feed byte. */
export const LF = 0x0a
/** COLON is the ':' byte that ends a field name. */
export const COLON = 0x3a
