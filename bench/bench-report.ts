import type { MachineInfo } from './machine-info.ts'
import type { Pinning } from './pinning.ts'
import type { RateReference } from './rate-reference.ts'
import type { RunRecord } from './run-record.ts'
import type { Scenario } from './scenarios.ts'
import type { ScenarioRatios, TargetSummary } from './summary.ts'
import type { TargetId } from './targets.ts'

/** The whole result of one `bun run bench`, exactly as saved to the JSON file. */
export interface BenchReport {
  /** File stem: `<YYYY-MM-DD>-<scenario set>`, e.g. `2025-01-31-core`. */
  readonly name: string
  readonly date: string
  readonly scenarioSet: string
  readonly reps: number
  /** Most extra attempts allowed for a run spoiled by other load. */
  readonly retries: number
  /** Measured seconds per run: `--duration`, else 5 unless a scenario sets its own. */
  readonly durationS: number
  /** Whether some scenario ran for its own `durationS` instead. */
  readonly scenarioDurations: boolean
  readonly warmupS: number
  readonly machine: MachineInfo
  readonly pinning: Pinning
  readonly scenarios: readonly Scenario[]
  readonly targets: readonly { readonly id: TargetId; readonly label: string }[]
  /**
   * Upstream commands, the certificate command (HTTPS scenarios), one proxy command line per
   * target and scenario as run (temp paths included), then every distinct loader command.
   */
  readonly commands: readonly string[]
  /** How each rate scenario's offered rate was set. */
  readonly rateReferences: readonly RateReference[]
  readonly runs: readonly RunRecord[]
  readonly summaries: readonly TargetSummary[]
  readonly ratios: readonly ScenarioRatios[]
}
