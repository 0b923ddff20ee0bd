import type { ResponseHeadOut } from '../filters/filter.ts'
import type { FilterChain } from '../filters/filter-chain.ts'
import type { ResponseHead } from '../http1/response-head.ts'
import type { ResponseBodyMode } from '../http/body.ts'
import type { Exchange } from '../listeners/exchange.ts'
import { isHopByHop } from '../http/hop-by-hop.ts'
import { statusText } from '../http/status-text.ts'

const NO_TOKENS: readonly string[] = []

/** endToEnd copies a response header list without its hop-by-hop and framing fields. */
export function endToEnd(headers: readonly string[], tokens: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string
    if (name === 'content-length' || isHopByHop(name, tokens)) continue
    out.push(name, headers[i + 1] as string)
  }
  return out
}

/**
 * sendUpstreamHead sends the upstream's response head to the client, through the backend's and
 * the route's response filters and with `extra` headers (a new session's cookie) when there are
 * any; a head nothing changes goes out as it came, without a copy. It returns false when the
 * client is full (pause the upstream).
 */
export function sendUpstreamHead(
  ex: Exchange,
  head: ResponseHead,
  routeFilters: FilterChain,
  backendFilters: FilterChain,
  extra: readonly string[] | undefined,
  mode: ResponseBodyMode,
  first: Uint8Array | undefined,
  start: number,
  end: number
): boolean {
  const ds = ex.downstream
  ex.status = head.status
  if (!routeFilters.hasResponsePhase && !backendFilters.hasResponsePhase && !extra) {
    const reason = head.reason === '' ? statusText(head.status) : head.reason
    return ds.sendHead(head.status, reason, head.headers, head.connectionTokens, mode, first, start, end)
  }
  const out: ResponseHeadOut = { status: head.status, headers: endToEnd(head.headers, head.connectionTokens) }
  backendFilters.response(ex, out)
  routeFilters.response(ex, out)
  if (extra) out.headers.push(...extra)
  const reason = out.status === head.status && head.reason !== '' ? head.reason : statusText(out.status)
  ex.status = out.status
  return ds.sendHead(out.status, reason, out.headers, NO_TOKENS, mode, first, start, end)
}
