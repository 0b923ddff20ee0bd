import { ChunkedDecoder, ChunkedError } from '../../src/http1/chunked.ts'
import { referenceChunked } from '../chunked-reference.ts'
import { mutate } from '../mutate.ts'
import type { Rng } from '../random.ts'
import { violated, type Target } from '../target.ts'

// An input is one flag byte (1: the generator left the encoding valid, 0: mutated), the
// payload's length as 4 bytes big-endian, the payload, then the encoding under test. Storing the
// payload lets a replay check what a valid encoding decodes to without the generator.
const HEADER = 5

const EXTENSIONS = ['', ';a', ';a=b', ';a="q \\" d"', ' ;x', ';ext=1;y', '\t;z = "w"']
const TRAILERS = ['', 'X-Sum: 1\r\n', 'Server-Timing: a;dur=1\r\nX-Empty:\r\n']

/** chunkedSeed encodes a random payload in random-sized chunks, with extensions and trailers. */
export function chunkedSeed(rng: Rng, payload: Uint8Array): Uint8Array {
  const parts: (string | Uint8Array)[] = []
  let at = 0
  while (at < payload.length) {
    const size = Math.min(payload.length - at, rng.chance(0.3) ? rng.range(1, 3) : rng.range(1, 400))
    const hex = size.toString(16)
    parts.push(`${rng.chance(0.1) ? '000' : ''}${rng.chance(0.5) ? hex : hex.toUpperCase()}${rng.pick(EXTENSIONS)}\r\n`)
    parts.push(payload.subarray(at, at + size), '\r\n')
    at += size
  }
  parts.push(`0${rng.pick(EXTENSIONS)}\r\n${rng.pick(TRAILERS)}\r\n`)
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)))
}

/** Decoded is what one decoder made of an encoding: payload, where it ended, trailers or error. */
interface Decoded {
  payload: Buffer
  consumed: number
  done: boolean
  trailers: string[]
  error: string
}

// Without `sink` the decoder only checks framing, as the connection runs it for pass-through.
function decode(encoding: Uint8Array, sizes: readonly number[], sink = true): Decoded {
  const out: Uint8Array[] = []
  const d = new ChunkedDecoder(sink ? (data) => out.push(Uint8Array.from(data)) : undefined)
  let consumed = 0
  let done = false
  let error = ''
  let at = 0
  for (const size of sizes) {
    const piece = encoding.subarray(at, at + size)
    at += size
    try {
      const p = d.push(piece)
      if (p.consumed < 0 || p.consumed > piece.length) violated(`consumed ${p.consumed} of a ${piece.length}-byte piece`)
      if (!p.done && p.consumed !== piece.length) violated(`consumed ${p.consumed} of ${piece.length} without being done`)
      consumed += p.consumed
      if (p.done) {
        done = true
        break
      }
    } catch (err) {
      if (!(err instanceof ChunkedError)) throw err
      error = err.message
      break
    }
  }
  if (error !== '') {
    // A decoder that failed must keep failing, never resume on the next bytes.
    try {
      d.push(new Uint8Array([0x30, 0x0d, 0x0a, 0x0d, 0x0a]))
      violated('a failed decoder accepted more bytes')
    } catch (err) {
      if (!(err instanceof ChunkedError)) throw err
    }
  }
  if (d.done !== done) violated(`done is ${d.done} after push reported ${done}`)
  return { payload: Buffer.concat(out), consumed, done, trailers: done ? d.trailers() : [], error }
}

function same(a: Decoded, b: Decoded): boolean {
  return (
    a.error === b.error &&
    a.done === b.done &&
    (a.error !== '' || (a.consumed === b.consumed && a.payload.equals(b.payload))) &&
    JSON.stringify(a.trailers) === JSON.stringify(b.trailers)
  )
}

function show(d: Decoded): string {
  return JSON.stringify({ ...d, payload: `${d.payload.length} bytes` })
}

/** ChunkedInput is a stored input taken apart. */
interface ChunkedInput {
  valid: boolean
  payload: Uint8Array
  encoding: Uint8Array
}

function unframe(input: Uint8Array): ChunkedInput | undefined {
  if (input.length < HEADER) return undefined
  const payloadLength = new DataView(input.buffer, input.byteOffset + 1, 4).getUint32(0)
  if (HEADER + payloadLength > input.length) return undefined
  return {
    valid: input[0] === 1,
    payload: input.subarray(HEADER, HEADER + payloadLength),
    encoding: input.subarray(HEADER + payloadLength),
  }
}

