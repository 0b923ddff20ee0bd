import { parseRequestHead, type RequestHead, type RequestHeadParse } from '../../src/http1/request-head.ts'
import { mutate } from '../mutate.ts'
import type { Rng } from '../random.ts'
import { violated, type Target } from '../target.ts'
import { fieldValues, latin1, splitHead, TOKEN } from '../wire.ts'

// The connection's head limit (src/listeners/http1-connection.ts MAX_HEAD_BYTES).
const MAX_HEAD_BYTES = 32 * 1024
const ERROR_STATUSES = new Set([400, 414, 431, 501, 505])

const METHODS = ['GET', 'POST', 'PUT', 'HEAD', 'OPTIONS', 'DELETE', 'PATCH', 'CONNECT', 'PURGE']
const TARGETS = ['/', '/a/b?x=1&y=%20', '*', 'http://example.com/x', 'https://h:8443', 'example.com:443', '/%7e/..;/']
const FIELDS = [
  'Host: example.com', 'Host: 127.0.0.1:8080', 'Host: [::1]:80', 'Content-Length: 0', 'Content-Length: 12',
  'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked', 'Connection: close', 'Connection: keep-alive, x-hop',
  'Connection: upgrade', 'Upgrade: websocket', 'Expect: 100-continue', 'X-Forwarded-For: 203.0.113.7',
  'Accept: */*', 'User-Agent: fuzz/1.0', 'X-Empty:', 'X-Obs: caf\xe9', 'Cookie: a=b; c=d', 'TE: trailers',
]

/** requestHeadSeed writes a plausible request head: a request line, 0..7 fields, and sometimes a body. */
export function requestHeadSeed(rng: Rng): string {
  const version = rng.chance(0.85) ? 'HTTP/1.1' : 'HTTP/1.0'
  let head = rng.chance(0.05) ? '\r\n' : ''
  head += `${rng.pick(METHODS)} ${rng.pick(TARGETS)} ${version}\r\n`
  const fields = rng.chance(0.9) ? ['Host: example.com'] : []
  for (let i = rng.int(7); i > 0; i--) fields.push(rng.pick(FIELDS))
  for (let i = fields.length - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    ;[fields[i], fields[j]] = [fields[j] as string, fields[i] as string]
  }
  for (const f of fields) head += `${f}\r\n`
  head += '\r\n'
  if (rng.chance(0.3)) head += rng.pick(['hello world!', '5\r\nhello\r\n0\r\n\r\n', 'GET / HTTP/1.1\r\nHost: b\r\n\r\n'])
  return head
}

function parseWhole(input: Uint8Array): RequestHeadParse {
  return parseRequestHead(input, 0, input.length, MAX_HEAD_BYTES)
}

/**
 * feedLikeConnection parses the input as Http1Connection.onData does when the bytes arrive in
 * pieces of the given sizes: the buffer grows, and is re-parsed only when the new piece holds an
 * LF or the buffer passes the head limit. The first answer that is not 'incomplete' wins; a final
 * parse stands for the next piece that would arrive.
 */
export function feedLikeConnection(input: Uint8Array, sizes: readonly number[]): RequestHeadParse {
  let held = 0
  let at = 0
  for (const size of sizes) {
    const piece = input.subarray(at, at + size)
    const waiting = held > 0
    at += size
    held = at
    if (waiting && piece.indexOf(0x0a) === -1 && held <= MAX_HEAD_BYTES) continue
    const r = parseRequestHead(input.subarray(0, held), 0, held, MAX_HEAD_BYTES)
    if (r.kind !== 'incomplete') return r
  }
  return parseWhole(input)
}

function describe(r: RequestHeadParse): string {
  if (r.kind === 'complete') return `complete(${r.length}) ${JSON.stringify(r.head)}`
  if (r.kind === 'error') return `error ${r.status} ${r.reason}`
  return 'incomplete'
}

