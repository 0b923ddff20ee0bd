import { availableParallelism, release } from 'node:os'
import { cpuModel, gitCommit } from '../lib/machine.ts'

/** LabMachine records what a lab run was computed on (virtual-time results do not depend on it). */
export interface LabMachine {
  readonly nproc: number
  readonly cpuModel: string
  readonly kernel: string
  readonly bun: string
  readonly gitCommit: string
}

/** labMachine collects the machine description. */
export function labMachine(repoRoot: string): LabMachine {
  return {
    nproc: availableParallelism(),
    cpuModel: cpuModel(),
    kernel: release(),
    bun: Bun.version,
    gitCommit: gitCommit(repoRoot),
  }
}
