import { readdirSync, readFileSync } from 'node:fs'

// utime and stime are in clock ticks; USER_HZ is 100 on every mainstream Linux build.
const fallbackTicks = 100

function clockTicksPerSecond(): number {
  try {
    const out = Bun.spawnSync({ cmd: ['getconf', 'CLK_TCK'] }).stdout.toString().trim()
    const ticks = Number(out)
    return Number.isFinite(ticks) && ticks > 0 ? ticks : fallbackTicks
  } catch {
    return fallbackTicks
  }
}

/** USER_HZ: the unit of both /proc/<pid>/stat CPU times and /proc/stat jiffies. */
export const ticksPerSecond = clockTicksPerSecond()

interface ProcStat {
  readonly ppid: number
  /** utime + stime of all the process's threads. */
  readonly cpuTicks: number
  /** cutime + cstime: CPU of children it has already waited for. */
  readonly reapedChildTicks: number
}

/** Parses /proc/<pid>/stat; the command name may contain spaces, so fields follow the last ')'. */
export function parseProcStat(text: string): ProcStat | null {
  const end = text.lastIndexOf(')')
  if (end < 0) return null
  const fields = text.slice(end + 2).split(' ')
  // After ')': state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14), i.e. fields 3,
  // 4 and 14 to 17 of proc(5).
  const [ppid, utime, stime, cutime, cstime] = [1, 11, 12, 13, 14].map((i) => Number(fields[i]))
  if (![ppid, utime, stime, cutime, cstime].every(Number.isFinite)) return null
  return {
    ppid: ppid ?? 0,
    cpuTicks: (utime ?? 0) + (stime ?? 0),
    reapedChildTicks: (cutime ?? 0) + (cstime ?? 0),
  }
}

function readStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return null
  }
}

/**
 * All live descendants of `pid`. Scans /proc rather than reading task/<tid>/children, which
 * needs CONFIG_PROC_CHILDREN and is missing on some kernels (this machine's among them).
 */
export function descendantPids(pid: number): number[] {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    const child = Number(entry)
    if (!Number.isInteger(child)) continue
    const stat = readStat(child)
    if (!stat) continue
    const siblings = children.get(stat.ppid) ?? []
    siblings.push(child)
    children.set(stat.ppid, siblings)
  }
  const out: number[] = []
  const queue = [pid]
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const child of children.get(next) ?? []) {
      out.push(child)
      queue.push(child)
    }
  }
  return out
}

/** User+system CPU seconds used so far by `pid` (all its threads) and all live descendants. */
export function processTreeCpuSeconds(pid: number): number {
  let ticks = 0
  for (const each of [pid, ...descendantPids(pid)]) ticks += readStat(each)?.cpuTicks ?? 0
  return ticks / ticksPerSecond
}

/**
 * CPU seconds of this harness and everything it started: its own threads, live children (proxy,
 * upstream, running wrk) and reaped ones (finished wrk runs). Subtracted from all-CPU busy time,
 * it leaves what other processes and the kernel used.
 */
export function harnessCpuSeconds(): number {
  const self = readStat(process.pid)
  return processTreeCpuSeconds(process.pid) + (self?.reapedChildTicks ?? 0) / ticksPerSecond
}
