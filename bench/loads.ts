import { join } from 'node:path'
import { trackProcess } from './lib/child-processes.ts'
import { withFdLimit } from './fd-limit.ts'
import type { LatencySummary } from './latency-histogram.ts'
import { pinned } from './lib/taskset.ts'
import type { RateLoadResult } from './rate-loader.ts'
import type { LatencyFigures, RateFigures, SseFigures } from './run-record.ts'
import { loadKind, type Scenario } from './scenarios.ts'
import type { SseLoadResult } from './sse-client.ts'
import type { WrkErrors } from './wrk-output.ts'
import { runWrk } from './wrk.ts'

/** Everything a loader needs to hit one target in one run. */
export interface LoadSpec {
  readonly scenario: Scenario
  readonly url: string
  /** taskset CPU list for the loader, or null. */
  readonly cpus: string | null
  readonly fdLimit: number | null
  /** wrk Lua script, if the scenario has one. */
  readonly script: string | null
  /** Extra request headers as `Name: value`. */
  readonly headers: readonly string[]
  /** Offered req/s of a rate scenario (null for the others). */
  readonly rate: number | null
  readonly repoRoot: string
}

/** What one loader run measured, whichever loader it was. */
export interface LoadFigures {
  readonly command: string[]
  readonly requests: number
  readonly requestsPerSecond: number
  readonly durationS: number
  readonly latencyMs: LatencyFigures
  readonly errors: WrkErrors
  readonly rate?: RateFigures
  readonly sse?: SseFigures
}

function figures(summary: LatencySummary): LatencyFigures {
  const { p50, p75, p90, p99, p999, max, mean } = summary
  return { avg: mean, max, p50, p75, p90, p99, p999 }
}

/** Runs a TS loader as its own pinned process and parses the JSON line it prints. */
async function runTsLoader<T>(spec: LoadSpec, script: string, args: string[]): Promise<[string[], T]> {
  const bun = [process.execPath, join(spec.repoRoot, 'bench', script), ...args]
  const command = pinned(spec.cpus, withFdLimit(spec.fdLimit, bun))
  const proc = Bun.spawn({ cmd: command, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
  trackProcess(script, proc, command)
  const [output, errors, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  if (code !== 0) throw new Error(`${command.join(' ')} exited with ${code}:\n${output}${errors}`)
  return [command, JSON.parse(output.trim().split('\n').at(-1) ?? '') as T]
}

async function rateLoad(spec: LoadSpec, durationS: number): Promise<LoadFigures> {
  if (spec.rate === null) throw new Error(`scenario ${spec.scenario.name} has no offered rate`)
  const args = [
    '--url', spec.url,
    '--rate', String(Math.round(spec.rate)),
    '--connections', String(spec.scenario.connections),
    '--duration', String(durationS),
    ...spec.headers.flatMap((header) => ['--header', header]),
  ]
  const [command, result] = await runTsLoader<RateLoadResult>(spec, 'rate-loader.ts', args)
  return {
    command,
    requests: result.completed,
    requestsPerSecond: result.achievedRate,
    durationS: result.durationS,
    latencyMs: figures(result.latencyMs),
    errors: { ...result.errors, write: 0 },
    rate: {
      offeredRate: result.offeredRate,
      achievedRate: result.achievedRate,
      scheduled: result.scheduled,
      loaderCpuPercent: result.loaderCpuPercent,
      timerLagP99Ms: result.timerLagMs.p99,
    },
  }
}

async function sseLoad(spec: LoadSpec, durationS: number): Promise<LoadFigures> {
  const interval = spec.scenario.sse?.intervalMs ?? 100
  const events = Math.max(1, Math.round((durationS * 1000) / interval))
  const args = [
    '--url', spec.url,
    '--streams', String(spec.scenario.connections),
    '--events', String(events),
    '--interval', String(interval),
  ]
  const [command, result] = await runTsLoader<SseLoadResult>(spec, 'sse-client.ts', args)
  const missing = result.eventsExpected - result.eventsReceived
  return {
    command,
    requests: result.eventsReceived,
    requestsPerSecond: result.eventsReceived / result.durationS,
    durationS: result.durationS,
    latencyMs: figures(result.eventDelayMs),
    // A stream that fails or ends early is a read error; its missing events count once each.
    errors: { connect: 0, read: missing, write: 0, timeout: 0, status: 0 },
    sse: {
      streams: result.streams,
      eventsExpected: result.eventsExpected,
      firstEventMs: {
        p50: result.firstEventMs.p50,
        p99: result.firstEventMs.p99,
        max: result.firstEventMs.max,
      },
      scheduleLagP99Ms: result.scheduleLagMs.p99,
      loaderCpuPercent: result.loaderCpuPercent,
    },
  }
}

/** Runs the scenario's loader for `durationS` seconds against `spec.url`. */
export async function runLoad(spec: LoadSpec, durationS: number): Promise<LoadFigures> {
  switch (loadKind(spec.scenario)) {
    case 'rate':
      return rateLoad(spec, durationS)
    case 'sse':
      return sseLoad(spec, durationS)
    case 'wrk': {
      const wrk = await runWrk({
        url: spec.url,
        connections: spec.scenario.connections,
        durationS,
        cpus: spec.cpus,
        script: spec.script,
        headers: spec.headers,
        fdLimit: spec.fdLimit,
      })
      return { command: wrk.command, ...wrk.result }
    }
  }
}
