import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readCpuTimes, totalBusySeconds } from '../lib/cpu-busy.ts'
import { processTreeCpuSeconds, ticksPerSecond } from '../lib/process-cpu.ts'
import type { LoadPoint } from './lab-run.ts'
import { replay } from './tier-b-load.ts'
import { startNginx } from './tier-b-nginx.ts'
import { startSimFleet } from './tier-b-sims.ts'
import { summarizeRun, type TierBRun } from './tier-b-summary.ts'
import { type TierBTarget, targetSpec } from './tier-b-targets.ts'
import { startWeir, type WeirTarget } from './tier-b-weir.ts'
import type { LabWorkload } from './workload-types.ts'

/** STREAM_INTERVAL: one SSE event per token, as vLLM sends (2 cores keep up, see README). */
export const STREAM_INTERVAL = 1
/** REQUEST_TIMEOUT_MS: a request still streaming after this is an error, not a hang. */
const REQUEST_TIMEOUT_MS = 120_000

/** Pinning is where each party runs (taskset CPU lists); null = wherever the scheduler likes. */
export interface Pinning {
  readonly proxy: string | null
  readonly sims: string | null
}

/** RunContext is what every run of a Tier B session shares. */
export interface RunContext {
  readonly repoRoot: string
  readonly pinning: Pinning
}

function lineCount(path: string): number {
  try {
    const text = readFileSync(path, 'utf8')
    return text === '' ? 0 : text.trimEnd().split('\n').length
  } catch {
    return 0
  }
}

function cpuSeconds(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

/**
 * runCell runs one target on one load point with fresh processes (caches start empty): start
 * the simulators, start the proxy, replay the workload, and read every counter and CPU clock
 * before and after. The temp dir (configs, logs) is removed unless the run had errors.
 */
export async function runCell(
  ctx: RunContext,
  w: LabWorkload,
  load: LoadPoint,
  target: TierBTarget,
  seed: number
): Promise<{ run: TierBRun; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-tier-b-'))
  const spec = targetSpec(target)
  const sims = await startSimFleet({
    repoRoot: ctx.repoRoot,
    count: w.servers,
    profile: w.profile.name,
    blocks: w.numGpuBlocks,
    model: w.baseModel,
    streamInterval: STREAM_INTERVAL,
    cpus: ctx.pinning.sims,
    logDir: dir,
  })
  let keep = true
  try {
    const proxy =
      spec.proxy === 'weir'
        ? await startWeir({
            repoRoot: ctx.repoRoot,
            dir,
            ports: sims.ports,
            picker: spec.picker,
            cpus: ctx.pinning.proxy,
          })
        : await startNginx({
            dir,
            ports: sims.ports,
            balancer: spec.balancer,
            cpus: ctx.pinning.proxy,
          })
    const logPath = spec.proxy === 'weir' ? join(dir, 'weir.log') : join(dir, 'error.log')
    try {
      const weir = spec.proxy === 'weir' ? (proxy as WeirTarget) : null
      const counters = async () => (weir ? weir.counters() : null)
      const pickerBefore = await counters()
      const simsBefore = await sims.scrape()
      const logBefore = lineCount(logPath)
      const busyBefore = readCpuTimes()
      const c0 = [sims.cpuSeconds(), processTreeCpuSeconds(proxy.child.proc.pid), cpuSeconds()]
      const result = await replay(w, load, proxy.url, REQUEST_TIMEOUT_MS)
      const c1 = [sims.cpuSeconds(), processTreeCpuSeconds(proxy.child.proc.pid), cpuSeconds()]
      const busy = totalBusySeconds(busyBefore, readCpuTimes(), ticksPerSecond)
      const simsAfter = await sims.scrape()
      const pickerAfter = await counters()
      const s = result.durationMs / 1000
      const used = c1.map((v, i) => Math.max(0, v - (c0[i] as number)))
      const pct = (v: number) => (s > 0 ? (100 * v) / s : 0)
      const ours = used.reduce((a, b) => a + b, 0)
      const run = summarizeRun({
        workload: w.id,
        load,
        target,
        seed,
        records: result.records,
        durationMs: result.durationMs,
        simsBefore,
        simsAfter,
        pickerBefore,
        pickerAfter,
        cpu: {
          sims: pct(used[0] as number),
          proxy: pct(used[1] as number),
          client: pct(used[2] as number),
          other: pct(Math.max(0, busy - ours)),
        },
        proxyLogLines: lineCount(logPath) - logBefore,
      })
      keep = run.errors > 0 || run.proxyLogLines > 0
      return { run, dir }
    } finally {
      await proxy.stop()
    }
  } finally {
    await sims.stop()
    if (!keep) rmSync(dir, { recursive: true, force: true })
  }
}
