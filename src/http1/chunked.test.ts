import { describe, expect, test } from 'bun:test'
import { ChunkedDecoder, ChunkedError, encodeChunkHeader, LAST_CHUNK } from './chunked.ts'
import type { ChunkedLimits } from './chunked.ts'

function bytes(wire: string): Uint8Array {
  return Buffer.from(wire, 'latin1')
}

function text(parts: Uint8Array[]): string {
  return Buffer.concat(parts).toString('latin1')
}

interface Outcome {
  payload: string
  trailers: string[]
  consumed: number
  done: boolean
  error: string | null
}

// Feeds `wire` to a fresh decoder in the given pieces and records everything it reports.
function run(wire: string, cuts: number[] = [], limits?: ChunkedLimits): Outcome {
  const buf = bytes(wire)
  const parts: Uint8Array[] = []
  const decoder = new ChunkedDecoder((data) => parts.push(data.slice()), limits)
  let consumed = 0
  let done = false
  let error: string | null = null
  let start = 0
  try {
    for (const cut of [...cuts, buf.length]) {
      const progress = decoder.push(buf.subarray(start, cut))
      consumed += progress.consumed
      if (!progress.done) expect(progress.consumed).toBe(cut - start)
      start = cut
      done = progress.done
      if (done) break
    }
  } catch (e) {
    if (!(e instanceof ChunkedError)) throw e
    error = e.message
  }
  expect(decoder.done).toBe(done)
  return { payload: text(parts), trailers: decoder.trailers(), consumed, done, error }
}

// A small deterministic PRNG so failures reproduce.
function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function randomCuts(length: number, random: () => number): number[] {
  const cuts: number[] = []
  for (let i = 1; i < length; i++) if (random() < 0.3) cuts.push(i)
  return cuts
}

const valid: Array<[string, string, string, string[]]> = [
  ['a single chunk', '5\r\nhello\r\n0\r\n\r\n', 'hello', []],
  ['an empty body', '0\r\n\r\n', '', []],
  ['several chunks', '3\r\nabc\r\n1\r\nd\r\n2\r\nef\r\n0\r\n\r\n', 'abcdef', []],
  ['an upper-case hex size', 'A\r\n0123456789\r\n0\r\n\r\n', '0123456789', []],
  ['a lower-case hex size', 'a\r\n0123456789\r\n0\r\n\r\n', '0123456789', []],
  [
    'a mixed-case multi-digit size',
    '1F\r\n' + 'x'.repeat(31) + '\r\n0\r\n\r\n',
    'x'.repeat(31),
    [],
  ],
  ['a size with leading zeros', '0005\r\nhello\r\n000\r\n\r\n', 'hello', []],
  ['a size of 16 hex digits', '0000000000000003\r\nabc\r\n0\r\n\r\n', 'abc', []],
  ['payload bytes that look like framing', '7\r\n0\r\n\r\n\r\n\r\n0\r\n\r\n', '0\r\n\r\n\r\n', []],
  ['binary payload', '4\r\n\x00\xff\r\n\r\n0\r\n\r\n', '\x00\xff\r\n', []],
  ['a valueless extension', '5;foo\r\nhello\r\n0\r\n\r\n', 'hello', []],
  ['a token extension', '5;foo=bar\r\nhello\r\n0;last=1\r\n\r\n', 'hello', []],
  ['several extensions', '5;a=1;b;c=x\r\nhello\r\n0\r\n\r\n', 'hello', []],
  ['a quoted extension with escapes', '5;a="x;y\\"z\\\\" ;b\r\nhello\r\n0\r\n\r\n', 'hello', []],
  ['an empty quoted extension', '5;a=""\r\nhello\r\n0\r\n\r\n', 'hello', []],
  ['BWS around ; and =', '5 \t; a \t= b ;c= "d"\r\nhello\r\n0\r\n\r\n', 'hello', []],
  ['a trailer field', '5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n', 'hello', ['x-checksum', 'abc']],
  [
    'trailer fields with OWS and obs-text',
    '0\r\nA:  one \t\r\nB:\r\nc:caf\xe9\r\n\r\n',
    '',
    ['a', 'one', 'b', '', 'c', 'caf\xe9'],
  ],
]

