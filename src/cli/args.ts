import { DEFAULT_CLIENT_TIMEOUTS, type ClientTimeouts } from '../listeners/client-timeouts.ts'

/** CliOptions are the parsed command line (see ../shared/spec/interface.md and README). */
export interface CliOptions {
  readonly command: 'serve' | 'check' | 'explain' | 'version' | 'help'
  readonly configDir: string | undefined
  /** `host:port` of the admin server, or undefined when `--admin off`. */
  readonly admin: { hostname: string; port: number } | undefined
  readonly bindAddress: string
  readonly controllerName: string | undefined
  readonly logLevel: string
  readonly accessLog: boolean
  readonly drainTimeoutMs: number
  readonly json: boolean
  /** check: fail only on config errors (what would stop Weir from starting), not on status problems. */
  readonly errorsOnly: boolean
  /** Worker processes sharing the listening sockets (1: serve in this process). */
  readonly workers: number
  readonly clientTimeouts: ClientTimeouts
  /** explain: the request, as curl would send it (`URL`, `-X METHOD`, `-H 'name: value'`). */
  readonly request: { readonly url: string; readonly method: string; readonly headers: readonly (readonly [string, string])[] } | undefined
}

/** CliError is a command line Weir cannot run; main prints it with the usage. */
export class CliError extends Error {}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])

/** USAGE is printed by --help and after a command-line error. */
export const USAGE = `usage:
  weir --config DIR [flags]          serve the Gateway API configuration in DIR
  weir check --config DIR [--json] [--errors-only]
                                     validate DIR like \`nginx -t\`: print every problem, exit 1 if any
                                     (--errors-only: exit 1 only for config errors, as before a start)
  weir explain --config DIR URL [-X METHOD] [-H 'name: value']... [--json]
                                     which listener, route and backends a request to URL would
                                     take, and why the others did not match (exit 1: no route)
  weir health [--admin HOST:PORT]    exit 0 if the admin server answers /ready with 200
  weir --version

flags:
  --config DIR             directory read recursively (*.yaml, *.yml, multi-document)
  --admin HOST:PORT|off    admin server (/ready, /status, /metrics); default 127.0.0.1:9901
  --bind ADDR              address for Gateways without spec.addresses; default 0.0.0.0
  --controller-name NAME   only own GatewayClasses with this spec.controllerName
  --log-level LEVEL        fatal, error, warn, info, debug, trace or silent; default info
  --access-log on|off      one JSON line per request on stdout; default on
  --drain-timeout SECONDS  how long stopping waits for in-flight requests; default 30
  --workers N|auto         worker processes sharing the listeners (reusePort); auto = one per
                           core; default 1
  --client-header-timeout SECONDS  a request head must arrive within this (else 408); default 60
  --client-body-timeout SECONDS    longest pause inside a request body (else 408); default 60
  --keepalive-timeout SECONDS      idle time before a kept-alive connection is closed; default 75
  --send-timeout SECONDS           longest a client may leave a response unread; default 60`

