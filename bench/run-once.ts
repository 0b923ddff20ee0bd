import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { hasExited, logTail, stopChild } from './child-processes.ts'
import { cpuBusyPercent, readCpuTimes, totalBusySeconds } from './cpu-busy.ts'
import type { Pinning } from './pinning.ts'
import { assertPortFree } from './port-check.ts'
import { harnessCpuSeconds, processTreeCpuSeconds, ticksPerSecond } from './process-cpu.ts'
import type { RunRecord } from './run-record.ts'
import { type BenchPorts, BODY_SIZES, requestPath, type Scenario } from './scenarios.ts'
import type { Target } from './targets.ts'
import { waitForBody } from './wait-ready.ts'
import { runWrk } from './wrk.ts'

/** Inputs of one measured run. */
export interface RunOnceOptions {
  readonly scenario: Scenario
  readonly target: Target
  readonly rep: number
  readonly durationS: number
  readonly warmupS: number
  readonly pinning: Pinning
  readonly ports: BenchPorts
  /** Parent temp directory; the run gets a fresh subdirectory in it. */
  readonly workDir: string
  readonly repoRoot: string
}

/**
 * Starts a fresh proxy, checks it serves the right body, warms it up, measures one wrk run with
 * the proxy's CPU time around it, and always stops the proxy again.
 */
export async function runOnce(options: RunOnceOptions): Promise<RunRecord> {
  const { scenario, target, ports, pinning } = options
  const dir = join(options.workDir, `${scenario.name}-${target.id}-r${options.rep}`)
  mkdirSync(dir, { recursive: true })
  const port = target.port(ports)
  if (port !== ports.upstream) await assertPortFree(port, target.label)
  const child = target.start({
    scenario,
    dir,
    ports,
    cpus: pinning.proxy,
    repoRoot: options.repoRoot,
  })
  try {
    const url = `http://127.0.0.1:${port}${requestPath(scenario)}`
    if (child) await waitForBody(url, BODY_SIZES[scenario.body], child)
    const load = { url, connections: scenario.connections, cpus: pinning.loader }
    // JIT, connection pools and page cache settle here, outside the measurement.
    await runWrk({ ...load, durationS: options.warmupS })
    const cpuBefore = child ? processTreeCpuSeconds(child.proc.pid) : null
    const harnessBefore = harnessCpuSeconds()
    const busyBefore = readCpuTimes()
    const wrk = await runWrk({ ...load, durationS: options.durationS })
    const busyAfter = readCpuTimes()
    const harnessAfter = harnessCpuSeconds()
    const cpuAfter = child ? processTreeCpuSeconds(child.proc.pid) : null
    const busySeconds = totalBusySeconds(busyBefore, busyAfter, ticksPerSecond)
    const otherCpuSeconds = Math.max(0, busySeconds - (harnessAfter - harnessBefore))
    const proxyExited = child !== null && hasExited(child)
    if (proxyExited) {
      console.error(`bench: ${target.label} died during the run:\n${logTail(child.logPath)}`)
    }
    // Rounded to the millisecond: the counters tick at 10 ms, more digits are float noise.
    const proxyCpuSeconds =
      cpuBefore === null || cpuAfter === null
        ? null
        : Math.round(Math.max(0, cpuAfter - cpuBefore) * 1000) / 1000
    return {
      scenario: scenario.name,
      target: target.id,
      rep: options.rep,
      durationS: wrk.result.durationS,
      proxyCommand: child ? child.command : null,
      wrkCommand: wrk.command,
      requests: wrk.result.requests,
      requestsPerSecond: wrk.result.requestsPerSecond,
      latencyMs: wrk.result.latencyMs,
      errors: wrk.result.errors,
      proxyCpuSeconds,
      requestsPerCpuSecond:
        proxyCpuSeconds === null || proxyCpuSeconds === 0
          ? null
          : wrk.result.requests / proxyCpuSeconds,
      proxyExited,
      otherCpuSeconds: Math.round(otherCpuSeconds * 1000) / 1000,
      noisyRetries: 0,
      cpuBusyPercent: cpuBusyPercent(busyBefore, busyAfter),
    }
  } finally {
    if (child) await stopChild(child)
  }
}
