import type { Exchange } from '../listeners/exchange.ts'
import { statusText } from '../http/status-text.ts'

/**
 * respondError answers an exchange with a status Weir generated (404, 500, 502, 503, 504, ...).
 * The body names the status only: details go to the access log, never to the client, since they
 * may name internal addresses.
 */
export function respondError(ex: Exchange, status: number, logMessage?: string): void {
  if (logMessage !== undefined && ex.errorMessage === '') ex.errorMessage = logMessage
  const ds = ex.downstream
  if (ds.headersSent) {
    ds.abort()
    return
  }
  ds.respond(status, [], `${status} ${statusText(status)}\n`)
}
