import { readFileSync } from 'node:fs'

// What every result file records about the machine and the source it ran. Git is only read,
// with GIT_OPTIONAL_LOCKS=0 so it never takes index.lock while others commit in this checkout.
const READ_ONLY_GIT = { ...process.env, GIT_OPTIONAL_LOCKS: '0' }

/** The CPU model from /proc/cpuinfo, or `unknown`. */
export function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))
    return match?.[1]?.trim() ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

/** The checked-out commit (40 hex digits), or `unknown` outside a repository. */
export function gitCommit(repoRoot: string): string {
  try {
    const cmd = ['git', 'rev-parse', 'HEAD']
    const out = Bun.spawnSync({ cmd, cwd: repoRoot, env: READ_ONLY_GIT })
    const text = out.stdout.toString().trim()
    return /^[0-9a-f]{40}$/.test(text) ? text : 'unknown'
  } catch {
    return 'unknown'
  }
}

/** Tracked files that differ from the commit (what ran is the commit plus these). */
export function modifiedFiles(repoRoot: string): string[] {
  try {
    const out = Bun.spawnSync({
      cmd: ['git', 'status', '--porcelain', '--untracked-files=no'],
      cwd: repoRoot,
      env: READ_ONLY_GIT,
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