const invalid: Array<[string, string, string]> = [
  ["a non-hex size 'xyz'", 'xyz\r\n', 'invalid chunk size'],
  ["a size '-1'", '-1\r\nx\r\n0\r\n\r\n', 'invalid chunk size'],
  ["a size '+5'", '+5\r\nhello\r\n0\r\n\r\n', 'invalid chunk size'],
  ["a size '0x10'", '0x10\r\n' + 'x'.repeat(16) + '\r\n0\r\n\r\n', 'invalid chunk size'],
  ['an empty size line', '\r\nhello\r\n0\r\n\r\n', 'invalid chunk size'],
  ['a leading space before the size', ' 5\r\nhello\r\n0\r\n\r\n', 'invalid chunk size'],
  ['a size of 17 hex digits', '00000000000000005\r\nhello\r\n0\r\n\r\n', 'chunk size too long'],
  ['a size above MAX_SAFE_INTEGER', '20000000000000\r\n', 'chunk size too large'],
  ['a bare LF after the size', 'a\nxxxxxxxxxx\r\n0\r\n\r\n', 'bare lf in chunk size line'],
  ['a bare CR after the size', '5\rhello\r\n0\r\n\r\n', 'bare cr in chunk size line'],
  ['a bare LF after an extension', '5;a=b\nhello\r\n0\r\n\r\n', 'bare lf in chunk size line'],
  ['trailing whitespace after the size', '5 \r\nhello\r\n0\r\n\r\n', 'invalid chunk extension'],
  ['a missing CRLF after the data', '5\r\nhelloX\r\n0\r\n\r\n', 'missing crlf after chunk data'],
  ['data longer than the size', '5\r\nhello world\r\n0\r\n\r\n', 'missing crlf after chunk data'],
  ['a bare LF after the data', '5\r\nhello\n0\r\n\r\n', 'missing crlf after chunk data'],
  ['a bare CR after the data', '5\r\nhello\r0\r\n\r\n', 'missing crlf after chunk data'],
  ['an empty extension name', '5;\r\nhello\r\n0\r\n\r\n', 'invalid chunk extension'],
  [
    'an extension name that is not a token',
    '5;a@b\r\nhello\r\n0\r\n\r\n',
    'invalid chunk extension',
  ],
  ['an empty extension value', '5;a=\r\nhello\r\n0\r\n\r\n', 'invalid chunk extension'],
  [
    'whitespace inside an extension value',
    '5;a=b c\r\nhello\r\n0\r\n\r\n',
    'invalid chunk extension',
  ],
  [
    'whitespace after an extension name at the line end',
    '5;a \r\nhello\r\n0\r\n\r\n',
    'invalid chunk extension',
  ],
  ['an unterminated quoted extension', '5;a="b\r\nhello\r\n0\r\n\r\n', 'invalid chunk extension'],
  [
    'a control byte in a quoted extension',
    '5;a="\x01"\r\nhello\r\n0\r\n\r\n',
    'invalid chunk extension',
  ],
  ['text right after a closing quote', '5;a="b"c\r\nhello\r\n0\r\n\r\n', 'invalid chunk extension'],
  [
    'extensions over the default 1024 bytes',
    `5;a=${'x'.repeat(1022)}\r\nhello\r\n0\r\n\r\n`,
    'chunk extensions too long',
  ],
  ['a bare LF ending a trailer field', '0\r\nA: b\nC: d\r\n\r\n', 'bare lf in trailer section'],
  ['a bare CR inside a trailer value', '0\r\nA: b\rc\r\n\r\n', 'bare cr in trailer section'],
  ['a bare LF ending the trailer section', '0\r\nA: b\r\n\n', 'bare lf in trailer section'],
  ['a bare LF right after the last chunk', '0\r\n\n', 'bare lf in trailer section'],
  ['a bare CR ending the trailer section', '0\r\n\rX', 'bare cr in trailer section'],
  ['an obs-fold in the trailer section', '0\r\nA: b\r\n c\r\n\r\n', 'obs-fold in trailer section'],
  ['a space before a trailer colon', '0\r\nA : b\r\n\r\n', 'whitespace before colon'],
  ['a trailer name that is not a token', '0\r\nA(b): c\r\n\r\n', 'invalid trailer field name'],
  ['a trailer line without a colon', '0\r\nAb\r\n\r\n', 'invalid trailer field name'],
  ['a NUL in a trailer value', '0\r\nA: b\x00\r\n\r\n', 'invalid trailer field value'],
  [
    'a trailer section over the default 8192 bytes',
    `0\r\nA: ${'x'.repeat(8186)}\r\n\r\n`,
    'trailer section too large',
  ],
]

describe('ChunkedDecoder decodes', () => {
  test.each(valid)('%s', (_name, wire, payload, trailers) => {
    expect(run(wire)).toEqual({ payload, trailers, consumed: wire.length, done: true, error: null })
  })

  test('a trailer section of exactly 8192 bytes', () => {
    const wire = `0\r\nA: ${'x'.repeat(8185)}\r\n\r\n`
    expect(run(wire).done).toBe(true)
  })

  test('extensions of exactly 1024 bytes', () => {
    const wire = `5;a=${'x'.repeat(1021)}\r\nhello\r\n0\r\n\r\n`
    expect(run(wire)).toMatchObject({ payload: 'hello', done: true })
  })
})

