import type { Logger } from 'pino'
import { Metrics } from './admin/metrics.ts'
import { compileSteps, type Snapshot } from './compile/compile.ts'
import { explainRequest, type Explanation, type ExplainRequest } from './explain/explain.ts'
import type { BindFailure } from './listeners/bind-error.ts'
import type { Exchange } from './listeners/exchange.ts'
import type { ClientTimeouts } from './listeners/client-timeouts.ts'
import { ListenerManager } from './listeners/manager.ts'
import type { GatewayControl, ReloadOutcome, StatusDocument } from './gateway-control.ts'
import { createAccessLog, createStreamAccessLog, type AccessLog } from './log.ts'
import { formatConfigError, type ConfigError } from './resources/config-error.ts'
import { createRuntime, trimRuntime } from './runtime.ts'
import { ConfigLoader, type LoadedConfig } from './reload/config-loader.ts'
import { runInSlices } from './reload/slices.ts'
import { applyBindFailures } from './translate/bind-status.ts'
import type { StatusMap } from './translate/status.ts'
import { statusProblems } from './translate/status-problems.ts'

/** GatewayOptions are the settings of one gateway process. */
export interface GatewayOptions {
  readonly configDir: string
  readonly bindAddress: string
  readonly controllerName?: string
  readonly logger: Logger
  readonly accessLog: boolean
  /** How long stopping or removing a listener waits for in-flight requests. */
  readonly drainTimeoutMs: number
  /** Share listening sockets with other worker processes (`--workers`). */
  readonly reusePort?: boolean
  /** How long clients may keep a connection waiting (defaults: nginx's). */
  readonly clientTimeouts?: ClientTimeouts
  /**
   * Log each status problem of an applied configuration (default true). Of several `--workers`,
   * only one does, so each problem is logged once.
   */
  readonly logStatusProblems?: boolean
}

/**
 * START_BIND_RETRY is how often a socket that cannot be bound at start-up is tried again before
 * the start fails: nginx's 5 tries 0.5 s apart, time for a process being replaced to let go.
 */
export const START_BIND_RETRY = { attempts: 5, delayMs: 500 } as const

/**
 * Gateway owns the long-lived runtime (endpoints, upstream connections, metrics) and the current
 * snapshot. `reload` runs load → translate (in the config worker thread) → compile (in slices
 * that give way to requests) → apply; reloads never overlap, and a trigger that arrives during
 * one queues exactly one more. A reload whose files cannot be decoded is rejected and the last
 * good configuration keeps serving.
 */
export class Gateway implements GatewayControl {
  readonly metrics = new Metrics()
  readonly #options: GatewayOptions
  readonly #log: Logger
  readonly #rt = createRuntime(this.metrics)
  /** Route precedence by first-seen time, kept across reloads (the loader keeps it current). */
  readonly #firstSeen = new Map<string, number>()
  readonly #loader = new ConfigLoader(this.#firstSeen)
  readonly #manager: ListenerManager
  readonly #accessLog: AccessLog | undefined
  #snapshot: Snapshot | undefined
  /** Status as translated, before bind failures are written into it (a retry rewrites them). */
  #translatedStatus: StatusMap = new Map()
  #status: StatusMap = new Map()
  #errors: readonly ConfigError[] = []
  #bindFailures = 0
  #generation = 0
  #running: Promise<ReloadOutcome> | undefined
  #queued: Promise<ReloadOutcome> | undefined
  #stopped = false

