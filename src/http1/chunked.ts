import { COLON, CR, FIELD_VALUE, HEX_VALUE, HTAB, LF, QDTEXT, SP, TCHAR } from './char-class.ts'
import { decodeLatin1 } from './latin1.ts'

/** ChunkedProgress reports how much of one pushed chunk belonged to the body and if it ended. */
export interface ChunkedProgress {
  /** Bytes of the pushed chunk that belong to the body: all of them unless `done`. */
  consumed: number
  /** Whether the last-chunk and the trailer section, up to its final CRLF, have been seen. */
  done: boolean
  /** Where in the pushed chunk the trailer section began (just after the last-chunk line), or -1. */
  trailerStart: number
}

/** ChunkedLimits bounds the parts of chunked framing that are not payload. */
export interface ChunkedLimits {
  /** Most hex digits in a chunk-size, leading zeros included (default 16). */
  maxChunkSizeDigits?: number
  /** Most bytes in the trailer section, final CRLF included (default 8192). */
  maxTrailerBytes?: number
  /** Most bytes of chunk extensions on one size line (default 1024). */
  maxExtensionBytes?: number
}

/** ChunkedError is thrown by ChunkedDecoder.push for framing that is invalid or over a limit. */
export class ChunkedError extends Error {
  override name = 'ChunkedError'
}

