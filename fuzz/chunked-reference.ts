import { latin1, trimOws } from './wire.ts'

// A second reading of chunked framing (RFC 9112 §7.1), written from the grammar with regular
// expressions over whole lines, with the limits ChunkedDecoder documents (16 size digits, 1 KiB
// of extensions per line, 8 KiB of trailer section), to judge the decoder's verdicts.

const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+"
const QUOTED = '"(?:[\\t \\x21\\x23-\\x5b\\x5d-\\x7e\\x80-\\xff]|\\\\[\\t \\x21-\\x7e\\x80-\\xff])*"'
// chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ), ext-val = token / quoted-string
const SIZE_LINE = new RegExp(`^([0-9A-Fa-f]+)((?:[ \\t]*;[ \\t]*${TOKEN}(?:[ \\t]*=[ \\t]*(?:${TOKEN}|${QUOTED}))?)*)$`)
const TRAILER_LINE = new RegExp(`^(${TOKEN}):([\\t\\x20-\\x7e\\x80-\\xff]*)$`)

/** ReferenceChunked is the reference verdict on an encoding. */
export type ReferenceChunked =
  | { kind: 'complete'; payload: Buffer; end: number; trailers: string[] }
  | { kind: 'incomplete' }
  | { kind: 'invalid'; reason: string }

/** referenceChunked reads one chunked body from the start of `bytes`. */
export function referenceChunked(bytes: Uint8Array): ReferenceChunked {
  const text = latin1(bytes)
  const parts: Buffer[] = []
  let p = 0
  for (;;) {
    const eol = text.indexOf('\r\n', p)
    if (eol < 0) return { kind: 'incomplete' }
    const m = SIZE_LINE.exec(text.slice(p, eol))
    if (!m) return { kind: 'invalid', reason: `size line ${JSON.stringify(text.slice(p, eol).slice(0, 60))}` }
    const digits = m[1]!
    if (digits.length > 16) return { kind: 'invalid', reason: 'more than 16 size digits' }
    if (m[2]!.length > 1024) return { kind: 'invalid', reason: 'extensions over 1 KiB' }
    const size = BigInt(`0x${digits}`)
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) return { kind: 'invalid', reason: 'size past 2^53' }
    p = eol + 2
    if (size === 0n) break
    const n = Number(size)
    if (p + n + 2 > bytes.length) {
      // The data may be all there with its CRLF cut short: judge what is there.
      if (p + n < bytes.length && bytes[p + n] !== 0x0d) return { kind: 'invalid', reason: 'no CR after data' }
      return { kind: 'incomplete' }
    }
    if (text.slice(p + n, p + n + 2) !== '\r\n') return { kind: 'invalid', reason: 'no CRLF after data' }
    parts.push(Buffer.from(bytes.subarray(p, p + n)))
    p += n + 2
  }
  const trailerStart = p
  const trailers: string[] = []
  for (;;) {
    const eol = text.indexOf('\r\n', p)
    if (eol < 0) return text.length - trailerStart > 8192 ? { kind: 'invalid', reason: 'trailer section over 8 KiB' } : { kind: 'incomplete' }
    if (eol + 2 - trailerStart > 8192) return { kind: 'invalid', reason: 'trailer section over 8 KiB' }
    if (eol === p) return { kind: 'complete', payload: Buffer.concat(parts), end: p + 2, trailers }
    const m = TRAILER_LINE.exec(text.slice(p, eol))
    if (!m) return { kind: 'invalid', reason: `trailer line ${JSON.stringify(text.slice(p, eol).slice(0, 60))}` }
    trailers.push(m[1]!.toLowerCase(), trimOws(m[2]!))
    p = eol + 2
  }
}
