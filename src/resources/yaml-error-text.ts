/**
 * yamlErrorText is the first line of a message from the yaml library, without the source text it
 * quotes: "Unexpected scalar token in YAML stream: \"<token>\"" names whatever came next in the
 * file, which may be a Secret's key or certificate. Errors go to logs and /status, so the quoted
 * part is dropped; the file, line and column still point at it.
 */
export function yamlErrorText(message: string): string {
  const newline = message.indexOf('\n')
  const line = newline === -1 ? message : message.slice(0, newline)
  return line.replace(/:\s*"(?:[^"\\]|\\.)*"?\s*$/, '').replace(/"(?:[^"\\]|\\.)*"?/g, '(text)')
}
