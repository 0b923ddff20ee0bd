/**
 * readClientHello finds the server name (SNI) in the first bytes a TLS client sends, without
 * terminating TLS (RFC 8446 §4.1.2, RFC 6066 §3). The ClientHello may be split over several TLS
 * records and arrive in several segments: 'incomplete' asks for more bytes. Anything that is not
 * a well-formed ClientHello is 'invalid'. `serverName` is undefined when the client sent no SNI.
 */
export type ClientHelloResult = 'incomplete' | 'invalid' | { readonly serverName: string | undefined }

const RECORD_HANDSHAKE = 0x16
const HANDSHAKE_CLIENT_HELLO = 0x01
const EXTENSION_SERVER_NAME = 0x0000
const NAME_TYPE_HOST = 0x00

export function readClientHello(bytes: Uint8Array): ClientHelloResult {
  const handshake = handshakeBytes(bytes)
  if (typeof handshake === 'string') return handshake
  if (handshake.length < 4) return 'incomplete'
  if (handshake[0] !== HANDSHAKE_CLIENT_HELLO) return 'invalid'
  const length = (handshake[1]! << 16) | (handshake[2]! << 8) | handshake[3]!
  if (handshake.length < 4 + length) return 'incomplete'
  return parseClientHello(handshake.subarray(4, 4 + length))
}

/** handshakeBytes joins the payloads of the leading handshake records (fragmentation). */
function handshakeBytes(bytes: Uint8Array): Uint8Array | 'incomplete' | 'invalid' {
  const parts: Uint8Array[] = []
  let at = 0
  let total = 0
  while (at + 5 <= bytes.length) {
    if (bytes[at] !== RECORD_HANDSHAKE || bytes[at + 1] !== 0x03) return 'invalid'
    const length = (bytes[at + 3]! << 8) | bytes[at + 4]!
    if (length === 0 || length > 16_384) return 'invalid'
    const end = at + 5 + length
    parts.push(bytes.subarray(at + 5, Math.min(end, bytes.length)))
    total += Math.min(end, bytes.length) - (at + 5)
    at = end
  }
  if (parts.length === 0) return bytes.length > 0 && bytes[0] !== RECORD_HANDSHAKE ? 'invalid' : 'incomplete'
  const joined = new Uint8Array(total)
  let offset = 0
  for (const p of parts) {
    joined.set(p, offset)
    offset += p.length
  }
  return joined
}

function parseClientHello(body: Uint8Array): ClientHelloResult {
  const r = new Reader(body)
  r.skip(2 + 32) // legacy_version, random
  r.skip(r.u8()) // legacy_session_id
  r.skip(r.u16()) // cipher_suites
  r.skip(r.u8()) // legacy_compression_methods
  if (!r.ok) return 'invalid'
  if (r.done) return { serverName: undefined } // no extensions at all
  const extensionsEnd = r.at + r.u16()
  while (r.ok && r.at + 4 <= extensionsEnd) {
    const type = r.u16()
    const length = r.u16()
    if (type !== EXTENSION_SERVER_NAME) {
      r.skip(length)
      continue
    }
    const listEnd = r.at + r.u16()
    while (r.ok && r.at + 3 <= listEnd) {
      const nameType = r.u8()
      const name = r.bytes(r.u16())
      if (r.ok && nameType === NAME_TYPE_HOST) return hostName(name)
    }
    return 'invalid'
  }
  return r.ok ? { serverName: undefined } : 'invalid'
}

/** hostName decodes an SNI host name: ASCII letters, digits, '-' and '.', compared lower-case. */
function hostName(name: Uint8Array): ClientHelloResult {
  if (name.length === 0 || name.length > 253) return 'invalid'
  for (const c of name) {
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e
    if (!ok) return 'invalid'
  }
  return { serverName: new TextDecoder().decode(name).toLowerCase() }
}

/** Reader reads big-endian fields; reading past the end clears `ok` instead of throwing. */
class Reader {
  at = 0
  ok = true
  constructor(readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.at >= this.buf.length
  }

  u8(): number {
    if (this.at + 1 > this.buf.length) return this.#fail()
    return this.buf[this.at++]!
  }

  u16(): number {
    if (this.at + 2 > this.buf.length) return this.#fail()
    const v = (this.buf[this.at]! << 8) | this.buf[this.at + 1]!
    this.at += 2
    return v
  }

  skip(n: number): void {
    if (this.at + n > this.buf.length) this.#fail()
    else this.at += n
  }

  bytes(n: number): Uint8Array {
    if (this.at + n > this.buf.length) {
      this.#fail()
      return new Uint8Array(0)
    }
    const out = this.buf.subarray(this.at, this.at + n)
    this.at += n
    return out
  }

  #fail(): number {
    this.ok = false
    this.at = this.buf.length
    return 0
  }
}
