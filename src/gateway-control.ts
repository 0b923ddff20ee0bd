import type { Explanation, ExplainRequest } from './explain/explain.ts'
import type { BindFailure } from './listeners/bind-error.ts'
import type { ConfigError } from './resources/config-error.ts'
import type { StatusEntry } from './translate/status.ts'

/** StatusDocument is what GET /status returns. */
export interface StatusDocument {
  readonly generation: number
  readonly items: readonly StatusEntry[]
  readonly errors?: readonly string[]
}

/**
 * GatewayControl is what the admin server, the service-manager notifications and the signal
 * handlers drive: one in-process Gateway, or the supervisor of `--workers` processes.
 */
export interface GatewayControl {
  /** A configuration is applied and every socket it needs is bound (in every worker). */
  readonly ready: boolean
  /** Generation of the configuration being served. */
  readonly generation: number
  boundSockets(): string[]
  reload(reason: string): Promise<ReloadOutcome>
  statusDocument(): StatusDocument | Promise<StatusDocument>
  /** metricsText is GET /metrics (Prometheus text), merged across workers. */
  metricsText(): string | Promise<string>
  /**
   * explain routes a request through the tables being served (GET /explain; one worker's under
   * --workers); undefined before a configuration is applied.
   */
  explain(request: ExplainRequest): Explanation | undefined | Promise<Explanation | undefined>
  stop(): Promise<void>
}

/** ReloadOutcome says what a reload did. */
export interface ReloadOutcome {
  readonly applied: boolean
  readonly generation: number
  readonly errors: readonly ConfigError[]
  /** Sockets of the applied configuration that could not be bound (not served), with the errno. */
  readonly bindFailures: readonly BindFailure[]
}
