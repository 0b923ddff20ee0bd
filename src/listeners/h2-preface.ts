/** H2_PREFACE opens every HTTP/2 connection (RFC 9113 §3.4). */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1')

export const PREFACE_LENGTH = H2_PREFACE.length

/**
 * matchPreface reads a connection's first bytes: 'h2' when they start with the HTTP/2 preface
 * (cleartext HTTP/2 with prior knowledge), 'more' while they are a proper prefix of it (the
 * preface may arrive split), 'http1' as soon as one byte differs.
 */
export function matchPreface(bytes: Uint8Array): 'h2' | 'http1' | 'more' {
  const n = Math.min(bytes.length, PREFACE_LENGTH)
  for (let i = 0; i < n; i++) if (bytes[i] !== H2_PREFACE[i]) return 'http1'
  return n === PREFACE_LENGTH ? 'h2' : 'more'
}
