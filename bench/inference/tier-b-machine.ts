import { readFileSync } from 'node:fs'
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

/** modifiedFiles lists tracked files changed since HEAD, read without taking git's lock. */
function modifiedFiles(repoRoot: string): string[] {
  try {
    const out = Bun.spawnSync({
      cmd: ['git', 'status', '--porcelain', '--untracked-files=no'],
      cwd: repoRoot,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    })
    return out.stdout.toString().split('\n').filter(Boolean).map((l) => l.slice(3))
  } catch {
    return []
  }
}

/** loadAvg is the 1/5/15-minute load average, e.g. "0.86 1.59 1.71" (other work on the box). */
export function loadAvg(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  } catch {
    return 'unknown'
  }
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
