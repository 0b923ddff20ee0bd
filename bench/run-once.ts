import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { hasExited, logTail, stopChild } from './lib/child-processes.ts'
import { cpuBusyPercent, readCpuTimes, totalBusySeconds } from './lib/cpu-busy.ts'
import { type LoadSpec, runLoad } from './loads.ts'
import type { Pinning } from './pinning.ts'
import { assertPortFree } from './lib/ports.ts'
import { harnessCpuSeconds, processTreeCpuSeconds, ticksPerSecond } from './lib/process-cpu.ts'
import { mixRoute, TENANT_HEADER } from './route-mix.ts'
import type { RunRecord } from './run-record.ts'
import {
  type BenchPorts,
  BODY_SIZES,
  loadKind,
  payloadBytes,
  requestPath,
  type Scenario,
} from './scenarios.ts'
import type { Target } from './targets.ts'
import type { TlsFiles } from './tls-cert.ts'
import { type ProbeOptions, waitForBody } from './wait-ready.ts'
import { writeWrkScript } from './wrk-lua.ts'

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
  /** The run's certificate (HTTPS scenarios). */
  readonly tls: TlsFiles | null
  /** Soft open-file limit to start loaders with; null: inherited is enough. */
  readonly fdLimit: number | null
  /** Offered req/s for rate scenarios; null for the others. */
  readonly rate: number | null
}

/** Readiness probe: the scenario's body through route 0 (route mix) or the catch-all route. */
function probe(scenario: Scenario, https: boolean): { path: string; options: ProbeOptions } {
  const route = mixRoute(0)
  return {
    path: scenario.routeMix ? `${route.pathPrefix}${scenario.body}` : `/${scenario.body}`,
    options: {
      headers: scenario.routeMix ? { host: route.host, [TENANT_HEADER]: route.tenant } : {},
      insecureTls: https,
    },
  }
}

/** How long a proxy may take to start: Weir compiles big route tables at start-up. */
function startTimeoutMs(scenario: Scenario): number {
  return 15_000 + 5 * scenario.routes
}

/**
 * Starts a fresh proxy, checks it serves the right body, warms it up, measures one loader run
 * with the proxy's CPU time around it, and always stops the proxy again.
 */
export async function runOnce(options: RunOnceOptions): Promise<RunRecord> {
  const { scenario, target, ports, pinning } = options
  const dir = join(options.workDir, `${scenario.name}-${target.id}-r${options.rep}`)
  mkdirSync(dir, { recursive: true })
  const port = target.port(ports, scenario)
  const isUpstream = port === ports.upstream || port === ports.stream
  if (!isUpstream) await assertPortFree(port, target.label)
  const child = target.start({
    scenario,
    dir,
    ports,
    cpus: pinning.proxy,
    repoRoot: options.repoRoot,
    tls: options.tls,
  })
  try {
    const https = target.https(scenario)
    const base = `${https ? 'https' : 'http'}://127.0.0.1:${port}`
    const ready = probe(scenario, https)
    if (child) {
      await waitForBody(`${base}${ready.path}`, BODY_SIZES[scenario.body], child, startTimeoutMs(scenario), ready.options)
    }
    const spec: LoadSpec = {
      scenario,
      url: `${base}${requestPath(scenario)}`,
      cpus: pinning.loader,
      fdLimit: options.fdLimit,
      script: writeWrkScript(scenario, dir),
      headers: scenario.closeEach ? ['Connection: close'] : [],
      rate: options.rate,
      repoRoot: options.repoRoot,
    }
    // JIT, connection pools and page cache settle here, outside the measurement.
    await runLoad(spec, options.warmupS)
    const cpuBefore = child ? processTreeCpuSeconds(child.proc.pid) : null
    const harnessBefore = harnessCpuSeconds()
    const busyBefore = readCpuTimes()
    const load = await runLoad(spec, options.durationS)
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
      kind: loadKind(scenario),
      durationS: load.durationS,
      proxyCommand: child ? child.command : null,
      loadCommand: load.command,
      requests: load.requests,
      requestsPerSecond: load.requestsPerSecond,
      payloadBytes: payloadBytes(scenario),
      latencyMs: load.latencyMs,
      errors: load.errors,
      ...(load.rate ? { rate: load.rate } : {}),
      ...(load.sse ? { sse: load.sse } : {}),
      proxyCpuSeconds,
      requestsPerCpuSecond:
        proxyCpuSeconds === null || proxyCpuSeconds === 0 ? null : load.requests / proxyCpuSeconds,
      proxyExited,
      otherCpuSeconds: Math.round(otherCpuSeconds * 1000) / 1000,
      noisyRetries: 0,
      cpuBusyPercent: cpuBusyPercent(busyBefore, busyAfter),
    }
  } finally {
    if (child) await stopChild(child)
  }
}
