import type { ResponseHead } from '../http1/response-head.ts'
import type { TunnelPeer } from '../http/body.ts'
import type { Exchange } from '../listeners/exchange.ts'
import { endToEnd } from './response-headers.ts'
import { statusText } from '../http/status-text.ts'
import type { UpstreamConnection } from './upstream-connection.ts'

/**
 * joinTunnel joins the two connections after the upstream switched protocols (101): the client
 * gets the 101, then bytes flow both ways with backpressure until either side closes, when
 * `closed` runs. It returns the client side (the proxy resumes it when the upstream drains), or
 * undefined when the client connection cannot be upgraded (HTTP/2).
 */
export function joinTunnel(ex: Exchange, conn: UpstreamConnection, head: ResponseHead, closed: () => void): TunnelPeer | undefined {
  const upstream: TunnelPeer = {
    write: (chunk) => conn.write(chunk),
    end: () => conn.destroy(),
    pause: () => conn.pause(),
    resume: () => conn.resume(),
  }
  const reason = head.reason === '' ? statusText(101) : head.reason
  const client = ex.downstream.upgrade?.(reason, endToEnd(head.headers, head.connectionTokens), upstream)
  if (!client) return undefined
  conn.tunnel({
    data: (chunk) => {
      if (!client.write(chunk)) conn.pause()
    },
    end: () => {
      client.end()
      closed()
    },
  })
  return client
}