function frame(valid: boolean, payload: Uint8Array, encoding: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + payload.length + encoding.length)
  out[0] = valid ? 1 : 0
  new DataView(out.buffer).setUint32(1, payload.length)
  out.set(payload, HEADER)
  out.set(encoding, HEADER + payload.length)
  return out
}

// Valid encodings are followed by the start of a next message: the decoder must stop exactly
// before it, as the connection hands those bytes to the next request.
const NEXT_MESSAGE = Buffer.from('GET / HTTP/1.1\r\n', 'latin1')

/**
 * checkChunked: no exception but ChunkedError; any split gives the one-piece answer; a valid
 * encoding decodes to exactly its payload and stops where it ends.
 */
export function checkChunked(input: Uint8Array, rng: Rng): string {
  const parts = unframe(input)
  if (!parts) return 'short input'
  const { encoding } = parts
  const whole = decode(encoding, [encoding.length])
  if (whole.done) {
    const end = Buffer.from(encoding.subarray(Math.max(0, whole.consumed - 2), whole.consumed)).toString('latin1')
    if (whole.consumed < 5 || end !== '\r\n') violated(`done after ${whole.consumed} bytes that do not end in CRLF`)
  }
  const splits: number[][] = [rng.splits(encoding.length)]
  if (encoding.length <= 4096) splits.push(Array.from({ length: encoding.length }, () => 1))
  for (const sizes of splits) {
    const split = decode(encoding, sizes)
    if (!same(whole, split)) violated(`split ${JSON.stringify(sizes.slice(0, 40))} gives ${show(split)}\nin one piece: ${show(whole)}`)
  }
  // Pass-through (no sink) frames the body exactly as decoding does.
  const framing = decode(encoding, rng.splits(encoding.length), false)
  if (framing.error !== whole.error || framing.done !== whole.done || (whole.error === '' && framing.consumed !== whole.consumed)) {
    violated(`pass-through framing gives ${show(framing)}\ndecoding: ${show(whole)}`)
  }
  // The decoder's verdict must be the reference reading's: the same payload and end for a valid
  // body, an error for an invalid one (or for bytes it can already tell will not do).
  const ref = referenceChunked(encoding)
  if (ref.kind === 'complete') {
    if (!whole.done || whole.consumed !== ref.end || !whole.payload.equals(ref.payload) || JSON.stringify(whole.trailers) !== JSON.stringify(ref.trailers)) {
      violated(`the reference reads a ${ref.payload.length}-byte body ending at ${ref.end} with trailers ${JSON.stringify(ref.trailers)}; the decoder: ${show(whole)}`)
    }
  } else if (whole.done) {
    violated(`the decoder accepted what the reference calls ${ref.kind === 'invalid' ? `invalid (${ref.reason})` : 'incomplete'}: ${show(whole)}`)
  } else if (ref.kind === 'invalid' && whole.error === '') {
    violated(`the decoder waits for more after what the reference calls invalid (${ref.reason})`)
  }
  if (parts.valid) {
    if (whole.error !== '') violated(`valid encoding refused: ${whole.error}`)
    const length = encoding.length - NEXT_MESSAGE.length
    if (!whole.done || whole.consumed !== length) violated(`valid encoding ended at ${whole.consumed} of ${length}, done ${whole.done}`)
    if (!whole.payload.equals(parts.payload)) {
      violated(`decoded ${whole.payload.length} bytes differ from the ${parts.payload.length}-byte payload`)
    }
  }
  return whole.error !== '' ? 'error' : whole.done ? 'done' : 'incomplete'
}

/** chunkedTarget fuzzes ChunkedDecoder with valid and mutated chunked encodings. */
export const chunkedTarget: Target = {
  name: 'chunked',
  generate(rng) {
    const payload = rng.bytes(rng.chance(0.2) ? rng.range(0, 5000) : rng.range(0, 64))
    const encoding = chunkedSeed(rng, payload)
    if (rng.chance(0.3)) return frame(true, payload, Buffer.concat([encoding, NEXT_MESSAGE]))
    return frame(false, payload, mutate(encoding, rng, 3))
  },
  check: checkChunked,
}
