import { CR, LF, SP, TARGET, TCHAR } from './char-class.ts'
import { FieldLines, SCAN_INCOMPLETE } from './field-lines.ts'
import { matchHttpVersion, VERSION_INCOMPLETE, VERSION_INVALID } from './http-version.ts'
import { withoutH2c } from './upgrade-protocols.ts'
import { decodeLatin1 } from './latin1.ts'
import { MessageFields } from './message-fields.ts'
import { internMethod } from './method-name.ts'
import { isValidHostPort } from './uri-host.ts'

/** RequestHead is the parsed request line and header section of one HTTP/1.x request. */
export interface RequestHead {
  /** Method token as sent (methods are case-sensitive), e.g. 'GET'. */
  method: string
  /** Request-target exactly as sent: origin-, absolute-, asterisk- or authority-form. */
  target: string
  /** Minor version: 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minorVersion: 0 | 1
  /** Flat [name0, value0, ...] pairs: names lower-cased, values OWS-trimmed, duplicates kept. */
  headers: string[]
  /** Host value, '' when absent (only allowed for HTTP/1.0) or sent empty. */
  host: string
  /** Content-Length value, -1 when there is none. */
  contentLength: number
  /** Whether the body is chunked (Transfer-Encoding exactly 'chunked'). */
  chunked: boolean
  /** Whether the connection closes after this exchange, by Connection and version defaults. */
  connectionClose: boolean
  /** Lower-cased Connection options other than close/keep-alive; they name hop-by-hop fields. */
  connectionTokens: string[]
  /** Upgrade value when Connection lists 'upgrade' (HTTP/1.1 only), else ''. */
  upgrade: string
  /** Whether an HTTP/1.1 request carries Expect: 100-continue. */
  expectContinue: boolean
}

/** RequestHeadParse is the outcome of parseRequestHead. */
export type RequestHeadParse =
  | { kind: 'complete'; head: RequestHead; length: number }
  | { kind: 'incomplete' }
  | { kind: 'error'; status: 400 | 414 | 431 | 501 | 505; reason: string }

// 8 KiB is nginx's default large_client_header_buffers size, so both proxies answer 414 alike.
/** MAX_REQUEST_LINE is the longest request line accepted, in bytes without its CRLF. */
export const MAX_REQUEST_LINE = 8192

const INCOMPLETE: RequestHeadParse = Object.freeze({ kind: 'incomplete' })
const NO_TOKENS = Object.freeze([]) as unknown as string[]
const SLASH = 0x2f
const ASTERISK = 0x2a
const QUESTION = 0x3f
const HASH = 0x23

// Reused across calls: parsing is synchronous, so no two parses ever share them at once.
const lines = new FieldLines()
const fields = new MessageFields()

function fail(status: 400 | 414 | 431 | 501 | 505, reason: string): RequestHeadParse {
  return { kind: 'error', status, reason }
}

// It never throws: malformed or ambiguous input is an error carrying the status to answer before
// closing the connection.
/**
 * parseRequestHead parses the request head starting at buf[offset], looking at no byte at or past
 * end, with maxHeadBytes bounding the head (leading empty lines included).
 */
