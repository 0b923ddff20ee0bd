// An independent reading of HTTP/1.1 head bytes, written plainly (strings, regular expressions)
// so the fuzz targets can check the optimised parsers against it rather than against themselves.

/** WireField is one field line as sent: the name with its case, the value OWS-trimmed. */
export interface WireField {
  readonly name: string
  readonly value: string
}

/** WireHead is a head split into its start line and field lines. */
export interface WireHead {
  readonly startLine: string
  readonly fields: WireField[]
}

/** latin1 decodes bytes one character per byte, as the parsers do. */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1')
}

/**
 * splitHead reads `text` (one head, from its start line to its final CRLF CRLF inclusive) into
 * lines. It throws when the text is not made of CRLF-terminated lines with a colon in each field.
 */
export function splitHead(text: string): WireHead {
  if (!text.endsWith('\r\n\r\n')) throw new Error('head does not end with CRLF CRLF')
  const lines = text.slice(0, -4).split('\r\n')
  for (const line of lines) {
    if (/[\r\n]/.test(line)) throw new Error(`bare CR or LF inside line ${JSON.stringify(line)}`)
  }
  const startLine = lines.shift() as string
  const fields = lines.map((line) => {
    const colon = line.indexOf(':')
    if (colon <= 0) throw new Error(`field line without a name: ${JSON.stringify(line)}`)
    return { name: line.slice(0, colon), value: trimOws(line.slice(colon + 1)) }
  })
  return { startLine, fields }
}

/** trimOws drops leading and trailing SP and HTAB; a loop, as /[ \t]+$/ is quadratic mid-value. */
export function trimOws(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && (s[start] === ' ' || s[start] === '\t')) start++
  while (end > start && (s[end - 1] === ' ' || s[end - 1] === '\t')) end--
  return s.slice(start, end)
}

/** TOKEN matches an RFC 9110 token (method, field name). */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** fieldValues lists the values of every field named `name` (case-insensitive), in order. */
export function fieldValues(head: WireHead, name: string): string[] {
  return head.fields.filter((f) => f.name.toLowerCase() === name).map((f) => f.value)
}
