import type { Exchange } from '../listeners/exchange.ts'
import { BODY_NONE } from '../http/body.ts'
import { grpcMessage, grpcStatusFor, isGrpcRequest } from '../http/grpc-status.ts'
import { statusText } from '../http/status-text.ts'
import { generatedHeaders } from '../http/generated-headers.ts'

const NO_TOKENS: readonly string[] = []

/**
 * respondError answers an exchange with a status Weir generated (404, 500, 502, 503, 504, ...).
 * The body names the status only: details go to the access log, never to the client, since they
 * may name internal addresses. A gRPC call gets what a gRPC client understands instead (as
 * Envoy answers): HTTP 200, trailers-only, with grpc-status and grpc-message; the access log keeps
 * the HTTP status and says which gRPC status went out.
 */
export function respondError(ex: Exchange, status: number, logMessage?: string): void {
  if (logMessage !== undefined && ex.errorMessage === '') ex.errorMessage = logMessage
  const ds = ex.downstream
  if (ds.headersSent) {
    ds.abort()
    return
  }
  if (isGrpcRequest(ex.header('content-type'))) {
    const grpc = grpcStatusFor(status)
    const note = `answered as grpc-status ${grpc.code} ${grpc.name}`
    ex.errorMessage = ex.errorMessage === '' ? note : `${ex.errorMessage} (${note})`
    const headers = generatedHeaders([
      'content-type', 'application/grpc',
      'grpc-status', String(grpc.code),
      'grpc-message', grpcMessage(statusText(status)),
    ])
    ds.sendHead(200, 'OK', headers, NO_TOKENS, BODY_NONE)
    ds.endBody()
    return
  }
  ds.respond(status, [], `${status} ${statusText(status)}\n`)
}
