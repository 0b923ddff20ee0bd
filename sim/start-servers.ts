import { type EngineProfile, profileByName } from './profiles.ts'
import { SimServer } from './sim-server.ts'

/** StartOptions describe a set of identical simulated servers in this process. */
export interface StartOptions {
  readonly count: number
  /** Profile name (see profiles.ts) or a profile; default small-fast. */
  readonly profile?: string | EngineProfile
  readonly model?: string
  readonly loras?: readonly string[]
  readonly numGpuBlocks?: number
  readonly v0MetricNames?: boolean
  readonly streamInterval?: number
  readonly hostname?: string
  /** Fixed ports, one per server; free ports are chosen when absent. */
  readonly ports?: readonly number[]
}

/** RunningServers are started servers: their ports, the simulators, and how to stop them. */
export interface RunningServers {
  readonly ports: number[]
  readonly servers: SimServer[]
  stop(): Promise<void>
}

/** DEFAULT_MODEL is the served model name when none is given. */
export const DEFAULT_MODEL = 'sim-llm'

/**
 * startSimulatedServers starts `count` simulated vLLM servers in this process, each on its own
 * port (free ports unless given) with its own engine and step loop; stop() closes them all.
 */
export async function startSimulatedServers(options: StartOptions): Promise<RunningServers> {
  const profile =
    typeof options.profile === 'object'
      ? options.profile
      : profileByName(options.profile ?? 'small-fast')
  const servers: SimServer[] = []
  const handles: ReturnType<typeof Bun.serve>[] = []
  for (let i = 0; i < options.count; i++) {
    const sim = new SimServer({
      profile,
      model: options.model ?? DEFAULT_MODEL,
      loras: options.loras,
      numGpuBlocks: options.numGpuBlocks,
      v0MetricNames: options.v0MetricNames,
      streamInterval: options.streamInterval,
    })
    const handle = Bun.serve({
      hostname: options.hostname ?? '127.0.0.1',
      port: options.ports?.[i] ?? 0,
      // Long prefill queues under overload must not hit Bun's 10 s idle timeout.
      idleTimeout: 0,
      fetch: (req) => sim.handle(req),
    })
    servers.push(sim)
    handles.push(handle)
  }
  return {
    ports: handles.map((h) => h.port as number),
    servers,
    async stop() {
      for (const sim of servers) sim.stop()
      await Promise.all(handles.map((h) => h.stop(true)))
    },
  }
}
