import { loadAvg, modifiedFiles } from '../lib/machine.ts'
import { type LabMachine, labMachine } from './lab-machine.ts'
import { nginxVersion } from './tier-b-nginx.ts'

/** TierBMachine is what a wall-clock run depends on: the lab's description plus nginx and load. */
export interface TierBMachine extends LabMachine {
  readonly nginx: string | null
  /** /proc/loadavg's 1, 5 and 15 minute averages when the run started. */
  readonly loadAvgStart: string
  /** Tracked files that differ from the commit (what ran is the commit plus these). */
  readonly modifiedFiles: readonly string[]
}

/** tierBMachine describes this machine as the run starts. */
export function tierBMachine(repoRoot: string): TierBMachine {
  return {
    ...labMachine(repoRoot),
    nginx: nginxVersion(),
    loadAvgStart: loadAvg(),
    modifiedFiles: modifiedFiles(repoRoot),
  }
}
