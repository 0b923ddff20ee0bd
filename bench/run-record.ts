import type { TargetId } from './targets.ts'
import type { WrkErrors, WrkLatency } from './wrk-output.ts'

/** Everything measured in one (scenario, target, rep) run. */
export interface RunRecord {
  readonly scenario: string
  readonly target: TargetId
  readonly rep: number
  readonly durationS: number
  /** The proxy's command line, or null when wrk hits the upstream directly. */
  readonly proxyCommand: readonly string[] | null
  readonly wrkCommand: readonly string[]
  readonly requests: number
  readonly requestsPerSecond: number
  readonly latencyMs: WrkLatency
  readonly errors: WrkErrors
  /** user+system seconds of the proxy and its children during the measured wrk run. */
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
