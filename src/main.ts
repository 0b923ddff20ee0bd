import { formatCheckReport, runCheck } from './cli/check.ts'
import { CliError, parseArgs, USAGE, type CliOptions } from './cli/args.ts'
import { runExplain } from './cli/explain.ts'
import { serve } from './cli/serve.ts'
import { formatExplanation } from './explain/format-explanation.ts'
import { runHealth } from './ops/health.ts'
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
    case 'explain': {
      const result = await runExplain(options.configDir as string, options.request as NonNullable<CliOptions['request']>, {
        bindAddress: options.bindAddress,
        ...(options.controllerName !== undefined ? { controllerName: options.controllerName } : {}),
      })
      if ('errors' in result) {
        for (const e of result.errors) console.error(`error: ${e}`)
        console.error(`weir: ${options.configDir} cannot be loaded; nothing to explain`)
        return 1
      }
      console.log(options.json ? JSON.stringify(result, null, 2) : formatExplanation(result))
      return result.route ? 0 : 1
    }
    case 'serve':
      return serve(options)
  }
}

process.exitCode = await main(process.argv.slice(2))
// Sockets and timers may still hold the event loop (a second signal during a drain): leave now.
setTimeout(() => process.exit(), 50).unref()
