import type { RunRecord } from './run-record.ts'

/**
 * Loopback networking charged to no process gives some "other" CPU even on a quiet machine;
 * well above this share of a core, something else was competing for the cores.
 */
export const NOISY_OTHER_CPU_PERCENT = 25

/** Other CPU of a run as a percentage of one core. */
export function otherCpuPercent(run: RunRecord): number {
  return run.durationS > 0 ? (100 * run.otherCpuSeconds) / run.durationS : 0
}

/** Whether foreign load during the run was high enough to distrust it. */
export function isNoisy(run: RunRecord): boolean {
  return otherCpuPercent(run) > NOISY_OTHER_CPU_PERCENT
}
