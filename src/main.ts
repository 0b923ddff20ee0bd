import { startAdminServer } from './admin/admin-server.ts'
import { formatCheckReport, runCheck } from './cli/check.ts'
import { CliError, parseArgs, USAGE, type CliOptions } from './cli/args.ts'
import { Gateway } from './gateway.ts'
import { createLogger } from './log.ts'
import { runHealth } from './ops/health.ts'
import { startServiceNotify } from './ops/service-notify.ts'
import { formatConfigError } from './resources/config-error.ts'
import { watchConfig } from './resources/watch.ts'
import pkg from '../package.json' with { type: 'json' }

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'health') return runHealth(argv.slice(1))
  let options: CliOptions
  try {
    options = parseArgs(argv)
  } catch (err) {
    if (!(err instanceof CliError)) throw err
    console.error(`weir: ${err.message}\n\n${USAGE}`)
    return 2
  }
  switch (options.command) {
    case 'version':
      console.log(`weir ${pkg.version} (bun ${Bun.version})`)
      return 0
    case 'help':
      console.log(USAGE)
      return 0
    case 'check': {
      const dir = options.configDir as string
      const report = await runCheck(dir, {
        bindAddress: options.bindAddress,
        ...(options.controllerName !== undefined ? { controllerName: options.controllerName } : {}),
      })
      console.log(options.json ? JSON.stringify(report, null, 2) : formatCheckReport(dir, report))
      const failures = report.errors.length + (options.errorsOnly ? 0 : report.problems.length)
      return failures === 0 ? 0 : 1
    }
    case 'serve':
      return serve(options)
  }
}

async function serve(options: CliOptions): Promise<number> {
  const logger = createLogger(options.logLevel)
  const gateway = new Gateway({
    configDir: options.configDir as string,
    bindAddress: options.bindAddress,
    ...(options.controllerName !== undefined ? { controllerName: options.controllerName } : {}),
    logger,
    accessLog: options.accessLog,
    drainTimeoutMs: options.drainTimeoutMs,
  })
  const first = await gateway.reload('start')
  if (!first.applied) {
    for (const e of first.errors) console.error(formatConfigError(e))
    console.error(`weir: ${first.errors.length} config errors in ${options.configDir}; not starting`)
    logger.flush()
    return 1
  }
  const admin = options.admin ? startAdminServer(gateway, options.admin.hostname, options.admin.port) : undefined
  const service = startServiceNotify(gateway, logger)
  const watcher = watchConfig(options.configDir as string, () => void service.reload('file change'))
  process.on('SIGHUP', () => void service.reload('SIGHUP'))
  return new Promise<number>((resolve) => {
    let stopping = false
    const stop = async (signal: string) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now')
        resolve(0)
        return
      }
      stopping = true
      service.stopping()
      logger.info({ signal }, 'draining')
      await watcher.close()
      await gateway.stop()
      admin?.stop(true)
      logger.info('stopped')
      logger.flush()
      resolve(0)
    }
    process.on('SIGTERM', () => void stop('SIGTERM'))
    process.on('SIGINT', () => void stop('SIGINT'))
  })
}

process.exitCode = await main(process.argv.slice(2))
// Sockets and timers may still hold the event loop (a second signal during a drain): leave now.
setTimeout(() => process.exit(), 50).unref()
