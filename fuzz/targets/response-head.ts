import { parseResponseHead, type ResponseHead, type ResponseHeadParse } from '../../src/http1/response-head.ts'
import { mutate } from '../mutate.ts'
import type { Rng } from '../random.ts'
import { violated, type Target } from '../target.ts'
import { fieldValues, latin1, splitHead, TOKEN } from '../wire.ts'

// The upstream connection's head limit (src/proxy/upstream-connection.ts MAX_RESPONSE_HEAD_BYTES).
const MAX_HEAD_BYTES = 64 * 1024

const STATUS_LINES = ['HTTP/1.1 200 OK', 'HTTP/1.1 204 No Content', 'HTTP/1.0 200 OK', 'HTTP/1.1 404', 'HTTP/1.1 302 Found', 'HTTP/1.1 500 Internal Server Error', 'HTTP/1.1 200 caf\xe9']
const FIELDS = [
  'Content-Length: 0', 'Content-Length: 13', 'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked',
  'Connection: close', 'Connection: keep-alive', 'Content-Type: text/plain', 'Set-Cookie: a=b; Path=/',
  'Set-Cookie: c=d', 'Cache-Control: no-cache', 'X-Empty:', 'Server: fuzz', 'Date: Tue, 01 Dec 2026 00:00:00 GMT',
]

