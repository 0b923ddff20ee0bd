import type { ResponseBodyMode } from '../http/body.ts'
import { isHopByHop } from '../http/hop-by-hop.ts'
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

/** FRAME_* say how a response body travels to an HTTP/1.x client. */
export const FRAME_NONE = 0
export const FRAME_LENGTH = 1
/** Upstream chunked bytes passed through as they are. */
export const FRAME_RAW_CHUNKED = 2
/** Plain bytes Weir frames as chunks. */
export const FRAME_ENCODE_CHUNKED = 3
/** HTTP/1.0: the body ends when the connection closes. */
export const FRAME_UNTIL_CLOSE = 4

/** responseHasNoBody tells whether a response carries no body on the wire (HEAD, 1xx, 204, 304). */
export function responseHasNoBody(status: number, isHeadRequest: boolean): boolean {
  return isHeadRequest || status === 204 || status === 304 || status < 200
}

/**
 * responseFrame chooses how a response body travels to an HTTP/1.x client. FRAME_UNTIL_CLOSE
 * (a body of unknown length to an HTTP/1.0 client) means the connection must close after it.
 */
export function responseFrame(status: number, body: ResponseBodyMode, isHeadRequest: boolean, http10: boolean): number {
  switch (body.kind) {
    case 'length':
      return FRAME_LENGTH
    case 'chunked':
      return FRAME_RAW_CHUNKED
    case 'stream':
      if (responseHasNoBody(status, isHeadRequest)) return FRAME_NONE
      return http10 ? FRAME_UNTIL_CLOSE : FRAME_ENCODE_CHUNKED
    default:
      return FRAME_NONE
  }
}

/**
 * responseHeadText writes a response head for an HTTP/1.x client: status line, the end-to-end
 * fields (framing and hop-by-hop ones, and those `dropTokens` names, are left out), the framing
 * fields for `frame`, and Connection when the connection closes (or stays open for HTTP/1.0).
 */
export function responseHeadText(
  status: number,
  reason: string,
  headers: readonly string[],
  dropTokens: readonly string[],
  body: ResponseBodyMode,
  frame: number,
  keepAlive: boolean,
  http10: boolean
): string {
  let text = fieldLines(statusLine(status, reason), headers, dropTokens)
  if (frame === FRAME_LENGTH && body.kind === 'length' && status !== 204 && status !== 304) text += `content-length: ${body.length}${CRLF}`
  else if (frame === FRAME_RAW_CHUNKED || frame === FRAME_ENCODE_CHUNKED) text += `transfer-encoding: chunked${CRLF}`
  if (!keepAlive) text += `connection: close${CRLF}`
  else if (http10) text += `connection: keep-alive${CRLF}`
  return text + CRLF
}

/** interimHeadText writes a 1xx response head with the upstream's end-to-end fields. */
export function interimHeadText(status: number, reason: string, headers: readonly string[], dropTokens: readonly string[]): string {
  return fieldLines(statusLine(status, reason), headers, dropTokens) + CRLF
}

function fieldLines(start: string, headers: readonly string[], dropTokens: readonly string[]): string {
  let text = start
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string
    if (name === 'content-length' || isHopByHop(name, dropTokens)) continue
    text += `${name}: ${headers[i + 1]}${CRLF}`
  }
  return text
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