describe('ChunkedDecoder rejects', () => {
  test.each(invalid)('%s', (_name, wire, reason) => {
    expect(run(wire)).toMatchObject({ done: false, error: reason })
  })
})

describe('ChunkedDecoder limits', () => {
  test.each<[string, string, ChunkedLimits, string | null]>([
    [
      'a 3-digit size with maxChunkSizeDigits 2',
      '100\r\n',
      { maxChunkSizeDigits: 2 },
      'chunk size too long',
    ],
    [
      'a 2-digit size with maxChunkSizeDigits 2',
      '10\r\n' + 'x'.repeat(16) + '\r\n0\r\n\r\n',
      { maxChunkSizeDigits: 2 },
      null,
    ],
    [
      '10 trailer bytes with maxTrailerBytes 9',
      '0\r\nA: 123\r\n\r\n',
      { maxTrailerBytes: 9 },
      'trailer section too large',
    ],
    [
      '10 trailer bytes with maxTrailerBytes 10',
      '0\r\nA: 123\r\n\r\n',
      { maxTrailerBytes: 10 },
      null,
    ],
    [
      '5 extension bytes with maxExtensionBytes 4',
      '1;a=bc\r\nx\r\n0\r\n\r\n',
      { maxExtensionBytes: 4 },
      'chunk extensions too long',
    ],
    [
      '5 extension bytes with maxExtensionBytes 5',
      '1;a=bc\r\nx\r\n0\r\n\r\n',
      { maxExtensionBytes: 5 },
      null,
    ],
  ])('%s', (_name, wire, limits, error) => {
    expect(run(wire, [], limits)).toMatchObject({ error, done: error === null })
  })
})

describe('ChunkedDecoder with split input', () => {
  test.each(valid)('decodes %s split at every single point', (_name, wire, payload, trailers) => {
    for (let cut = 0; cut <= wire.length; cut++) {
      expect({ cut, ...run(wire, [cut]) }).toEqual({
        cut,
        payload,
        trailers,
        consumed: wire.length,
        done: true,
        error: null,
      })
    }
  })

  test.each(valid)('decodes %s fed one byte at a time', (_name, wire, payload, trailers) => {
    const cuts = Array.from({ length: wire.length - 1 }, (_, i) => i + 1)
    expect(run(wire, cuts)).toEqual({
      payload,
      trailers,
      consumed: wire.length,
      done: true,
      error: null,
    })
  })

  test.each(valid)('decodes %s under 200 random splits', (name, wire, payload, trailers) => {
    const random = mulberry32(name.length * 7919)
    for (let round = 0; round < 200; round++) {
      const cuts = randomCuts(wire.length, random)
      expect({ cuts, ...run(wire, cuts) }).toEqual({
        cuts,
        payload,
        trailers,
        consumed: wire.length,
        done: true,
        error: null,
      })
    }
  })

  test.each(invalid)(
    'rejects %s the same way at every single split point',
    (_name, wire, reason) => {
      for (let cut = 0; cut <= wire.length; cut++) {
        expect({ cut, ...run(wire, [cut]) }).toMatchObject({ cut, done: false, error: reason })
      }
    },
  )

  test.each(invalid)(
    'rejects %s the same way one byte at a time and under random splits',
    (name, wire, reason) => {
      const bytewise = Array.from({ length: wire.length - 1 }, (_, i) => i + 1)
      expect(run(wire, bytewise)).toMatchObject({ done: false, error: reason })
      const random = mulberry32(name.length * 104729)
      for (let round = 0; round < 100; round++) {
        const cuts = randomCuts(wire.length, random)
        expect({ cuts, ...run(wire, cuts) }).toMatchObject({ cuts, done: false, error: reason })
      }
    },
  )

  test('decodes random bodies of random chunks under random splits', () => {
    const random = mulberry32(42)
    for (let round = 0; round < 300; round++) {
      let wire = ''
      let payload = ''
      const chunks = Math.floor(random() * 5)
      for (let c = 0; c < chunks; c++) {
        const size = 1 + Math.floor(random() * 40)
        let data = ''
        for (let i = 0; i < size; i++) data += String.fromCharCode(Math.floor(random() * 256))
        const hex = size.toString(16)
        const size16 = random() < 0.5 ? hex : hex.toUpperCase()
        const extension = random() < 0.3 ? ';e="v"' : ''
        wire += `${size16}${extension}\r\n${data}\r\n`
        payload += data
      }
      wire += random() < 0.5 ? '0\r\n\r\n' : '0\r\nT: v\r\n\r\n'
      const cuts = randomCuts(wire.length, random)
      expect(run(wire, cuts)).toMatchObject({
        payload,
        consumed: wire.length,
        done: true,
        error: null,
      })
    }
  })
})

