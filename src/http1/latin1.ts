/**
 * Latin-1 decoding of raw bytes. HTTP field values are octets (obs-text included), and latin1 maps
 * each byte to the code point of the same value, so the string round-trips to the wire exactly.
 * TextDecoder('latin1') is not usable: WHATWG aliases it to windows-1252, which remaps 0x80-0x9F.
 */

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string

// Buffer's native latin1Slice accepts any Uint8Array as `this`, so no Buffer view is allocated
// per call; it is the fastest bytes-to-string path Bun offers (one copy, no encoding lookup).
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice: Latin1Slice }).latin1Slice

/** decodeLatin1 returns bytes [start, end) of buf as a string, one code unit per byte. */
export function decodeLatin1(buf: Uint8Array, start: number, end: number): string {
  return latin1Slice.call(buf, start, end)
}

/**
 * octetString turns text from the configuration (a header value typed in a YAML file) into the
 * string of its UTF-8 octets, the form Weir holds wire bytes in: what nginx sends for a value
 * in its config. ASCII, the usual case, comes back as it is.
 */
export function octetString(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text
}