export function parseRequestHead(
  buf: Uint8Array,
  offset: number,
  end: number,
  maxHeadBytes: number,
): RequestHeadParse {
  const limit = end - offset > maxHeadBytes ? offset + maxHeadBytes : end
  let p = offset

  // RFC 9112 §2.2: ignore empty lines before the request line (some clients send a CRLF after a
  // POST body). They still count toward the limit so they cannot be used to stall a worker.
  while (p < limit && buf[p] === CR) {
    if (p + 1 >= limit) return outOfBytes(end, limit)
    if (buf[p + 1] !== LF) return fail(400, 'bare cr before request line')
    p += 2
  }

  const lineStart = p
  const lineLimit = Math.min(limit, lineStart + MAX_REQUEST_LINE + 2)
  while (p < lineLimit && TCHAR[buf[p]!] !== 0) p++
  if (p >= lineLimit) return requestLineCut(lineStart, lineLimit, end, limit)
  if (buf[p] !== SP || p === lineStart) {
    return fail(400, buf[p] === LF ? 'bare lf in request line' : 'invalid method')
  }
  const methodEnd = p++

  const targetStart = p
  while (
    p + 8 <= lineLimit &&
    (TARGET[buf[p]!]! &
      TARGET[buf[p + 1]!]! &
      TARGET[buf[p + 2]!]! &
      TARGET[buf[p + 3]!]! &
      TARGET[buf[p + 4]!]! &
      TARGET[buf[p + 5]!]! &
      TARGET[buf[p + 6]!]! &
      TARGET[buf[p + 7]!]!) !==
      0
  ) {
    p += 8
  }
  while (p < lineLimit && TARGET[buf[p]!] !== 0) p++
  if (p >= lineLimit) return requestLineCut(lineStart, lineLimit, end, limit)
  if (buf[p] !== SP || p === targetStart) {
    return fail(400, buf[p] === HASH ? 'fragment in request target' : 'invalid request target')
  }
  const targetEnd = p++

  const version = matchHttpVersion(buf, p, lineLimit)
  if (version === VERSION_INCOMPLETE) return requestLineCut(lineStart, lineLimit, end, limit)
  if (version === VERSION_INVALID) return fail(400, 'invalid http version')
  p += 8
  if (p >= lineLimit) return requestLineCut(lineStart, lineLimit, end, limit)
  if (buf[p] !== CR) {
    return fail(400, buf[p] === LF ? 'bare lf in request line' : 'invalid request line')
  }
  if (p + 1 >= lineLimit) return requestLineCut(lineStart, lineLimit, end, limit)
  if (buf[p + 1] !== LF) return fail(400, 'bare cr in request line')
  // The syntax is checked first so that 'HTTP/1.1 ' or 'HTTP/1.1x' stay 400 and only a
  // well-formed but unsupported major version such as 'HTTP/2.0' or 'HTTP/0.9' earns 505. A higher
  // minor version of 1 ('HTTP/1.2') is served as 1.1, the highest Weir speaks (RFC 9110 §2.5).
  if (version < 10 || version > 19) return fail(505, 'unsupported http version')
  const minorVersion = version === 10 ? 0 : 1
  p += 2

  const method = internMethod(buf, lineStart, methodEnd)
  const targetError = checkTargetForm(buf, targetStart, targetEnd, method)
  if (targetError !== null) return fail(400, targetError)

  const headEnd = lines.scan(buf, p, limit)
  if (headEnd < 0) {
    return headEnd === SCAN_INCOMPLETE ? outOfBytes(end, limit) : fail(400, lines.reason)
  }

  // One decode for the whole head: names, values and the target are then substrings of it.
  const text = decodeLatin1(buf, lineStart, headEnd - 2)
  const headers = fields.read(buf, lines, text, lineStart)

  if (fields.contentLengthCount > 1) return fail(400, 'duplicate content-length')
  if (fields.contentLengthCount === 1 && fields.contentLength < 0) {
    return fail(400, 'invalid content-length')
  }
  const codings = fields.codings
  let chunked = false
  if (codings.fields > 0) {
    // RFC 9112 §6.1: HTTP/1.0 has no chunked framing, so a 1.0 message with Transfer-Encoding has
    // faulty framing; with Content-Length too, the two hops may each pick a different one.
    if (minorVersion === 0) return fail(400, 'transfer-encoding in http/1.0')
    if (fields.contentLengthCount > 0) return fail(400, 'content-length with transfer-encoding')
    if (codings.malformed) return fail(400, 'invalid transfer-encoding')
    if (codings.chunked > 1 || (codings.chunked === 1 && !codings.chunkedLast)) {
      return fail(400, 'chunked is not the final transfer-coding')
    }
    if (codings.codings !== 1 || codings.chunked !== 1) {
      return fail(501, 'unsupported transfer-encoding')
    }
    chunked = true
  }

  if (fields.hostCount > 1) return fail(400, 'duplicate host')
  if (fields.hostCount === 0) {
    if (minorVersion === 1) return fail(400, 'missing host')
  } else if (!isValidHostPort(buf, fields.hostStart, fields.hostEnd, false, false)) {
    return fail(400, 'invalid host')
  }

  const connection = fields.connection
  if (connection.malformed) return fail(400, 'invalid connection')

  const head: RequestHead = {
    method: method ?? text.substring(0, methodEnd - lineStart),
    target: text.substring(targetStart - lineStart, targetEnd - lineStart),
    minorVersion,
    headers,
    host: fields.host,
    contentLength: fields.contentLengthCount === 1 ? fields.contentLength : -1,
    chunked,
    connectionClose: connection.close || (minorVersion === 0 && !connection.keepAlive),
    connectionTokens: connection.tokens ?? NO_TOKENS,
    // RFC 9110 §7.8: Upgrade only counts when Connection lists it, and never in HTTP/1.0.
    // An h2c upgrade is never passed on (see withoutH2c).
    upgrade: minorVersion === 1 && connection.upgrade ? withoutH2c(fields.upgrade) : '',
    // RFC 9110 §10.1.1: a 100-continue expectation in an HTTP/1.0 request must be ignored.
    expectContinue: minorVersion === 1 && fields.expectContinue,
  }
  return { kind: 'complete', head, length: headEnd - offset }
}

