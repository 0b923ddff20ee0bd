import type { Logger } from 'pino'
import type { Gateway } from '../gateway.ts'
import type { ReloadOutcome } from '../gateway-control.ts'
import { monotonicMicros } from './libc.ts'
import { openSdNotifier, type SdNotifier } from './sd-notify.ts'
import { counted } from '../plural.ts'

/** ServiceGateway is the part of a Gateway that service-manager notifications report on. */
export type ServiceGateway = Pick<Gateway, 'reload' | 'boundSockets' | 'ready' | 'generation'>

/** ServiceNotify wraps the gateway's lifecycle events that systemd is told about. */
export interface ServiceNotify {
  /** reload runs gateway.reload, reporting RELOADING=1 before and READY=1 with the outcome after. */
  reload(reason: string): Promise<ReloadOutcome>
  /** stopping reports STOPPING=1: the drain has begun. */
  stopping(): void
}

/** ServiceNotifyOptions replace the process environment, the socket and the clock in tests. */
export interface ServiceNotifyOptions {
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly open?: (address: string) => SdNotifier
  readonly clock?: () => bigint
}

/**
 * startServiceNotify tells systemd (Type=notify) that Weir is ready, and returns the hooks for
 * reloads and stopping. Call it once the first configuration is applied and its sockets are bound:
 * a start whose sockets cannot be bound fails before this (serve.ts), so READY=1 is never sent for
 * it. Without NOTIFY_SOCKET it does nothing. A socket that a reload adds and cannot bind is in
 * STATUS: the rest of the configuration keeps serving.
 */
export function startServiceNotify(
  gateway: ServiceGateway,
  logger: Logger,
  options: ServiceNotifyOptions = {}
): ServiceNotify {
  const plain: ServiceNotify = { reload: (reason) => gateway.reload(reason), stopping: () => {} }
  const env = options.env ?? process.env
  const address = env.NOTIFY_SOCKET
  if (!address) return plain
  let notifier: SdNotifier
  try {
    notifier = (options.open ?? openSdNotifier)(address)
  } catch (err) {
    const why = (err as Error).message
    logger.warn({ address, err: why }, 'sd_notify: cannot use NOTIFY_SOCKET; systemd will not hear that Weir is ready')
    return plain
  }
  const clock = options.clock ?? monotonicMicros
  let warned = false
  const send = (fields: Record<string, string>): void => {
    const errno = notifier.notify(fields)
    // Once is enough: a vanished socket would otherwise add a line per reload and watchdog tick.
    if (errno !== 0 && !warned) logger.warn({ address, errno }, 'sd_notify: sending to NOTIFY_SOCKET failed')
    warned ||= errno !== 0
  }

  send({ READY: '1', STATUS: servingStatus(gateway) })
  const watchdogMs = watchdogIntervalMs(env)
  if (watchdogMs !== undefined) setInterval(() => send({ WATCHDOG: '1' }), watchdogMs).unref()

  // Triggers that arrive during a reload are coalesced by the Gateway; RELOADING=1 goes out when
  // the first starts and READY=1 when the last ends, so systemd sees one reload per burst.
  let inFlight = 0
  let status = ''
  return {
    async reload(reason) {
      if (inFlight++ === 0) {
        send({ RELOADING: '1', MONOTONIC_USEC: String(clock()), STATUS: `reloading (${reason})` })
      }
      try {
        const outcome = await gateway.reload(reason)
        const rejected = `reload rejected: ${counted(outcome.errors.length, 'config error')} (see the journal)`
        status = outcome.applied ? servingStatus(gateway) : `${rejected}; still ${servingStatus(gateway)}`
        return outcome
      } catch (err) {
        status = `reload failed: ${(err as Error).message}; still ${servingStatus(gateway)}`
        throw err
      } finally {
        if (--inFlight === 0) send({ READY: '1', STATUS: status })
      }
    },
    stopping() {
      send({ STOPPING: '1', STATUS: 'draining in-flight requests' })
    },
  }
}

/** servingStatus is the STATUS= line `systemctl status` shows while Weir serves. */
export function servingStatus(gateway: Omit<ServiceGateway, 'reload'>): string {
  const sockets = gateway.boundSockets()
  const list = sockets.length > 4 ? `${sockets.slice(0, 4).join(', ')}, ...` : sockets.join(', ')
  const noun = sockets.length === 1 ? 'socket' : 'sockets'
  const bound = sockets.length > 0 ? `${sockets.length} ${noun} (${list})` : '0 sockets'
  const unbound = gateway.ready ? '' : '; not ready: a listener socket could not be bound (see /status)'
  return `serving ${bound}, generation ${gateway.generation}${unbound}`
}

/** watchdogIntervalMs is half of WATCHDOG_USEC, when systemd asks this process for keep-alives. */
export function watchdogIntervalMs(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const usec = Number(env.WATCHDOG_USEC)
  if (!env.WATCHDOG_USEC || !Number.isFinite(usec) || usec <= 0) return undefined
  // WATCHDOG_PID names the process the watchdog is meant for; a child that inherited it is not.
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== process.pid) return undefined
  return Math.max(1, Math.floor(usec / 2000))
}
