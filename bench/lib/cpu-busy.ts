import { readFileSync } from 'node:fs'

/** Cumulative busy and total jiffies per CPU id, from /proc/stat. */
export type CpuTimes = ReadonlyMap<number, { readonly busy: number; readonly total: number }>

/**
 * Parses the per-CPU `cpuN` lines of /proc/stat. Busy is user+nice+system+irq+softirq; idle,
 * iowait and steal (the hypervisor's, not ours) only count towards the total.
 */
export function parseCpuTimes(text: string): CpuTimes {
  const out = new Map<number, { busy: number; total: number }>()
  for (const line of text.split('\n')) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line)
    if (!match?.[1] || match[2] === undefined) continue
    // Only the first 8 fields: guest time is already included in user time.
    const values = match[2].trim().split(/\s+/).slice(0, 8).map(Number)
    const total = values.reduce((sum, value) => sum + value, 0)
    const busy = [0, 1, 2, 5, 6].reduce((sum, index) => sum + (values[index] ?? 0), 0)
    out.set(Number(match[1]), { busy, total })
  }
  return out
}

/** Reads the current per-CPU times. */
export function readCpuTimes(): CpuTimes {
  return parseCpuTimes(readFileSync('/proc/stat', 'utf8'))
}

/** Busy percentage of each CPU between two readings, keyed by CPU id. */
export function cpuBusyPercent(before: CpuTimes, after: CpuTimes): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [cpu, end] of after) {
    const start = before.get(cpu)
    if (!start) continue
    const total = end.total - start.total
    out[`cpu${cpu}`] = total > 0 ? (100 * (end.busy - start.busy)) / total : 0
  }
  return out
}

/** Busy seconds summed over every CPU between two readings. */
export function totalBusySeconds(
  before: CpuTimes,
  after: CpuTimes,
  ticksPerSecond: number,
): number {
  let ticks = 0
  for (const [cpu, end] of after) ticks += end.busy - (before.get(cpu)?.busy ?? end.busy)
  return ticks / ticksPerSecond
}