/** responseHeadSeed writes a plausible response head, sometimes after a 100 or 103 interim one. */
export function responseHeadSeed(rng: Rng): string {
  let out = ''
  if (rng.chance(0.15)) out += rng.pick(['HTTP/1.1 100 Continue\r\n\r\n', 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n'])
  out += `${rng.pick(STATUS_LINES)}\r\n`
  for (let i = rng.int(7); i > 0; i--) out += `${rng.pick(FIELDS)}\r\n`
  out += '\r\n'
  if (rng.chance(0.3)) out += rng.pick(['hello, world!', '5\r\nhello\r\n0\r\n\r\n'])
  return out
}

/** Heads is every head the connection reads off the input, up to the final one or an error. */
type Heads = { results: string[]; last: ResponseHeadParse }

function describe(r: ResponseHeadParse): string {
  if (r.kind === 'complete') return `complete(${r.length}) ${JSON.stringify(r.head)}`
  if (r.kind === 'error') return `error ${r.reason}`
  return 'incomplete'
}

/**
 * readHeads parses as UpstreamConnection does: on each arriving piece the whole buffer is parsed
 * from the current offset; a 1xx head is consumed and parsing goes on after it, a final head (or
 * an error) ends the head phase.
 */
function readHeads(input: Uint8Array, sizes: readonly number[], check?: (r: ResponseHeadParse, offset: number) => void): Heads {
  const results: string[] = []
  let offset = 0
  let held = 0
  for (const size of sizes) {
    held += size
    for (;;) {
      const r = parseResponseHead(input.subarray(0, held), offset, held, MAX_HEAD_BYTES)
      if (r.kind === 'incomplete') break
      results.push(describe(r))
      check?.(r, offset)
      if (r.kind === 'error' || r.head.status >= 200 || r.head.status === 101) return { results, last: r }
      offset += r.length
    }
  }
  return { results, last: { kind: 'incomplete' } }
}

function checkAcceptedHead(input: Uint8Array, offset: number, head: ResponseHead, length: number): void {
  if (length <= 0 || offset + length > input.length) violated(`length ${length} outside the input`)
  let wire
  try {
    wire = splitHead(latin1(input, offset, offset + length))
  } catch (err) {
    violated(`accepted a head that is not well-formed: ${(err as Error).message}`)
  }
  const m = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(wire.startLine)
  if (!m) violated(`accepted status line ${JSON.stringify(wire.startLine)}`)
  if (head.status !== Number(m[2]) || head.status < 100 || head.status > 599) violated(`status ${head.status} for ${m[2]}`)
  if (head.minorVersion !== Number(m[1])) violated(`minor version ${head.minorVersion} for ${m[1]}`)
  if (head.reason !== (m[3] ?? '')) violated(`reason ${JSON.stringify(head.reason)} for ${JSON.stringify(m[3])}`)
  if (head.headers.length !== wire.fields.length * 2) violated(`${head.headers.length / 2} headers for ${wire.fields.length} field lines`)
  wire.fields.forEach((f, i) => {
    if (!TOKEN.test(f.name)) violated(`accepted field name ${JSON.stringify(f.name)}`)
    if (head.headers[2 * i] !== f.name.toLowerCase()) violated(`header ${i} name ${head.headers[2 * i]} for ${f.name}`)
    if (head.headers[2 * i + 1] !== f.value) violated(`header ${f.name} value ${JSON.stringify(head.headers[2 * i + 1])} for ${JSON.stringify(f.value)}`)
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(f.value)) violated(`accepted control byte in ${f.name}`)
  })
  const lengths = fieldValues(wire, 'content-length')
  const codings = fieldValues(wire, 'transfer-encoding')
  if (head.chunked && head.contentLength >= 0) violated('both chunked and a content-length')
  if (lengths.length > 1) violated(`accepted ${lengths.length} content-length fields`)
  if (lengths.length === 1 && codings.length > 0) violated('accepted content-length with transfer-encoding')
  if (lengths.length === 1 && (!/^\d+$/.test(lengths[0]!) || Number(lengths[0]) !== head.contentLength)) {
    violated(`content-length ${head.contentLength} for ${JSON.stringify(lengths[0])}`)
  }
  if (lengths.length === 0 && head.contentLength !== -1) violated(`content-length ${head.contentLength} without the field`)
  // Other codings may come first in a response, but a body the proxy frames must end in chunked.
  if (codings.length > 0 && !head.chunked) violated(`transfer-encoding ${JSON.stringify(codings)} accepted as not chunked`)
  if (head.chunked && !/(^|,)[ \t]*chunked[ \t]*$/i.test(codings.join(','))) violated(`chunked from ${JSON.stringify(codings)}`)
  if (head.chunked && head.minorVersion === 0) violated('chunked in HTTP/1.0')
}

/** checkResponseHead: no exception, accepted heads agree with the bytes, splits give one answer. */
export function checkResponseHead(input: Uint8Array, rng: Rng): string {
  const whole = readHeads(input, [input.length], (r, offset) => {
    if (r.kind === 'complete') checkAcceptedHead(input, offset, r.head, r.length)
  })
  // The parser reads buf[offset, end) only: junk around the input must change nothing.
  const framed = new Uint8Array(input.length + 16).fill(0x0a)
  const offset = rng.range(0, 8)
  framed.set(input, offset)
  const alone = describe(parseResponseHead(input, 0, input.length, MAX_HEAD_BYTES))
  const inFrame = describe(parseResponseHead(framed, offset, offset + input.length, MAX_HEAD_BYTES))
  if (inFrame !== alone) violated(`at offset ${offset} with bytes after end: ${inFrame}\nalone: ${alone}`)
  const splits: number[][] = [rng.splits(input.length)]
  // Byte by byte only for short inputs: every piece re-parses the whole buffer, as the
  // connection does, which is quadratic.
  if (input.length <= 512) splits.push(Array.from({ length: input.length }, () => 1))
  for (const sizes of splits) {
    const split = readHeads(input, sizes)
    const a = whole.results.join('\n')
    const b = split.results.join('\n')
    if (a !== b) violated(`split at ${JSON.stringify(sizes.slice(0, 40))} gives\n${b}\nin one piece:\n${a}`)
  }
  return whole.last.kind === 'complete' ? 'complete' : whole.last.kind === 'error' ? 'error' : 'incomplete'
}

/** responseHeadTarget fuzzes parseResponseHead with mutated upstream responses. */
export const responseHeadTarget: Target = {
  name: 'response-head',
  generate(rng) {
    const seed = Buffer.from(responseHeadSeed(rng), 'latin1')
    return rng.chance(0.15) ? seed : mutate(seed, rng, 6)
  },
  check: checkResponseHead,
}
