import pino, { type Logger } from 'pino'
import type { Exchange } from './listeners/exchange.ts'
import type { StreamObserver } from './listeners/stream-handler.ts'

/** createLogger makes the root logger: JSON lines on stdout, written asynchronously. */
export function createLogger(level: string, destination: number | string = 1): Logger {
  return pino({ level, base: { service: 'weir' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: destination, sync: false }))
}

/** AccessLog writes one JSON line per finished request. */
export type AccessLog = (ex: Exchange) => void

/**
 * createAccessLog returns the access logger: time, listener, route, method, path, status,
 * upstream and duration, plus the error source and message when Weir generated the status.
 * The query string is left out: it often carries tokens.
 */
export function createAccessLog(logger: Logger): AccessLog {
  const log = logger.child({ log: 'access' })
  return (ex) => {
    const entry: Record<string, unknown> = {
      listener: ex.listener,
      route: ex.route?.name ?? '',
      method: ex.method,
      host: ex.host,
      path: ex.path,
      status: ex.status,
      upstream: ex.upstream,
      duration: Math.round((performance.now() - ex.startedAt) * 1000) / 1000,
      client: ex.clientAddress,
    }
    if (ex.errorMessage) {
      entry.error = ex.errorMessage
      entry.errorSource = ex.errorSource
    }
    log.info(entry)
  }
}

/**
 * createStreamAccessLog returns the access logger of TCP, TLS and UDP listeners:
 * one line per connection (or UDP session) when it ends, with its listener, route, client,
 * upstream endpoint, bytes each way, duration, TLS server name and why it ended.
 */
export function createStreamAccessLog(logger: Logger): StreamObserver {
  const log = logger.child({ log: 'access' })
  return (r) => {
    log.info({
      protocol: r.protocol,
      listener: r.listener,
      route: r.route,
      client: r.client,
      upstream: r.upstream,
      ...(r.serverName !== undefined ? { sni: r.serverName } : {}),
      bytesUp: r.bytesUp,
      bytesDown: r.bytesDown,
      duration: Math.round(r.durationMs * 1000) / 1000,
      end: r.end,
    })
  }
}
