import type { Logger } from 'pino'
import { startAdminServer } from '../admin/admin-server.ts'
import { Gateway, START_BIND_RETRY } from '../gateway.ts'
import type { BindFailure } from '../listeners/bind-error.ts'
import { createLogger } from '../log.ts'
import { startServiceNotify } from '../ops/service-notify.ts'
import { formatConfigError } from '../resources/config-error.ts'
import { loadResources } from '../resources/load.ts'
import { counted } from '../plural.ts'
import { watchConfig } from '../resources/watch.ts'
import { serveSupervisorRequests } from '../workers/worker-process.ts'
import { WORKER_ENV } from '../workers/worker-protocol.ts'
import { selfCommand, WorkerSupervisor } from '../workers/supervisor.ts'
import type { CliOptions } from './args.ts'

/**
 * serve runs the gateway until a stop signal and returns the exit code. With `--workers 1` the
 * Gateway runs in this process; with more, this process is the supervisor and the Gateways run
 * in worker processes (this same program, started with WEIR_WORKER set). Either way this process
 * owns the admin server, the file watcher, the signals and the service-manager notifications.
 */
export async function serve(options: CliOptions): Promise<number> {
  const logger = createLogger(options.logLevel)
  const worker = process.env[WORKER_ENV]
  if (worker !== undefined) return serveAsWorker(options, Number(worker), logger.child({ worker: Number(worker) }))
  const control = options.workers > 1 ? await startWorkers(options, logger) : await startGateway(options, logger)
  if (typeof control === 'number') {
    logger.flush()
    return control
  }
  const admin = options.admin ? startAdminServer(control, options.admin.hostname, options.admin.port) : undefined
  // Reload triggers are taken before READY=1 tells systemd (and anyone waiting) that Weir is up:
  // a SIGHUP that arrived before the handler would end the process (its default action).
  // The handlers run on a later turn, when `service` is set.
  process.on('SIGHUP', () => void service.reload('SIGHUP'))
  const watcher = watchConfig(options.configDir as string, () => void service.reload('file change'))
  const service = startServiceNotify(control, logger)
  return untilStopped(logger, async () => {
    service.stopping()
    await watcher.close()
    await control.stop()
    admin?.stop(true)
  }, () => (control instanceof WorkerSupervisor ? control.kill() : undefined))
}

function gatewayFor(options: CliOptions, logger: Logger, reusePort: boolean, logStatusProblems = true): Gateway {
  return new Gateway({
    configDir: options.configDir as string,
    bindAddress: options.bindAddress,
    ...(options.controllerName !== undefined ? { controllerName: options.controllerName } : {}),
    logger,
    accessLog: options.accessLog,
    drainTimeoutMs: options.drainTimeoutMs,
    reusePort,
    clientTimeouts: options.clientTimeouts,
    logStatusProblems,
  })
}

/**
 * startGateway applies the configuration in this process, or prints why it cannot and returns 1:
 * config errors, or a socket that could not be bound even after retrying. Either way this happens
 * before READY=1, so systemd, Docker and scripts see a failed start, not a gateway half serving.
 */
async function startGateway(options: CliOptions, logger: Logger): Promise<Gateway | number> {
  const gateway = gatewayFor(options, logger, false)
  const first = await gateway.start()
  if (first.applied && first.bindFailures.length === 0) return gateway
  if (!first.applied) {
    for (const e of first.errors) console.error(formatConfigError(e))
    console.error(`weir: ${counted(first.errors.length, 'config error')} in ${options.configDir}; not starting`)
  } else {
    printBindFailures(first.bindFailures)
  }
  await gateway.stop()
  return 1
}

function printBindFailures(failures: readonly BindFailure[]): void {
  for (const f of failures) console.error(`weir: cannot listen on ${f.socketKey}: ${f.message}`)
  const { attempts, delayMs } = START_BIND_RETRY
  console.error(`weir: ${failures.length} of the configured sockets could not be bound (tried ${attempts} times, ${delayMs} ms apart); not starting`)
}

/** startWorkers starts the worker processes; a worker that cannot start makes the exit code. */
async function startWorkers(options: CliOptions, logger: Logger): Promise<WorkerSupervisor | number> {
  // Check the files here first, so a config error is printed once and no worker starts.
  const loaded = await loadResources(options.configDir as string)
  if (loaded.errors.length > 0) {
    for (const e of loaded.errors) console.error(formatConfigError(e))
    console.error(`weir: ${counted(loaded.errors.length, 'config error')} in ${options.configDir}; not starting`)
    return 1
  }
  try {
    const pool = await WorkerSupervisor.start({ count: options.workers, command: selfCommand(process.argv.slice(2)), logger })
    logger.info({ workers: options.workers, sockets: pool.boundSockets() }, 'workers started')
    return pool
  } catch (code) {
    console.error(`weir: a worker could not start (exit code ${String(code)}); not starting`)
    return typeof code === 'number' && code !== 0 ? code : 1
  }
}

/**
 * serveAsWorker runs one worker: a Gateway sharing its sockets (SO_REUSEPORT), driven by the
 * supervisor. Only worker 0 prints the config errors or bind failures of a failed start, so they
 * appear once (every worker logs its own bind failures).
 */
async function serveAsWorker(options: CliOptions, index: number, logger: Logger): Promise<number> {
  // Every worker reads the same files: worker 0 alone logs their status problems.
  const gateway = gatewayFor(options, logger, true, index === 0)
  const first = await gateway.start()
  if (!first.applied || first.bindFailures.length > 0) {
    if (index === 0) for (const e of first.errors) console.error(formatConfigError(e))
    if (index === 0 && first.bindFailures.length > 0) printBindFailures(first.bindFailures)
    await gateway.stop()
    logger.flush()
    return 1
  }
  // The supervisor decides when workers stop: it forwards SIGTERM once and kills on a second
  // signal. A Ctrl-C reaches the whole process group, and systemd's control-group kill sends
  // SIGTERM to every process, so a worker ignores SIGINT and repeated SIGTERMs and keeps draining.
  process.on('SIGINT', () => {})
  return new Promise<number>((resolve) => {
    let stopping = false
    const stop = async (why: string) => {
      if (stopping) return
      stopping = true
      logger.info({ signal: why }, 'draining')
      await gateway.stop()
      logger.flush()
      resolve(0)
    }
    process.on('SIGTERM', () => void stop('SIGTERM'))
    serveSupervisorRequests(gateway, () => void stop('supervisor gone'))
  })
}

/**
 * untilStopped waits for SIGTERM or SIGINT, runs `stop` (a drain) and resolves 0; a second
 * signal during the drain runs `kill` and resolves at once.
 */
function untilStopped(logger: Logger, stop: () => Promise<void>, kill: () => void): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false
    let stopped = false
    const onStop = async (why: string) => {
      if (stopped) return
      if (stopping) {
        logger.warn({ signal: why }, 'second signal: exiting now')
        kill()
        resolve(0)
        return
      }
      stopping = true
      logger.info({ signal: why }, 'draining')
      await stop()
      stopped = true
      logger.info('stopped')
      logger.flush()
      resolve(0)
    }
    process.on('SIGTERM', () => void onStop('SIGTERM'))
    process.on('SIGINT', () => void onStop('SIGINT'))
  })
}
