import type { LoadKind } from './scenarios.ts'
import type { TargetId } from './targets.ts'
import type { WrkErrors, WrkLatency } from './wrk-output.ts'

/** Latency percentiles in ms; p99.9 only from the TS loaders (wrk does not print it). */
export interface LatencyFigures extends WrkLatency {
  readonly p999?: number
}

/** What a constant-rate run adds (rate-loader.ts). */
export interface RateFigures {
  readonly offeredRate: number
  readonly achievedRate: number
  /** Requests the schedule asked for during the run. */
  readonly scheduled: number
  /** The loader's own CPU, % of one core: near 100 means it, not the proxy, set the pace. */
  readonly loaderCpuPercent: number
  /** p99 of how late the loader sent requests whose connection was idle: its own share. */
  readonly timerLagP99Ms: number
}

/** What an event-stream run adds (sse-client.ts); latencyMs then holds per-event delays. */
export interface SseFigures {
  readonly streams: number
  readonly eventsExpected: number
  readonly firstEventMs: { readonly p50: number; readonly p99: number; readonly max: number }
  /** p99 of arrival minus the upstream's schedule (includes the upstream's own timer lateness). */
  readonly scheduleLagP99Ms: number
  readonly loaderCpuPercent: number
}

/** Everything measured in one (scenario, target, rep) run. */
export interface RunRecord {
  readonly scenario: string
  readonly target: TargetId
  readonly rep: number
  /** Which loader measured it: wrk, rate-loader.ts or sse-client.ts. */
  readonly kind: LoadKind
  readonly durationS: number
  /** The proxy's command line, or null when the loader hits the upstream directly. */
  readonly proxyCommand: readonly string[] | null
  /** The loader's command line as run. */
  readonly loadCommand: readonly string[]
  /** Responses (SSE: events) received in the measured run. */
  readonly requests: number
  readonly requestsPerSecond: number
  /** Bytes per request in the direction that matters (response; upload: request body). */
  readonly payloadBytes: number
  /** Request latency (SSE: per-event delay through the proxy). */
  readonly latencyMs: LatencyFigures
  readonly errors: WrkErrors
  readonly rate?: RateFigures
  readonly sse?: SseFigures
  /** user+system seconds of the proxy and its children during the measured run. */
  readonly proxyCpuSeconds: number | null
  readonly requestsPerCpuSecond: number | null
  /** The proxy died during the run; its numbers are meaningless. */
  readonly proxyExited: boolean
  /**
   * CPU seconds, over all CPUs, used by neither the harness nor what it started: other
   * processes plus kernel work not charged to a process (some of the loopback networking).
   */
  readonly otherCpuSeconds: number
  /** Extra attempts made because other load made this run noisy; the quietest one is kept. */
  readonly noisyRetries: number
  /** How busy each CPU was during the run, e.g. `{ cpu0: 99.5, cpu1: 100 }`. */
  readonly cpuBusyPercent: Readonly<Record<string, number>>
}