/** checkAcceptedHead compares an accepted head with an independent reading of the same bytes. */
function checkAcceptedHead(input: Uint8Array, head: RequestHead, length: number): void {
  if (length <= 0 || length > input.length) violated(`length ${length} outside the input (${input.length})`)
  let text = latin1(input, 0, length)
  text = text.replace(/^(\r\n)+/, '')
  let wire
  try {
    wire = splitHead(text)
  } catch (err) {
    violated(`accepted a head that is not well-formed: ${(err as Error).message}`)
  }
  const [method, target, version, ...extra] = wire.startLine.split(' ')
  if (extra.length > 0 || !TOKEN.test(method ?? '')) violated(`accepted request line ${JSON.stringify(wire.startLine)}`)
  if (head.method !== method) violated(`method ${head.method} for ${JSON.stringify(method)}`)
  if (head.target !== target) violated(`target ${JSON.stringify(head.target)} for ${JSON.stringify(target)}`)
  // RFC 9110 §2.5: a later 1.x minor version may be served as 1.1, the highest Weir speaks.
  const minor = /^HTTP\/1\.(\d)$/.exec(version ?? '')
  if (!minor || head.minorVersion !== Math.min(1, Number(minor[1]))) violated(`minor version ${head.minorVersion} for ${version}`)
  if (head.headers.length !== wire.fields.length * 2) violated(`${head.headers.length / 2} headers for ${wire.fields.length} field lines`)
  wire.fields.forEach((f, i) => {
    const name = head.headers[2 * i]
    const value = head.headers[2 * i + 1]
    if (!TOKEN.test(f.name)) violated(`accepted field name ${JSON.stringify(f.name)}`)
    if (name !== f.name.toLowerCase()) violated(`header ${i} name ${JSON.stringify(name)} for ${JSON.stringify(f.name)}`)
    if (value !== f.value) violated(`header ${f.name} value ${JSON.stringify(value)} for ${JSON.stringify(f.value)}`)
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(f.value)) violated(`accepted control byte in ${f.name}: ${JSON.stringify(f.value)}`)
  })
  // Framing: exactly one way to find where the body ends, and the same one the next hop finds.
  const lengths = fieldValues(wire, 'content-length')
  const codings = fieldValues(wire, 'transfer-encoding')
  if (head.chunked && head.contentLength >= 0) violated('both chunked and a content-length')
  if (lengths.length > 1) violated(`accepted ${lengths.length} content-length fields`)
  if (lengths.length === 1 && codings.length > 0) violated('accepted content-length with transfer-encoding')
  if (lengths.length === 1 && (!/^\d+$/.test(lengths[0]!) || Number(lengths[0]) !== head.contentLength)) {
    violated(`content-length ${head.contentLength} for ${JSON.stringify(lengths[0])}`)
  }
  if (lengths.length === 0 && head.contentLength !== -1) violated(`content-length ${head.contentLength} without the field`)
  if (codings.length > 0 && !head.chunked) violated(`transfer-encoding ${JSON.stringify(codings)} accepted as not chunked`)
  if (head.chunked && !/^chunked$/i.test(codings.join(',').trim())) violated(`chunked from ${JSON.stringify(codings)}`)
  if (head.chunked && head.minorVersion === 0) violated('chunked in HTTP/1.0')
  const hosts = fieldValues(wire, 'host')
  if (hosts.length > 1) violated('accepted two host fields')
  if (head.minorVersion === 1 && hosts.length !== 1) violated('HTTP/1.1 head without host accepted')
  if (head.host !== (hosts[0] ?? '')) violated(`host ${JSON.stringify(head.host)} for ${JSON.stringify(hosts[0])}`)
}

/** checkRequestHead is the invariant: one answer, the same however the bytes are split. */
export function checkRequestHead(input: Uint8Array, rng: Rng): string {
  const whole = parseWhole(input)
  if (whole.kind === 'error' && !ERROR_STATUSES.has(whole.status)) violated(`error status ${whole.status}`)
  if (whole.kind === 'complete') checkAcceptedHead(input, whole.head, whole.length)
  // The parser reads buf[offset, end) only: junk around the input must change nothing.
  const framed = new Uint8Array(input.length + 16)
  const offset = rng.range(0, 8)
  framed.fill(0x0a)
  framed.set(input, offset)
  const inFrame = parseRequestHead(framed, offset, offset + input.length, MAX_HEAD_BYTES)
  if (describe(inFrame) !== describe(whole)) violated(`at offset ${offset} with bytes after end: ${describe(inFrame)}\nalone: ${describe(whole)}`)
  const splits: number[][] = [rng.splits(input.length)]
  if (input.length <= 2048) splits.push(Array.from({ length: input.length }, () => 1))
  for (const sizes of splits) {
    const fed = feedLikeConnection(input, sizes)
    const a = describe(whole)
    const b = describe(fed)
    if (a !== b) violated(`split at ${JSON.stringify(sizes)} gives ${b}\nin one piece: ${a}`)
  }
  return whole.kind === 'error' ? `error ${whole.status}` : whole.kind
}

/** requestHeadTarget fuzzes parseRequestHead with mutated request heads. */
export const requestHeadTarget: Target = {
  name: 'request-head',
  generate(rng) {
    const seed = Buffer.from(requestHeadSeed(rng), 'latin1')
    return rng.chance(0.15) ? seed : mutate(seed, rng, 6)
  },
  check: checkRequestHead,
}
