import { readFileSync } from 'node:fs'
import { availableParallelism, release } from 'node:os'

/** LabMachine records what a lab run was computed on (virtual-time results do not depend on it). */
export interface LabMachine {
  readonly nproc: number
  readonly cpuModel: string
  readonly kernel: string
  readonly bun: string
  readonly gitCommit: string
}

/** labMachine collects the machine description; git is read without taking any lock. */
export function labMachine(repoRoot: string): LabMachine {
  let cpuModel = 'unknown'
  try {
    cpuModel =
      /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ??
      cpuModel
  } catch {}
  let gitCommit = 'unknown'
  try {
    const out = Bun.spawnSync({
      cmd: ['git', 'rev-parse', 'HEAD'],
      cwd: repoRoot,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    })
    const text = out.stdout.toString().trim()
    if (/^[0-9a-f]{40}$/.test(text)) gitCommit = text
  } catch {}
  return { nproc: availableParallelism(), cpuModel, kernel: release(), bun: Bun.version, gitCommit }
}
