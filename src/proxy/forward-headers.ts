import type { Exchange } from '../listeners/exchange.ts'
import { isHopByHop } from '../http/hop-by-hop.ts'

/** RequestFraming is how the request body travels to the upstream. */
export type RequestFraming = 'none' | 'length' | 'chunked'

/**
 * upstreamRequestHead writes the HTTP/1.1 request head Weir sends upstream: the client's Host
 * unchanged, every end-to-end header, X-Forwarded-For extended with the client address (nginx
 * `$proxy_add_x_forwarded_for`), X-Forwarded-Proto set to the scheme the client used (an edge
 * proxy does not trust a client-sent one), and the body framing. Hop-by-hop headers, the
 * client's framing headers and Expect (Weir answers 100-continue itself) are dropped.
 */
export function upstreamRequestHead(ex: Exchange, target: string, framing: RequestFraming, length: number): string {
  let head = `${ex.method} ${target} HTTP/1.1\r\nhost: ${ex.authority}\r\n`
  let forwardedFor: string | undefined
  const h = ex.headers
  const tokens = ex.connectionTokens
  for (let i = 0; i < h.length; i += 2) {
    const name = h[i] as string
    switch (name) {
      case 'host':
      case 'content-length':
      case 'expect':
      case 'x-forwarded-proto':
        continue
      case 'x-forwarded-for':
        forwardedFor = forwardedFor === undefined ? h[i + 1] : `${forwardedFor}, ${h[i + 1]}`
        continue
    }
    if (isHopByHop(name, tokens)) continue
    head += `${name}: ${h[i + 1]}\r\n`
  }
  const client = ex.clientAddress
  head += `x-forwarded-for: ${forwardedFor === undefined ? client : `${forwardedFor}, ${client}`}\r\n`
  head += `x-forwarded-proto: ${ex.scheme}\r\n`
  // An upgrade (WebSocket) is asked of the upstream again: Connection and Upgrade are hop-by-hop.
  if (ex.upgrade !== '') head += `connection: upgrade\r\nupgrade: ${ex.upgrade}\r\n`
  if (framing === 'length') head += `content-length: ${length}\r\n`
  else if (framing === 'chunked') head += 'transfer-encoding: chunked\r\n'
  return head + '\r\n'
}

/** upstreamHeadFor is the HTTP/1.1 request head for the upstream, framed as the body to send. */
export function upstreamHeadFor(ex: Exchange, target: string): string {
  const body = ex.requestBody
  let framing: RequestFraming = 'none'
  if (body) framing = body.length >= 0 ? 'length' : 'chunked'
  return upstreamRequestHead(ex, target, framing, body ? body.length : 0)
}
