import { Endpoint } from '../../src/balancer/endpoint.ts'
import type { ServerState, ServerStateSource } from '../../src/balancer/server-state.ts'
import { seededRandom } from '../../src/testing/seeded-random.ts'
import { SimEngine } from '../../sim/engine.ts'
import type { LabWorkload } from './workload-types.ts'

/** STALENESS_MS matches ModelServerMetrics' default: older scrapes are not fresh. */
const STALENESS_MS = 1000

/** LabServer is one simulated model server of the lab: engine, endpoint and step state. */
export interface LabServer {
  readonly endpoint: Endpoint
  readonly engine: SimEngine
  /** A step is planned and its end event is queued. */
  busy: boolean
  /** A kick event is queued to start a step at the current time. */
  kicked: boolean
  requests: number
}

/**
 * LabCluster is the lab's set of servers plus a virtual-time stand-in for ModelServerMetrics:
 * scrape() snapshots every engine as its /metrics would read, get() serves the latest snapshot
 * with freshness judged on the virtual clock.
 */
export class LabCluster implements ServerStateSource {
  readonly servers: LabServer[]
  readonly #byKey = new Map<string, LabServer>()
  readonly #states = new Map<string, ServerState>()
  now = 0

  constructor(
    readonly workload: LabWorkload,
    seed: number
  ) {
    this.servers = Array.from({ length: workload.servers }, (_, i) => {
      const server: LabServer = {
        endpoint: new Endpoint('10.0.0.1', 8000 + i),
        engine: new SimEngine(workload.profile, {
          numGpuBlocks: workload.numGpuBlocks,
          random: seededRandom(seed * 31 + i),
        }),
        busy: false,
        kicked: false,
        requests: 0,
      }
      this.#byKey.set(server.endpoint.key, server)
      return server
    })
  }

  /** endpoints lists every server's endpoint (the candidates of every pick). */
  get endpoints(): Endpoint[] {
    return this.servers.map((s) => s.endpoint)
  }

  /** serverOf finds the server behind an endpoint. */
  serverOf(endpoint: Endpoint): LabServer {
    const s = this.#byKey.get(endpoint.key)
    if (!s) throw new Error(`unknown endpoint ${endpoint.key}`)
    return s
  }

  /** scrape records what every server's /metrics says at the current virtual time. */
  scrape(): void {
    for (const s of this.servers) {
      const e = s.engine
      this.#states.set(s.endpoint.key, {
        waiting: e.waiting.length,
        running: e.running.length,
        kvUsage: e.kvUsage,
        blockSize: e.profile.blockSize,
        numGpuBlocks: e.pool.numBlocks,
        maxLora: e.profile.maxLoras,
        runningLoras: e.runningAdapters(),
        waitingLoras: e.waitingAdapters(),
        baseModel: this.workload.baseModel,
        fresh: true,
        updatedAt: this.now,
        epoch: 0,
      })
    }
  }

  get(endpointKey: string): ServerState | undefined {
    const state = this.#states.get(endpointKey)
    if (state) state.fresh = this.now - state.updatedAt <= STALENESS_MS
    return state
  }
}