  constructor(options: GatewayOptions) {
    this.#options = options
    this.#log = options.logger
    this.#accessLog = options.accessLog ? createAccessLog(options.logger) : undefined
    const streamLog = options.accessLog ? createStreamAccessLog(options.logger) : undefined
    this.#manager = new ListenerManager(
      (ex) => this.#observe(ex),
      options.drainTimeoutMs,
      options.reusePort ?? false,
      options.clientTimeouts,
      (r) => {
        this.metrics.streams.record(r)
        streamLog?.(r)
      }
    )
  }

  /** generation counts applied configurations; 0 until the first one is applied. */
  get generation(): number {
    return this.#generation
  }

  /** ready tells whether a configuration is applied and every socket it needs is bound. */
  get ready(): boolean {
    return this.#snapshot !== undefined && this.#bindFailures === 0 && !this.#stopped
  }

  /** statusDocument is what GET /status returns. */
  statusDocument(): StatusDocument {
    const items = [...this.#status.values()]
    return this.#errors.length > 0
      ? { generation: this.#generation, items, errors: this.#errors.map(formatConfigError) }
      : { generation: this.#generation, items }
  }

  /** metricsText is what GET /metrics returns. */
  metricsText(): string {
    return this.metrics.render()
  }

  /** explain says how the tables being served would route a request. */
  explain(request: ExplainRequest): Explanation | undefined {
    return this.#snapshot ? explainRequest(this.#snapshot, request) : undefined
  }

  /** boundSockets lists the sockets being served (`address:port`). */
  boundSockets(): string[] {
    return this.#manager.boundKeys()
  }

  /** reload re-reads the config directory; concurrent calls coalesce into one follow-up reload. */
  reload(reason: string): Promise<ReloadOutcome> {
    if (!this.#running) {
      this.#running = this.#reloadOnce(reason).finally(() => (this.#running = undefined))
      return this.#running
    }
    this.#queued ??= this.#running.then(() => {
      this.#queued = undefined
      return this.reload(reason)
    })
    return this.#queued
  }

  /**
   * start applies the first configuration. A socket that cannot be bound is tried again, up to
   * `retry.attempts` times in all, `retry.delayMs` apart; the outcome lists the sockets that still
   * failed, and then the caller must not report the gateway started (serve.ts exits 1).
   */
  async start(retry: { attempts: number; delayMs: number } = START_BIND_RETRY): Promise<ReloadOutcome> {
    let outcome = await this.reload('start')
    for (let attempt = 2; attempt <= retry.attempts && outcome.applied && outcome.bindFailures.length > 0 && !this.#stopped; attempt++) {
      const sockets = outcome.bindFailures.map((f) => f.socketKey)
      this.#log.warn({ sockets, attempt, of: retry.attempts, delayMs: retry.delayMs }, `cannot listen on ${sockets.join(', ')}: trying again in ${retry.delayMs} ms`)
      await Bun.sleep(retry.delayMs)
      outcome = await this.#bindAgain()
    }
    return outcome
  }

  /** stop drains every listener and closes idle upstream connections. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#loader.close()
    await this.#manager.stop()
    this.#rt.upstreams.closeIdle()
    this.#rt.h2c.closeAll()
    this.#rt.healthChecks.stop()
    this.#rt.inferencePools.stopAll()
  }

  async #reloadOnce(reason: string): Promise<ReloadOutcome> {
    const started = performance.now()
    // Load and translate run in the config worker; this thread only takes the result in parts.
    const loaded = await this.#loader
      .load(this.#options.configDir, {
        bindAddress: this.#options.bindAddress,
        ...(this.#options.controllerName !== undefined ? { controllerName: this.#options.controllerName } : {}),
      })
      .catch((err: Error): LoadedConfig => {
        // The worker thread failed (or was closed by stop): reject this reload like a config
        // error, so the last good configuration keeps serving; the next load starts a new worker.
        const error = { file: this.#options.configDir, line: 1, column: 1, message: err.message }
        return { kind: 'rejected', errors: [error], warnings: [] }
      })
    for (const w of loaded.warnings) this.#log.warn({ file: w.file, line: w.line }, w.message)
    if (loaded.kind === 'rejected') {
      this.#errors = loaded.errors
      this.metrics.reloadsFailed++
      for (const e of loaded.errors) this.#log.error({ reason }, `config error: ${formatConfigError(e)}`)
      this.#log.error({ reason, errors: loaded.errors.length, generation: this.#generation }, 'reload rejected: the last good configuration keeps serving')
      return { applied: false, generation: this.#generation, errors: loaded.errors, bindFailures: [] }
    }
    const { model, status } = loaded
    const generation = this.#generation + 1
    const snapshot = await runInSlices(compileSteps(model, this.#rt, generation))
    const failures = await this.#bind(snapshot)
    this.#snapshot = snapshot
    this.#generation = generation
    this.#translatedStatus = status
    this.#errors = []
    this.#recordBindFailures(snapshot, failures)
    trimRuntime(this.#rt, snapshot)
    const problems = this.#logStatusProblems(status, reason)
    this.metrics.reloadsSucceeded++
    this.metrics.generation = generation
    this.metrics.lastReloadSuccessSeconds = Math.floor(Date.now() / 1000)
    this.#log.info(
      {
        reason,
        generation,
        sockets: this.#manager.boundKeys(),
        ...(failures.length > 0 ? { unbound: failures.map((f) => f.socketKey) } : {}),
        resources: loaded.resourceCount,
        problems,
        ms: Math.round(performance.now() - started),
      },
      'configuration applied'
    )
    return { applied: true, generation, errors: [], bindFailures: failures }
  }

  /**
   * logStatusProblems warns about each condition `weir check` would print as a problem or a
   * warning, in check's words, so a route to a missing Service is seen in the log and not only in
   * /status. It returns the number of problems. Bind failures are logged where they happen.
   */
  #logStatusProblems(status: StatusMap, reason: string): number {
    const { problems, warnings } = statusProblems(status)
    if (this.#options.logStatusProblems === false) return problems.length
    for (const [label, list] of [['problem', problems], ['warning', warnings]] as const) {
      for (const p of list) {
        const { type, status: value, reason: why } = p.condition
        this.#log.warn({ reason, resource: p.resource, condition: `${type}=${value}`, conditionReason: why }, `${label}: ${p.text}`)
      }
    }
    return problems.length
  }

  /** bindAgain tries once more to bind the sockets of the current snapshot that failed. */
  async #bindAgain(): Promise<ReloadOutcome> {
    const snapshot = this.#snapshot
    if (!snapshot) return { applied: false, generation: this.#generation, errors: [], bindFailures: [] }
    const failures = await this.#bind(snapshot)
    this.#recordBindFailures(snapshot, failures)
    if (failures.length === 0) this.#log.info({ sockets: this.#manager.boundKeys(), generation: this.#generation }, 'every socket is bound')
    return { applied: true, generation: this.#generation, errors: [], bindFailures: failures }
  }

  /** bind serves the snapshot on its sockets (one already bound is kept) and returns those that failed. */
  async #bind(snapshot: Snapshot): Promise<BindFailure[]> {
    const failures = this.#stopped ? [] : await this.#manager.apply(snapshot)
    for (const f of failures) this.#log.error({ socket: f.socketKey, code: f.code, errno: f.errno }, `cannot listen on ${f.socketKey}: ${f.message}`)
    return failures
  }

  /** recordBindFailures writes the sockets that could not be bound into status (PortUnavailable). */
  #recordBindFailures(snapshot: Snapshot, failures: readonly BindFailure[]): void {
    this.#status = applyBindFailures(this.#translatedStatus, snapshot.model, failures)
    this.#bindFailures = failures.length
  }

  #observe(ex: Exchange): void {
    this.metrics.record(ex)
    this.#accessLog?.(ex)
  }
}
