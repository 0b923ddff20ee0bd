import { forwardableTrailer } from './trailer-fields.ts'

/**
 * lastChunkWithTrailers writes the last chunk of a chunked body with a trailer section
 * (RFC 9112 §7.1.2), as latin1 text: how trailers an HTTP/2 upstream sent reach an HTTP/1.1
 * client. Fields a proxy must not pass on, and values with CR, LF or NUL, are left out.
 */
export function lastChunkWithTrailers(trailers: readonly string[]): string {
  let text = '0\r\n'
  for (let i = 0; i < trailers.length; i += 2) {
    const name = trailers[i] as string
    const value = trailers[i + 1] as string
    if (!forwardableTrailer(name) || /[\r\n\0]/.test(value) || /[\r\n\0:]/.test(name)) continue
    text += `${name}: ${value}\r\n`
  }
  return `${text}\r\n`
}
