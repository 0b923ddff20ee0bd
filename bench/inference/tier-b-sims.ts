import { join } from 'node:path'
import { parsePrometheusText } from '../../src/inference/prometheus-text.ts'
import { type Child, hasExited, logTail, spawnChild, stopChild } from '../lib/child-processes.ts'
import { consecutivePorts } from '../lib/ports.ts'
import { processTreeCpuSeconds } from '../lib/process-cpu.ts'
import { pinned } from '../lib/taskset.ts'

/** SimFleetOptions describe the simulated model servers of one Tier B run. */
export interface SimFleetOptions {
  readonly repoRoot: string
  readonly count: number
  readonly profile: string
  readonly blocks: number
  readonly model: string
  readonly streamInterval: number
  /** taskset CPU list, or null to let the scheduler place them. */
  readonly cpus: string | null
  readonly logDir: string
}

/** SimCounters are the /metrics counters of one server that a run reports as deltas. */
export interface SimCounters {
  readonly requests: number
  readonly promptTokens: number
  readonly cachedTokens: number
  readonly generationTokens: number
  readonly preemptions: number
}

/** SimFleet is a running simulator process: N servers on consecutive ports. */
export interface SimFleet {
  readonly ports: readonly number[]
  readonly child: Child
  readonly command: readonly string[]
  /** CPU seconds the process has used so far. */
  cpuSeconds(): number
  scrape(): Promise<SimCounters[]>
  stop(): Promise<void>
}

const COUNTERS = {
  'vllm:request_success_total': 'requests',
  'vllm:prompt_tokens_total': 'promptTokens',
  'vllm:prefix_cache_hits_total': 'cachedTokens',
  'vllm:generation_tokens_total': 'generationTokens',
  'vllm:num_preemptions_total': 'preemptions',
} as const

/** parseSimCounters reads the counters a run reports from one server's /metrics text. */
export function parseSimCounters(text: string): SimCounters {
  const out = { requests: 0, promptTokens: 0, cachedTokens: 0, generationTokens: 0, preemptions: 0 }
  for (const s of parsePrometheusText(text, Object.keys(COUNTERS))) {
    const key = COUNTERS[s.name as keyof typeof COUNTERS]
    if (key) out[key] += s.value
  }
  return out
}

async function waitHealthy(child: Child, ports: readonly number[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  for (const port of ports) {
    for (;;) {
      if (hasExited(child)) throw new Error(`simulator exited:\n${logTail(child.logPath)}`)
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`, {
          signal: AbortSignal.timeout(1000),
        })
        if (res.status === 200) break
      } catch {}
      if (Date.now() > deadline) {
        throw new Error(`simulator not healthy on ${port}:\n${logTail(child.logPath)}`)
      }
      await Bun.sleep(25)
    }
  }
}

/**
 * startSimFleet runs the simulator CLI as its own process, so its step timers never share an
 * event loop with the proxy or the load generator, and waits until every server answers.
 */
export async function startSimFleet(o: SimFleetOptions): Promise<SimFleet> {
  const ports = await consecutivePorts(o.count)
  const command = [
    process.execPath,
    join(o.repoRoot, 'sim', 'main.ts'),
    ...['--port', String(ports[0]), '--count', String(o.count), '--profile', o.profile],
    ...['--blocks', String(o.blocks), '--model', o.model],
    ...['--stream-interval', String(o.streamInterval)],
  ]
  const cmd = pinned(o.cpus, command)
  const child = spawnChild('simulator', cmd, join(o.logDir, 'simulator.log'), o.repoRoot)
  try {
    await waitHealthy(child, ports, 15_000)
  } catch (error) {
    await stopChild(child)
    throw error
  }
  return {
    ports,
    child,
    command: cmd,
    cpuSeconds: () => processTreeCpuSeconds(child.proc.pid),
    async scrape() {
      return Promise.all(
        ports.map(async (port) => {
          const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
            signal: AbortSignal.timeout(5000),
          })
          return parseSimCounters(await res.text())
        })
      )
    },
    stop: () => stopChild(child),
  }
}