/** parseArgs reads argv (without the runtime and script) into options. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const args = [...argv]
  let command: CliOptions['command'] = 'serve'
  if (args[0] === 'check' || args[0] === 'serve' || args[0] === 'explain') command = args.shift() as 'check' | 'serve' | 'explain'
  let configDir: string | undefined
  let admin: CliOptions['admin'] = { hostname: '127.0.0.1', port: 9901 }
  let bindAddress = '0.0.0.0'
  let controllerName: string | undefined
  let logLevel = 'info'
  let accessLog = true
  let drainTimeoutMs = 30_000
  let json = false
  let errorsOnly = false
  let workers = 1
  let url: string | undefined
  let method = 'GET'
  const headers: [string, string][] = []
  const timeouts: { -readonly [K in keyof ClientTimeouts]: number } = { ...DEFAULT_CLIENT_TIMEOUTS }
  const timeoutFlags: Record<string, keyof ClientTimeouts> = {
    '--client-header-timeout': 'headerMs',
    '--client-body-timeout': 'bodyMs',
    '--keepalive-timeout': 'keepAliveMs',
    '--send-timeout': 'sendMs',
  }
  while (args.length > 0) {
    const arg = args.shift() as string
    const eq = arg.indexOf('=')
    const flag = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg
    const inline = arg.startsWith('--') && eq !== -1 ? arg.slice(eq + 1) : undefined
    const value = (): string => {
      const v = inline ?? args.shift()
      if (v === undefined || v === '') throw new CliError(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case '--config':
        configDir = value()
        break
      case '--admin':
        admin = parseAdmin(value())
        break
      case '--bind':
        bindAddress = value()
        break
      case '--controller-name':
        controllerName = value()
        break
      case '--log-level':
        logLevel = value()
        if (!LEVELS.has(logLevel)) throw new CliError(`--log-level must be one of ${[...LEVELS].join(', ')}`)
        break
      case '--access-log': {
        const v = value()
        if (v !== 'on' && v !== 'off') throw new CliError('--access-log must be on or off')
        accessLog = v === 'on'
        break
      }
      case '--drain-timeout': {
        const seconds = Number(value())
        if (!Number.isFinite(seconds) || seconds < 0) throw new CliError('--drain-timeout must be a number of seconds')
        drainTimeoutMs = seconds * 1000
        break
      }
      case '--workers':
        workers = parseWorkers(value())
        break
      case '--client-header-timeout':
      case '--client-body-timeout':
      case '--keepalive-timeout':
      case '--send-timeout': {
        const seconds = Number(value())
        if (!Number.isFinite(seconds) || seconds <= 0) throw new CliError(`${flag} must be a number of seconds above 0`)
        timeouts[timeoutFlags[flag] as keyof ClientTimeouts] = Math.round(seconds * 1000)
        break
      }
      case '--json':
        json = true
        break
      case '--errors-only':
        errorsOnly = true
        break
      case '-X':
      case '--request':
        method = value()
        break
      case '-H':
      case '--header': {
        const h = value()
        const colon = h.indexOf(':')
        if (colon < 1) throw new CliError(`${flag} must be 'name: value'`)
        headers.push([h.slice(0, colon).trim(), h.slice(colon + 1).trim()])
        break
      }
      case '--version':
      case '-v':
        command = 'version'
        break
      case '--help':
      case '-h':
        command = 'help'
        break
      default:
        if (command === 'explain' && url === undefined && /^https?:\/\/[^/]/.test(arg) && URL.canParse(arg)) {
          url = arg
          break
        }
        throw new CliError(`unknown argument ${arg}`)
    }
  }
  if ((command === 'serve' || command === 'check' || command === 'explain') && configDir === undefined) {
    throw new CliError('--config DIR is required')
  }
  if (command === 'explain' && url === undefined) throw new CliError('explain needs a URL: http://host[:port]/path')
  return {
    command,
    configDir,
    admin,
    bindAddress,
    controllerName,
    logLevel,
    accessLog,
    drainTimeoutMs,
    json,
    errorsOnly,
    workers,
    clientTimeouts: timeouts,
    request: url === undefined ? undefined : { url, method, headers },
  }
}

/** MAX_WORKERS bounds --workers: more processes than this is a typo, not a plan. */
const MAX_WORKERS = 256

function parseWorkers(v: string): number {
  if (v === 'auto') return Math.max(1, navigator.hardwareConcurrency)
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) throw new CliError(`--workers must be auto or a whole number from 1 to ${MAX_WORKERS}`)
  return n
}

function parseAdmin(v: string): CliOptions['admin'] {
  if (v === 'off') return undefined
  const colon = v.lastIndexOf(':')
  const port = Number(v.slice(colon + 1))
  if (colon === -1 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError('--admin must be HOST:PORT or off')
  }
  let hostname = v.slice(0, colon)
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1)
  return { hostname: hostname || '127.0.0.1', port }
}
