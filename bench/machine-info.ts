import { release } from 'node:os'
import { cpuModel } from './lib/machine.ts'
import { findNginx } from './lib/nginx-run-dir.ts'

/** What the numbers were measured on, stored with every result file. */
export interface MachineInfo {
  readonly nproc: number
  readonly cpuModel: string
  readonly kernel: string
  readonly bun: string
  readonly nginx: string
  readonly wrk: string
  /** For HTTPS scenarios: both proxies use the same certificate, made by this openssl. */
  readonly openssl: string
  readonly gitCommit: string
  readonly gitDirty: boolean | null
}

function run(command: string[], cwd?: string): string {
  try {
    const out = Bun.spawnSync({
      cmd: command,
      cwd,
      // Read-only git: never take index.lock while others commit in this checkout.
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    })
    return `${out.stdout.toString()}${out.stderr.toString()}`.trim()
  } catch {
    return ''
  }
}

/** Collects machine, tool and source versions (wrk and nginx print theirs on odd streams). */
export function machineInfo(repoRoot: string): MachineInfo {
  const status = run(['git', 'status', '--porcelain', '--untracked-files=no'], repoRoot)
  const commit = run(['git', 'rev-parse', 'HEAD'], repoRoot)
  return {
    nproc: Number(run(['nproc'])) || navigator.hardwareConcurrency,
    cpuModel: cpuModel(),
    kernel: release(),
    bun: Bun.version,
    nginx: run([findNginx() ?? 'nginx', '-v']).replace(/^nginx version:\s*nginx\//, ''),
    wrk: run(['wrk', '-v']).split('\n')[0]?.replace(/\s+Copyright.*$/, '') ?? 'unknown',
    openssl: run(['openssl', 'version']).replace(/\s+\(Library.*$/, '') || 'missing',
    gitCommit: /^[0-9a-f]{40}$/.test(commit) ? commit : 'unknown',
    gitDirty: /^[0-9a-f]{40}$/.test(commit) ? status.length > 0 : null,
  }
}
