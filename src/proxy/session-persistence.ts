import { cookieValue } from '../balancer/consistent-hash.ts'
import type { Endpoint } from '../balancer/endpoint.ts'
import { sessionId, type EndpointSet } from '../balancer/endpoint-set.ts'
import type { Exchange } from '../listeners/exchange.ts'
import type { SessionPersistenceModel } from '../model.ts'

/**
 * Session persistence (GEP-1619, `sessionPersistence` on a rule or in XBackendTrafficPolicy):
 * the first response carries a token naming the endpoint that served it, in a cookie or a
 * header; later requests that present it go to the same endpoint while it is available. The
 * token is `<endpoint id>` or, with an absolute timeout, `<endpoint id>.<expiry, unix seconds>`.
 */

/** sessionTarget returns the endpoint the request's session token names, if still valid. */
export function sessionTarget(ex: Exchange, config: SessionPersistenceModel, endpoints: EndpointSet, now = Date.now()): Endpoint | undefined {
  const token = config.type === 'Cookie' ? cookieValue(ex.header('cookie'), config.sessionName) : ex.header(config.sessionName.toLowerCase())
  if (!token) return undefined
  const dot = token.indexOf('.')
  if (dot !== -1 && Number(token.slice(dot + 1)) * 1000 < now) return undefined
  return endpoints.bySession(dot === -1 ? token : token.slice(0, dot))
}

/** sessionHeader returns the response header that starts a session on `endpoint`. */
export function sessionHeader(config: SessionPersistenceModel, endpoint: Endpoint, now = Date.now()): [string, string] {
  const expiry = config.absoluteTimeoutMs !== undefined ? Math.floor((now + config.absoluteTimeoutMs) / 1000) : undefined
  const token = expiry === undefined ? sessionId(endpoint) : `${sessionId(endpoint)}.${expiry}`
  if (config.type === 'Header') return [config.sessionName.toLowerCase(), token]
  let cookie = `${config.sessionName}=${token}; Path=/; HttpOnly`
  if (config.lifetime === 'Permanent' && config.absoluteTimeoutMs !== undefined) {
    cookie += `; Max-Age=${Math.floor(config.absoluteTimeoutMs / 1000)}`
  }
  return ['set-cookie', cookie]
}
