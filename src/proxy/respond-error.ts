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

/**
 * respondJson answers an exchange itself with a JSON body (OpenAI-style errors of inference
 * requests, the model list) and finishes it; `logMessage` goes to the access log.
 */
export function respondJson(ex: Exchange, status: number, body: object, logMessage: string): void {
  if (status >= 400) {
    ex.errorSource = 'inference'
    ex.errorMessage = logMessage
  }
  ex.downstream.respond(status, ['content-type', 'application/json'], JSON.stringify(body))
  ex.finish(status)
}