// The bytes ran out while the head is unfinished: wait for more, unless the limit is what stopped
// us, in which case the head is already too large.
function outOfBytes(end: number, limit: number): RequestHeadParse {
  return end > limit ? fail(431, 'head too large') : INCOMPLETE
}

// Like outOfBytes, inside the request line, whose own cap answers 414 rather than 431.
function requestLineCut(
  lineStart: number,
  lineLimit: number,
  end: number,
  limit: number,
): RequestHeadParse {
  if (lineLimit - lineStart >= MAX_REQUEST_LINE + 2) return fail(414, 'request line too long')
  return outOfBytes(end, limit)
}

// RFC 9112 §3.2: each form belongs to particular methods. A target that is none of them (such as
// 'index.html' or 'http:/x') is refused rather than guessed at, because routing depends on it.
// `method` is null for unregistered methods; CONNECT is registered, so null is never CONNECT.
function checkTargetForm(
  buf: Uint8Array,
  start: number,
  end: number,
  method: string | null,
): string | null {
  const connect = method === 'CONNECT'
  const first = buf[start]
  if (first === SLASH) return connect ? 'connect requires authority-form' : null
  if (connect) {
    return isValidHostPort(buf, start, end, true, true) ? null : 'invalid authority-form target'
  }
  if (first === ASTERISK && end - start === 1) {
    return method === 'OPTIONS' ? null : 'asterisk-form requires options'
  }
  const authorityStart = afterHttpScheme(buf, start, end)
  if (authorityStart < 0) return 'invalid request target'
  let p = authorityStart
  while (p < end && buf[p] !== SLASH && buf[p] !== QUESTION) p++
  return isValidHostPort(buf, authorityStart, p, true, false)
    ? null
    : 'invalid absolute-form authority'
}

// Returns the index after 'http://' or 'https://' (scheme case-insensitive), or -1.
function afterHttpScheme(buf: Uint8Array, start: number, end: number): number {
  if (end - start < 7) return -1
  if (
    (buf[start]! | 0x20) !== 0x68 ||
    (buf[start + 1]! | 0x20) !== 0x74 ||
    (buf[start + 2]! | 0x20) !== 0x74 ||
    (buf[start + 3]! | 0x20) !== 0x70
  ) {
    return -1
  }
  let p = start + 4
  if ((buf[p]! | 0x20) === 0x73) p++
  if (end - p < 3 || buf[p] !== 0x3a || buf[p + 1] !== SLASH || buf[p + 2] !== SLASH) return -1
  return p + 3
}
