import type { Server } from 'bun'
import type { GatewayControl } from '../gateway-control.ts'
import { adminHostAllowed } from './admin-host.ts'
import { explainResponse } from './explain-endpoint.ts'

/**
 * startAdminServer serves the admin endpoints (../shared/spec/interface.md): /ready, /status and
 * /metrics, plus /healthz (the process is alive) and /explain (how a request would be routed). Bind it to loopback: /status shows the whole
 * configuration (never Secret contents).
 */
export function startAdminServer(gateway: GatewayControl, hostname: string, port: number): Server<undefined> {
  return Bun.serve({
    hostname,
    port,
    async fetch(req) {
      if (!adminHostAllowed(req.headers.get('host'), hostname)) {
        return text(403, 'forbidden: the admin server answers only to localhost, IP addresses and its own host name\n')
      }
      const url = new URL(req.url)
      const path = url.pathname
      if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'method not allowed\n')
      switch (path) {
        case '/ready':
          return gateway.ready ? text(200, 'ready\n') : text(503, 'not ready\n')
        case '/healthz':
          return text(200, 'ok\n')
        case '/status':
          return Response.json(await gateway.statusDocument())
        case '/metrics':
          return new Response(await gateway.metricsText(), {
            headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
          })
        case '/explain':
          return explainResponse(gateway, url.searchParams)
        default:
          return text(404, 'not found: try /ready, /status, /metrics or /explain?url=...\n')
      }
    },
  })
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } })
}
