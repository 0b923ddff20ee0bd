/**
 * Just enough HTTP/1.1 response parsing for the rate loader: find each response's end on a
 * keep-alive connection (Content-Length, chunked, or no body) and report its status. Bodies are
 * skipped, never copied. Not a validating parser: the proxies under test are trusted to frame.
 */

const CRLF = Buffer.from('\r\n')
const HEAD_END = Buffer.from('\r\n\r\n')

type State = 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'trailers' | 'until-close'

/** Incremental reader: feed it socket data, it calls `onResponse` once per complete response. */
export class ResponseReader {
  #pending: Buffer = Buffer.alloc(0)
  #state: State = 'head'
  #remaining = 0
  #status = 0

  constructor(private readonly onResponse: (status: number) => void) {}

  /** Whether a response has started but not ended (its bytes are partly read). */
  get midResponse(): boolean {
    return this.#state !== 'head' || this.#pending.length > 0
  }

  /** Consumes `data`; throws on a response head it cannot make sense of. */
  feed(data: Buffer): void {
    const buf = this.#pending.length === 0 ? data : Buffer.concat([this.#pending, data])
    let at = 0
    for (;;) {
      const next = this.#step(buf, at)
      if (next === at) break
      at = next
    }
    // Only an unfinished head or chunk-size line is kept; body bytes are always consumed.
    this.#pending = at >= buf.length ? Buffer.alloc(0) : buf.subarray(at)
  }

  /** The connection closed: a close-delimited body ends here. */
  end(): void {
    if (this.#state === 'until-close') this.#complete()
  }

  #complete(): void {
    this.#state = 'head'
    this.onResponse(this.#status)
  }

  /** Advances over one piece of `buf` from `at`; returns the new offset (unchanged: need more). */
  #step(buf: Buffer, at: number): number {
    switch (this.#state) {
      case 'head': {
        const end = buf.indexOf(HEAD_END, at)
        if (end < 0) return at
        this.#startBody(buf, at, end)
        return end + 4
      }
      case 'body': {
        const take = Math.min(this.#remaining, buf.length - at)
        if (take === 0) return at
        this.#remaining -= take
        if (this.#remaining === 0) this.#complete()
        return at + take
      }
      case 'chunk-size': {
        const end = buf.indexOf(CRLF, at)
        if (end < 0) return at
        const size = Number.parseInt(buf.toString('latin1', at, end).split(';')[0] ?? '', 16)
        if (!Number.isFinite(size) || size < 0) throw new Error('bad chunk size')
        this.#state = size === 0 ? 'trailers' : 'chunk-data'
        this.#remaining = size + 2 // the data and its CRLF
        return end + 2
      }
      case 'chunk-data': {
        const take = Math.min(this.#remaining, buf.length - at)
        if (take === 0) return at
        this.#remaining -= take
        if (this.#remaining === 0) this.#state = 'chunk-size'
        return at + take
      }
      case 'trailers': {
        const end = buf.indexOf(CRLF, at)
        if (end < 0) return at
        // An empty line ends the trailer section (usually there are no trailers at all).
        if (end === at) this.#complete()
        return end + 2
      }
      case 'until-close':
        return buf.length
    }
  }

  /** Reads status and framing from the head in buf[at, end), touching only the lines needed. */
  #startBody(buf: Buffer, at: number, end: number): void {
    // "HTTP/1.x NNN": checked and read as bytes, since this runs once per response.
    if (buf.toString('latin1', at, at + 7) !== 'HTTP/1.' || buf[at + 8] !== 0x20) {
      throw new Error(`not an HTTP/1.x response: ${JSON.stringify(buf.toString('latin1', at, Math.min(end, at + 40)))}`)
    }
    this.#status = ((buf[at + 9] ?? 0) - 48) * 100 + ((buf[at + 10] ?? 0) - 48) * 10 + ((buf[at + 11] ?? 0) - 48)
    let length: number | null = null
    let chunked = false
    for (let line = buf.indexOf(CRLF, at) + 2; line > 1 && line < end; ) {
      const next = buf.indexOf(CRLF, line)
      const lineEnd = next < 0 || next > end ? end : next
      // Only Content-Length (c, 14 chars) and Transfer-Encoding (t, 17 chars) matter.
      const first = (buf[line] ?? 0) | 0x20
      const colon = buf.indexOf(0x3a, line)
      if ((first === 0x63 && colon - line === 14) || (first === 0x74 && colon - line === 17)) {
        const name = buf.toString('latin1', line, colon).toLowerCase()
        const value = buf.toString('latin1', colon + 1, lineEnd).trim().toLowerCase()
        if (name === 'content-length') length = Number(value)
        if (name === 'transfer-encoding') chunked = value.endsWith('chunked')
      }
      line = lineEnd + 2
    }
    const bodiless = this.#status < 200 || this.#status === 204 || this.#status === 304
    if (this.#status < 200) {
      // 1xx is followed by the real response on the same connection.
      this.#state = 'head'
      return
    }
    if (bodiless || length === 0) return this.#complete()
    if (chunked) {
      this.#state = 'chunk-size'
    } else if (length !== null) {
      this.#state = 'body'
      this.#remaining = length
    } else {
      this.#state = 'until-close'
    }
  }
}