describe('ChunkedDecoder in pass-through use', () => {
  test('validates without a payload callback and reports where the body ends', () => {
    const decoder = new ChunkedDecoder()
    const body = '5\r\nhello\r\n0\r\n\r\n'
    const progress = decoder.push(bytes(`${body}GET / HTTP/1.1\r\n`))
    expect(progress).toEqual({ consumed: body.length, done: true, trailerStart: '5\r\nhello\r\n0\r\n'.length })
    expect(decoder.done).toBe(true)
  })

  test('stops inside a later chunk at the end of the body', () => {
    const decoder = new ChunkedDecoder()
    expect(decoder.push(bytes('3\r\nabc'))).toEqual({ consumed: 6, done: false, trailerStart: -1 })
    expect(decoder.push(bytes('\r\n0\r\n\r\nNEXT'))).toEqual({ consumed: 7, done: true, trailerStart: 5 })
  })

  test('rebuilds the trailer section byte for byte without the fields a filter drops', () => {
    const decoder = new ChunkedDecoder()
    const wire = '3\r\nabc\r\n0\r\nX-Sum: 1\t\r\nContent-Length: 99\r\nx-b:  \xe9\r\n\r\n'
    // Split inside the trailer section, as the network may.
    decoder.push(bytes(wire.slice(0, 20)))
    expect(decoder.push(bytes(wire.slice(20))).done).toBe(true)
    const kept = decoder.trailerSection((name) => name !== 'content-length')
    expect(Buffer.from(kept).toString('latin1')).toBe('X-Sum: 1\t\r\nx-b:  \xe9\r\n\r\n')
    expect(Buffer.from(new ChunkedDecoder().trailerSection(() => true)).toString('latin1')).toBe('\r\n')
  })

  test('consumes nothing once done', () => {
    const decoder = new ChunkedDecoder()
    decoder.push(LAST_CHUNK)
    expect(decoder.push(bytes('5\r\nhello'))).toEqual({ consumed: 0, done: true, trailerStart: -1 })
  })

  test('keeps throwing after an error', () => {
    const decoder = new ChunkedDecoder()
    expect(() => decoder.push(bytes('z'))).toThrow(ChunkedError)
    expect(() => decoder.push(bytes('0\r\n\r\n'))).toThrow('invalid chunk size')
    expect(decoder.done).toBe(false)
  })

  test('hands payload over as zero-copy views of the pushed chunk', () => {
    const seen: Uint8Array[] = []
    const decoder = new ChunkedDecoder((data) => seen.push(data))
    const chunk = bytes('5\r\nhello\r\n0\r\n\r\n')
    decoder.push(chunk)
    expect(seen).toHaveLength(1)
    expect(seen[0]!.buffer).toBe(chunk.buffer)
    expect(seen[0]!.byteOffset).toBe(chunk.byteOffset + 3)
    expect(Buffer.from(seen[0]!).toString()).toBe('hello')
  })

  test('reports no trailers when there were none', () => {
    const decoder = new ChunkedDecoder()
    decoder.push(bytes('0\r\n\r\n'))
    expect(decoder.trailers()).toEqual([])
  })

  test('reports trailers of complete lines before the section ends', () => {
    const decoder = new ChunkedDecoder()
    decoder.push(bytes('0\r\nA: 1\r\nB: 2'))
    expect(decoder.trailers()).toEqual(['a', '1'])
  })

  test('is a ChunkedError, which is an Error', () => {
    const error = new ChunkedError('x')
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('ChunkedError')
  })
})

describe('encodeChunkHeader and LAST_CHUNK', () => {
  test.each<[number, string]>([
    [0, '0\r\n'],
    [1, '1\r\n'],
    [10, 'a\r\n'],
    [255, 'ff\r\n'],
    [4096, '1000\r\n'],
    [Number.MAX_SAFE_INTEGER, '1fffffffffffff\r\n'],
  ])('encodes %d as %j', (size, line) => {
    expect(encodeChunkHeader(size)).toBe(line)
  })

  test.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses %d', (size) => {
    expect(() => encodeChunkHeader(size)).toThrow(RangeError)
  })

  test('LAST_CHUNK is the bytes of 0 CRLF CRLF', () => {
    expect(Buffer.from(LAST_CHUNK).toString('latin1')).toBe('0\r\n\r\n')
  })

  test('an encoded body decodes back to its payload', () => {
    const payloads = ['hello', 'x'.repeat(300), '\r\n0\r\n\r\n']
    const wire = payloads.map((p) => encodeChunkHeader(p.length) + p + '\r\n').join('')
    const all = Buffer.concat([bytes(wire), LAST_CHUNK]).toString('latin1')
    expect(run(all)).toMatchObject({ payload: payloads.join(''), done: true, error: null })
  })
})
