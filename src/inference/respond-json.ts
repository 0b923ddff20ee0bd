import type { Exchange } from '../listeners/exchange.ts'

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
