import type { RunRecord } from './run-record.ts'
import type { Scenario } from './scenarios.ts'
import { median } from './summary.ts'

/** Where a rate scenario's offered rate came from, kept in the report. */
export interface RateReference {
  readonly scenario: string
  /** The wrk scenario whose nginx throughput sets the rate. */
  readonly of: string
  readonly fraction: number
  /** Median req/s of the `nginx` target over its reps of `of` in this run. */
  readonly nginxRequestsPerSecond: number
  readonly offeredRate: number
  /** Whether `of` was not selected, so nginx ran on it once just for this. */
  readonly probed: boolean
}

/**
 * The offered rate of a rate scenario: its fraction of nginx's median req/s on the referenced
 * scenario, from the runs so far. Null when nginx has not run it yet.
 */
export function rateReference(
  scenario: Scenario,
  runs: readonly RunRecord[],
  probed: boolean,
): RateReference | null {
  const spec = scenario.rate
  if (!spec) return null
  const nginx = runs.filter((run) => run.scenario === spec.of && run.target === 'nginx' && !run.proxyExited)
  if (nginx.length === 0) return null
  const nginxRequestsPerSecond = median(nginx.map((run) => run.requestsPerSecond))
  return {
    scenario: scenario.name,
    of: spec.of,
    fraction: spec.fraction,
    nginxRequestsPerSecond,
    offeredRate: Math.max(1, Math.round(nginxRequestsPerSecond * spec.fraction)),
    probed,
  }
}
