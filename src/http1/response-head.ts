import { CR, FIELD_VALUE, LF, SP } from './char-class.ts'
import { FieldLines, SCAN_INCOMPLETE } from './field-lines.ts'
import { matchHttpVersion, VERSION_INCOMPLETE, VERSION_INVALID } from './http-version.ts'
import { decodeLatin1 } from './latin1.ts'
import { MessageFields } from './message-fields.ts'

/** ResponseHead is the parsed status line and header section of one upstream HTTP/1.x response. */
export interface ResponseHead {
  /** Status code, 100..599. */
  status: number
  /** Reason phrase as sent, possibly ''. */
  reason: string
  /** Minor version: 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minorVersion: 0 | 1
  /** Flat [name0, value0, ...] pairs: names lower-cased, values OWS-trimmed, duplicates kept. */
  headers: string[]
  /** Content-Length value, -1 when there is none. */
  contentLength: number
  /** Whether the body is chunked (the final transfer-coding is 'chunked'). */
  chunked: boolean
  /** Whether the upstream closes the connection after this response. */
  connectionClose: boolean
  /** Lower-cased Connection options other than close/keep-alive; they name hop-by-hop fields. */
  connectionTokens: string[]
}

/** ResponseHeadParse is the outcome of parseResponseHead; an error means a bad gateway. */
export type ResponseHeadParse =
  | { kind: 'complete'; head: ResponseHead; length: number }
  | { kind: 'incomplete' }
  | { kind: 'error'; reason: string }

const INCOMPLETE: ResponseHeadParse = Object.freeze({ kind: 'incomplete' })
const NO_TOKENS = Object.freeze([]) as unknown as string[]

// Reused across calls: parsing is synchronous, so no two parses ever share them at once.
const lines = new FieldLines()
const fields = new MessageFields()

function fail(reason: string): ResponseHeadParse {
  return { kind: 'error', reason }
}

// The request parser's strictness applies here too: a response the proxy misframes desynchronises
// the upstream connection just like a smuggled request desynchronises a client one.
/**
 * parseResponseHead parses the response head starting at buf[offset], looking at no byte at or
 * past end, with maxHeadBytes bounding the head.
 */
export function parseResponseHead(
  buf: Uint8Array,
  offset: number,
  end: number,
  maxHeadBytes: number,
): ResponseHeadParse {
  const limit = end - offset > maxHeadBytes ? offset + maxHeadBytes : end
  let p = offset

  const version = matchHttpVersion(buf, p, limit)
  if (version === VERSION_INCOMPLETE) return outOfBytes(end, limit)
  if (version === VERSION_INVALID) return fail('invalid status line')
  p += 8
  if (p >= limit) return outOfBytes(end, limit)
  if (buf[p] !== SP) return fail('invalid status line')
  p++
  let status = 0
  for (const stop = p + 3; p < stop; p++) {
    if (p >= limit) return outOfBytes(end, limit)
    const d = buf[p]! - 0x30
    if (d < 0 || d > 9) return fail('invalid status code')
    status = status * 10 + d
  }
  if (p >= limit) return outOfBytes(end, limit)
  // The reason phrase is optional, and so (leniently, as many servers omit it) is the SP before it.
  let reasonStart = p
  if (buf[p] === SP) {
    reasonStart = ++p
    while (p < limit && FIELD_VALUE[buf[p]!] !== 0) p++
    if (p >= limit) return outOfBytes(end, limit)
  }
  const reasonEnd = p
  if (buf[p] !== CR) return fail(buf[p] === LF ? 'bare lf in status line' : 'invalid status line')
  if (p + 1 >= limit) return outOfBytes(end, limit)
  if (buf[p + 1] !== LF) return fail('bare cr in status line')
  if (version !== 10 && version !== 11) return fail('unsupported http version')
  if (status < 100 || status > 599) return fail('invalid status code')
  const minorVersion = version === 11 ? 1 : 0
  p += 2

  const headEnd = lines.scan(buf, p, limit)
  if (headEnd < 0) return headEnd === SCAN_INCOMPLETE ? outOfBytes(end, limit) : fail(lines.reason)

  const text = decodeLatin1(buf, offset, headEnd - 2)
  const headers = fields.read(buf, lines, text, offset)

  if (fields.contentLengthCount > 1) return fail('duplicate content-length')
  if (fields.contentLengthCount === 1 && fields.contentLength < 0) {
    return fail('invalid content-length')
  }
  const codings = fields.codings
  let chunked = false
  if (codings.fields > 0) {
    // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing, and next to a
    // Content-Length it leaves two framings to choose from; both are refused, as for requests.
    if (minorVersion === 0) return fail('transfer-encoding in http/1.0')
    if (fields.contentLengthCount > 0) return fail('content-length with transfer-encoding')
    if (codings.malformed) return fail('invalid transfer-encoding')
    // Other codings may precede chunked in a response (the proxy relays them untouched), but
    // without chunked last the body would be delimited by close, which we do not accept.
    if (codings.chunked !== 1 || !codings.chunkedLast) return fail('unsupported transfer-encoding')
    chunked = true
  }
  const connection = fields.connection
  if (connection.malformed) return fail('invalid connection')

  const head: ResponseHead = {
    status,
    reason:
      reasonStart === reasonEnd ? '' : text.substring(reasonStart - offset, reasonEnd - offset),
    minorVersion,
    headers,
    contentLength: fields.contentLengthCount === 1 ? fields.contentLength : -1,
    chunked,
    connectionClose: connection.close || (minorVersion === 0 && !connection.keepAlive),
    connectionTokens: connection.tokens ?? NO_TOKENS,
  }
  return { kind: 'complete', head, length: headEnd - offset }
}

// The bytes ran out while the head is unfinished: wait for more, unless the limit is what stopped
// us, in which case the head is already too large.
function outOfBytes(end: number, limit: number): ResponseHeadParse {
  return end > limit ? fail('head too large') : INCOMPLETE
}
