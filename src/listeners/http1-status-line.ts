import { statusText } from '../http/status-text.ts'

const CRLF = '\r\n'

/** STATUS_LINES caches the status lines of the common statuses with their standard reasons. */
const STATUS_LINES = new Map<number, string>()

/** statusLine is `HTTP/1.1 <status> <reason>` with its CRLF, cached for the standard reasons. */
export function statusLine(status: number, reason: string): string {
  const standard = statusText(status)
  if (reason !== standard) return `HTTP/1.1 ${status} ${reason}${CRLF}`
  let line = STATUS_LINES.get(status)
  if (line === undefined) STATUS_LINES.set(status, (line = `HTTP/1.1 ${status} ${standard}${CRLF}`))
  return line
}

/**
 * switchingProtocolsHead is the 101 response that completes a client's upgrade: the upstream's
 * end-to-end headers, then Connection and Upgrade naming the protocol the client asked for.
 */
export function switchingProtocolsHead(reason: string, headers: readonly string[], upgrade: string): string {
  let text = `HTTP/1.1 101 ${reason}${CRLF}`
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string
    if (name === 'connection' || name === 'upgrade' || name === 'content-length' || name === 'transfer-encoding') continue
    text += `${name}: ${headers[i + 1]}${CRLF}`
  }
  return `${text}connection: upgrade${CRLF}upgrade: ${upgrade}${CRLF}${CRLF}`
}
