import type { Rng } from './random.ts'

// Byte strings that sit on the edges of HTTP/1.1 framing: line ends, separators, control bytes,
// obs-text, and the header names and values that decide where a message ends.
const INTERESTING: readonly string[] = [
  '\r', '\n', '\r\n', '\r\n\r\n', '\n\n', '\x00', ' ', '\t', ':', ';', ',', '"', '\\', '\x7f',
  '\x80', '\xff', '\x0b', '\x0c', '/', '?', '#', '%', '@', '[', ']', '0', '-1', '+1', '0x10',
  'chunked', 'Transfer-Encoding: chunked\r\n', 'Content-Length: 0\r\n', 'Content-Length: 5\r\n',
  'Content-Length: 99999999999999999999\r\n', 'Host: a\r\n', 'Connection: close\r\n',
  'Transfer-Encoding: gzip, chunked\r\n', 'Expect: 100-continue\r\n', ' chunked', 'HTTP/1.1',
  'HTTP/1.0', 'HTTP/2.0',
]

/** interesting returns one framing-relevant byte string, as latin1 bytes. */
export function interesting(rng: Rng): Uint8Array {
  return Buffer.from(rng.pick(INTERESTING), 'latin1')
}

/**
 * mutate applies 1..maxEdits random edits to a copy of `input`: bit flips, byte replacements,
 * insertions and deletions of framing bytes, duplicated or dropped spans, and (rarely) a long run
 * of one byte to push past size limits.
 */
export function mutate(input: Uint8Array, rng: Rng, maxEdits = 4): Uint8Array {
  let buf = Array.from(input)
  const edits = rng.range(1, maxEdits)
  for (let e = 0; e < edits; e++) {
    const at = rng.int(buf.length + 1)
    switch (rng.int(9)) {
      case 0: // flip one bit
        if (buf.length > 0) {
          const i = Math.min(at, buf.length - 1)
          buf[i] = buf[i]! ^ (1 << rng.int(8))
        }
        break
      case 1: // replace a byte with any byte
        if (buf.length > 0) buf[Math.min(at, buf.length - 1)] = rng.int(256)
        break
      case 2:
      case 3: // insert a framing-relevant string
        buf = insert(buf, at, interesting(rng))
        break
      case 4: // delete a short span
        buf.splice(at, rng.range(1, 4))
        break
      case 5: {
        // duplicate a span (a repeated header line, a repeated chunk)
        const len = rng.range(1, 64)
        const from = rng.int(Math.max(1, buf.length))
        buf = insert(buf, at, buf.slice(from, from + len))
        break
      }
      case 6: {
        // move a span elsewhere (reordered lines)
        const len = rng.range(1, 32)
        const span = buf.splice(rng.int(Math.max(1, buf.length)), len)
        buf = insert(buf, rng.int(buf.length + 1), span)
        break
      }
      case 7: // truncate
        buf = buf.slice(0, at)
        break
      case 8: {
        // a long run of one byte, sometimes past the parsers' size limits
        const len = rng.chance(0.2) ? rng.range(8_000, 70_000) : rng.range(16, 600)
        const fill = rng.pick([0x61, 0x20, 0x30, 0x0d, 0x2c, 0x09])
        buf = insert(buf, at, new Array<number>(len).fill(fill))
        break
      }
    }
  }
  return Uint8Array.from(buf)
}

// Spread into a call would hit the engine's argument limit for long runs; concat does not.
function insert(buf: number[], at: number, items: ArrayLike<number>): number[] {
  return buf.slice(0, at).concat(Array.from(items), buf.slice(at))
}
