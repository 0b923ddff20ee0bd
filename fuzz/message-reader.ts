import { latin1, splitHead, fieldValues, TOKEN, type WireHead } from './wire.ts'

// A plain, independent reading of a stream of HTTP/1.1 requests, used on both sides of the
// gateway by the forwarding target: what the client sent, and what reached the upstream. It is
// strict where framing is decided (Content-Length, Transfer-Encoding) and lenient elsewhere.

/** ReadRequest is one request read off a stream, or why it cannot be. */
export type ReadRequest =
  | {
      kind: 'complete'
      head: WireHead
      method: string
      target: string
      version: string
      /** The payload: the Content-Length bytes, or the chunk data joined. */
      body: Buffer
      /** Bytes of the stream this request took, head and framed body. */
      length: number
    }
  | { kind: 'incomplete' }
  | { kind: 'invalid'; reason: string }

/** readRequest reads the request at the start of `bytes`. */
export function readRequest(bytes: Uint8Array): ReadRequest {
  let start = 0
  // RFC 9112 §2.2: empty lines before a request line are skipped.
  while (bytes[start] === 0x0d && bytes[start + 1] === 0x0a) start += 2
  const text = latin1(bytes, start)
  const end = text.indexOf('\r\n\r\n')
  if (end < 0) return { kind: 'incomplete' }
  let head: WireHead
  try {
    head = splitHead(text.slice(0, end + 4))
  } catch (err) {
    return { kind: 'invalid', reason: (err as Error).message }
  }
  const [method = '', target = '', version = '', ...extra] = head.startLine.split(' ')
  if (extra.length > 0 || !TOKEN.test(method) || !/^HTTP\/1\.[01]$/.test(version)) return { kind: 'invalid', reason: 'request line' }
  for (const f of head.fields) if (!TOKEN.test(f.name)) return { kind: 'invalid', reason: `field name ${JSON.stringify(f.name)}` }
  const bodyStart = start + end + 4
  const lengths = fieldValues(head, 'content-length')
  const codings = fieldValues(head, 'transfer-encoding')
  if (lengths.length > 0 && codings.length > 0) return { kind: 'invalid', reason: 'content-length and transfer-encoding' }
  if (codings.length > 0) {
    if (version !== 'HTTP/1.1' || codings.length > 1 || codings[0]!.toLowerCase() !== 'chunked') return { kind: 'invalid', reason: 'transfer-encoding' }
    const chunked = readChunked(bytes, bodyStart)
    if (chunked.kind !== 'complete') return chunked
    return { kind: 'complete', head, method, target, version, body: chunked.body, length: chunked.end }
  }
  if (lengths.length > 1 || (lengths.length === 1 && !/^\d{1,15}$/.test(lengths[0]!))) return { kind: 'invalid', reason: 'content-length' }
  const length = lengths.length === 1 ? Number(lengths[0]) : 0
  if (bodyStart + length > bytes.length) return { kind: 'incomplete' }
  const body = Buffer.from(bytes.subarray(bodyStart, bodyStart + length))
  return { kind: 'complete', head, method, target, version, body, length: bodyStart + length }
}

type ReadChunked = { kind: 'complete'; body: Buffer; end: number } | { kind: 'incomplete' } | { kind: 'invalid'; reason: string }

function readChunked(bytes: Uint8Array, start: number): ReadChunked {
  const text = latin1(bytes)
  const parts: Buffer[] = []
  let p = start
  for (;;) {
    const eol = text.indexOf('\r\n', p)
    if (eol < 0) return { kind: 'incomplete' }
    const m = /^([0-9a-fA-F]{1,16})([ \t]*;.*)?$/.exec(text.slice(p, eol))
    if (!m) return { kind: 'invalid', reason: `chunk size line ${JSON.stringify(text.slice(p, eol))}` }
    const size = parseInt(m[1]!, 16)
    p = eol + 2
    if (size === 0) break
    if (p + size + 2 > bytes.length) return { kind: 'incomplete' }
    parts.push(Buffer.from(bytes.subarray(p, p + size)))
    if (text.slice(p + size, p + size + 2) !== '\r\n') return { kind: 'invalid', reason: 'no CRLF after chunk data' }
    p += size + 2
  }
  // Trailer fields, then the empty line.
  for (;;) {
    const eol = text.indexOf('\r\n', p)
    if (eol < 0) return { kind: 'incomplete' }
    if (eol === p) return { kind: 'complete', body: Buffer.concat(parts), end: p + 2 }
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:/.test(text.slice(p, eol))) return { kind: 'invalid', reason: 'trailer line' }
    p = eol + 2
  }
}

/** readRequests reads requests off the stream until one is incomplete or invalid. */
export function readRequests(bytes: Uint8Array): { requests: Extract<ReadRequest, { kind: 'complete' }>[]; rest: ReadRequest } {
  const requests: Extract<ReadRequest, { kind: 'complete' }>[] = []
  let at = 0
  for (;;) {
    if (at === bytes.length) return { requests, rest: { kind: 'incomplete' } }
    const r = readRequest(bytes.subarray(at))
    if (r.kind !== 'complete') return { requests, rest: r }
    requests.push(r)
    at += r.length
  }
}