/** encodeChunkHeader returns the size line for a chunk of `size` bytes, e.g. 'a\r\n'. */
export function encodeChunkHeader(size: number): string {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid chunk size: ${size}`)
  return `${size.toString(16)}\r\n`
}

/** LAST_CHUNK is the bytes of '0\r\n\r\n': the last-chunk with an empty trailer section. */
export const LAST_CHUNK: Uint8Array = new Uint8Array([0x30, CR, LF, CR, LF])

const FINAL_CRLF = new Uint8Array([CR, LF])
const SEMICOLON = 0x3b
const EQUALS = 0x3d
const DQUOTE = 0x22
const BACKSLASH = 0x5c

// Parser states. The size line is chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1.1) with
//   chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )
// so whitespace is only valid where the grammar puts BWS: before ';' and around '='.
const SIZE_START = 0
const SIZE = 1
const SIZE_WS = 2 // BWS after the size, ';' must follow
const EXT_PRE_NAME = 3 // after ';'
const EXT_NAME = 4
const EXT_POST_NAME = 5 // BWS after a name, '=' or ';' must follow
const EXT_PRE_VALUE = 6 // after '='
const EXT_TOKEN = 7
const EXT_QUOTED = 8
const EXT_ESCAPE = 9 // after '\' inside a quoted-string
const EXT_POST_VALUE = 10 // BWS after a value, ';' must follow
const EXT_AFTER_QUOTE = 11
const SIZE_LF = 12
const DATA = 13
const DATA_CR = 14
const DATA_LF = 15
const TRAILER_START = 16
const TRAILER_NAME = 17
const TRAILER_VALUE = 18
const TRAILER_LF = 19
const END_LF = 20
const DONE = 21
const FAILED = 22

// Without onData it only checks framing, for pass-through where the raw bytes are forwarded; with
// onData it also hands over the payload as zero-copy subarrays of the pushed chunks. Input may be
// split anywhere, down to single bytes: all state lives in the instance, never in lookahead.
/**
 * ChunkedDecoder validates a chunked body (RFC 9112 §7.1) as it streams through and finds where it
 * ends.
 */
export class ChunkedDecoder {
  private readonly onData: ((data: Uint8Array) => void) | undefined
  private readonly maxChunkSizeDigits: number
  private readonly maxTrailerBytes: number
  private readonly maxExtensionBytes: number
  private state = SIZE_START
  private size = 0
  private digits = 0
  private remaining = 0
  private extensionBytes = 0
  private trailerBytes = 0
  // Trailer field lines as received (CRLFs included), kept only when there are any.
  private trailerBuf: Uint8Array | null = null
  private trailerLength = 0
  private trailerComplete = 0
  private failure = ''

  /** constructor takes the payload sink (optional, for pass-through) and the framing limits. */
  constructor(onData?: (data: Uint8Array) => void, limits?: ChunkedLimits) {
    this.onData = onData
    this.maxChunkSizeDigits = limits?.maxChunkSizeDigits ?? 16
    this.maxTrailerBytes = limits?.maxTrailerBytes ?? 8192
    this.maxExtensionBytes = limits?.maxExtensionBytes ?? 1024
  }

  /** done is whether the body has ended: last-chunk and trailer section fully seen. */
  get done(): boolean {
    return this.state === DONE
  }

  /**
   * push feeds the next bytes of the body and reports how many belonged to it, throwing
   * ChunkedError on invalid framing; bytes after the end are left to the caller (the next message).
   */
  push(chunk: Uint8Array): ChunkedProgress {
    // After an error the stream can no longer be trusted, so every later push throws too.
    if (this.state === FAILED) throw new ChunkedError(this.failure)
    if (this.state === DONE) return { consumed: 0, done: true, trailerStart: -1 }
    const length = chunk.length
    let trailerStart = -1
    let state = this.state
    let p = 0
    while (p < length) {
      if (state === DATA) {
        const take = Math.min(this.remaining, length - p)
        if (this.onData !== undefined) this.onData(chunk.subarray(p, p + take))
        p += take
        this.remaining -= take
        if (this.remaining === 0) state = DATA_CR
        continue
      }
      const c = chunk[p++]!
      if (state >= SIZE_WS && state <= EXT_AFTER_QUOTE && c !== CR) {
        if (++this.extensionBytes > this.maxExtensionBytes) this.fail('chunk extensions too long')
      } else if (state >= TRAILER_START && state <= END_LF) {
        if (++this.trailerBytes > this.maxTrailerBytes) this.fail('trailer section too large')
      }
      switch (state) {
        case SIZE_START: {
          const v = HEX_VALUE[c]!
          if (v === 0xff) this.fail('invalid chunk size')
          this.size = v
          this.digits = 1
          state = SIZE
          break
        }
        case SIZE: {
          const v = HEX_VALUE[c]!
          if (v !== 0xff) {
            if (++this.digits > this.maxChunkSizeDigits) this.fail('chunk size too long')
            // Multiplying by 16 is exact; past 2^53 the sum may round, but never back below it.
            this.size = this.size * 16 + v
            if (this.size > Number.MAX_SAFE_INTEGER) this.fail('chunk size too large')
          } else if (c === CR) {
            state = SIZE_LF
          } else if (c === SEMICOLON || c === SP || c === HTAB) {
            // The extension starts here; later bytes are counted before the switch.
            this.extensionBytes = 1
            state = c === SEMICOLON ? EXT_PRE_NAME : SIZE_WS
          } else {
            this.fail(c === LF ? 'bare lf in chunk size line' : 'invalid chunk size')
          }
          break
        }
        case SIZE_WS:
        case EXT_POST_VALUE:
          if (c === SEMICOLON) state = EXT_PRE_NAME
          else if (c !== SP && c !== HTAB) this.fail('invalid chunk extension')
          break
        case EXT_PRE_NAME:
          if (TCHAR[c] !== 0) state = EXT_NAME
          else if (c !== SP && c !== HTAB) this.fail('invalid chunk extension')
          break
        case EXT_NAME:
          if (TCHAR[c] !== 0) break
          if (c === CR) state = SIZE_LF
          else if (c === SEMICOLON) state = EXT_PRE_NAME
          else if (c === EQUALS) state = EXT_PRE_VALUE
          else if (c === SP || c === HTAB) state = EXT_POST_NAME
          else this.fail(c === LF ? 'bare lf in chunk size line' : 'invalid chunk extension')
          break
        case EXT_POST_NAME:
          if (c === EQUALS) state = EXT_PRE_VALUE
          else if (c === SEMICOLON) state = EXT_PRE_NAME
          else if (c !== SP && c !== HTAB) this.fail('invalid chunk extension')
          break
        case EXT_PRE_VALUE:
          if (TCHAR[c] !== 0) state = EXT_TOKEN
          else if (c === DQUOTE) state = EXT_QUOTED
          else if (c !== SP && c !== HTAB) this.fail('invalid chunk extension')
          break
        case EXT_TOKEN:
          if (TCHAR[c] !== 0) break
          if (c === CR) state = SIZE_LF
          else if (c === SEMICOLON) state = EXT_PRE_NAME
          else if (c === SP || c === HTAB) state = EXT_POST_VALUE
          else this.fail(c === LF ? 'bare lf in chunk size line' : 'invalid chunk extension')
          break
        case EXT_QUOTED:
          if (c === DQUOTE) state = EXT_AFTER_QUOTE
          else if (c === BACKSLASH) state = EXT_ESCAPE
          else if (QDTEXT[c] === 0) this.fail('invalid chunk extension')
          break
        case EXT_ESCAPE:
          // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
          if (c === HTAB || (c >= 0x20 && c !== 0x7f)) state = EXT_QUOTED
          else this.fail('invalid chunk extension')
          break
        case EXT_AFTER_QUOTE:
          if (c === CR) state = SIZE_LF
          else if (c === SEMICOLON) state = EXT_PRE_NAME
          else if (c === SP || c === HTAB) state = EXT_POST_VALUE
          else this.fail('invalid chunk extension')
          break
        case SIZE_LF:
          if (c !== LF) this.fail('bare cr in chunk size line')
          if (this.size === 0) {
            this.trailerBytes = 0
            trailerStart = p
            state = TRAILER_START
          } else {
            this.remaining = this.size
            state = DATA
          }
          break
        case DATA_CR:
          if (c !== CR) this.fail('missing crlf after chunk data')
          state = DATA_LF
          break
        case DATA_LF:
          if (c !== LF) this.fail('missing crlf after chunk data')
          state = SIZE_START
          break
        case TRAILER_START:
          if (c === CR) {
            state = END_LF
            break
          }
          if (TCHAR[c] === 0) {
            if (c === SP || c === HTAB) this.fail('obs-fold in trailer section')
            this.fail(c === LF ? 'bare lf in trailer section' : 'invalid trailer field name')
          }
          this.keepTrailerByte(c)
          state = TRAILER_NAME
          break
        case TRAILER_NAME:
          if (c === COLON) state = TRAILER_VALUE
          else if (TCHAR[c] === 0) {
            this.fail(
              c === SP || c === HTAB ? 'whitespace before colon' : 'invalid trailer field name',
            )
          }
          this.keepTrailerByte(c)
          break
        case TRAILER_VALUE:
          if (c === CR) state = TRAILER_LF
          else if (FIELD_VALUE[c] === 0) {
            this.fail(c === LF ? 'bare lf in trailer section' : 'invalid trailer field value')
          }
          this.keepTrailerByte(c)
          break
        case TRAILER_LF:
          if (c !== LF) this.fail('bare cr in trailer section')
          this.keepTrailerByte(c)
          this.trailerComplete = this.trailerLength
          state = TRAILER_START
          break
        case END_LF:
          if (c !== LF) this.fail('bare cr in trailer section')
          state = DONE
          break
      }
      if (state === DONE) break
    }
    this.state = state
    return { consumed: p, done: state === DONE, trailerStart }
  }

  /**
   * trailerSection rebuilds the trailer section as received (field lines byte for byte, then the
   * final CRLF), leaving out the fields `keep` rejects by lower-cased name. Call it once done.
   */
  trailerSection(keep: (name: string) => boolean): Uint8Array {
    const kept = this.trailerBuf
    if (kept === null) return FINAL_CRLF
    const out = new Uint8Array(this.trailerComplete + 2)
    let length = 0
    let lineStart = 0
    while (lineStart < this.trailerComplete) {
      let colon = lineStart
      while (kept[colon] !== COLON) colon++
      let lineEnd = colon
      while (kept[lineEnd] !== LF) lineEnd++
      if (keep(decodeLatin1(kept, lineStart, colon).toLowerCase())) {
        out.set(kept.subarray(lineStart, lineEnd + 1), length)
        length += lineEnd + 1 - lineStart
      }
      lineStart = lineEnd + 1
    }
    out[length++] = CR
    out[length++] = LF
    return out.subarray(0, length)
  }

  /** trailers returns the trailer fields seen so far as flat lower-cased [name, value] pairs. */
  trailers(): string[] {
    const out: string[] = []
    if (this.trailerBuf === null) return out
    // The bytes were validated on the way in, so each line is `name ":" value CRLF`.
    const text = decodeLatin1(this.trailerBuf, 0, this.trailerComplete)
    let lineStart = 0
    while (lineStart < text.length) {
      const lineEnd = text.indexOf('\r\n', lineStart)
      const colon = text.indexOf(':', lineStart)
      let valueStart = colon + 1
      let valueEnd = lineEnd
      while (valueStart < valueEnd && isOws(text.charCodeAt(valueStart))) valueStart++
      while (valueEnd > valueStart && isOws(text.charCodeAt(valueEnd - 1))) valueEnd--
      out.push(text.substring(lineStart, colon).toLowerCase(), text.substring(valueStart, valueEnd))
      lineStart = lineEnd + 2
    }
    return out
  }

  private keepTrailerByte(c: number): void {
    // Allocated on the first trailer field only and grown by doubling, so a generous
    // maxTrailerBytes costs nothing up front; the trailerBytes check bounds the growth.
    let kept = this.trailerBuf
    if (kept === null || this.trailerLength === kept.length) {
      const grown = new Uint8Array(kept === null ? 256 : kept.length * 2)
      if (kept !== null) grown.set(kept)
      kept = this.trailerBuf = grown
    }
    kept[this.trailerLength++] = c
  }

  private fail(reason: string): never {
    this.state = FAILED
    this.failure = reason
    throw new ChunkedError(reason)
  }
}

function isOws(c: number): boolean {
  return c === SP || c === HTAB
}
