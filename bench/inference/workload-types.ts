import type { EngineProfile } from '../../sim/profiles.ts'

/** LabRequest is one request of a workload, identical for every policy it is fed to. */
export interface LabRequest {
  readonly id: number
  /** The model the client asked for (before any rewrite). */
  readonly requestedModel: string
  /** The model after the canary/rewrite choice: what the picker and the server see. */
  readonly model: string
  readonly promptText: string
  readonly maxTokens: number
  readonly priority: number
  /** Open loop: arrival time, ms, at rate 1 req/s (scaled by the run's rate). */
  readonly arrivalAtUnitRate?: number
  /** Closed loop: arrives `thinkMs` after request `afterId` finished. */
  readonly after?: { readonly afterId: number; readonly thinkMs: number }
  /** Shared-prefix group or chat user, for reporting. */
  readonly group: number
}

/** LabWorkload is a seeded request list plus the cluster it is meant for. */
export interface LabWorkload {
  readonly id: string
  readonly title: string
  readonly requests: readonly LabRequest[]
  readonly servers: number
  readonly profile: EngineProfile
  /** KV blocks per server (sized against the workload's prefix set). */
  readonly numGpuBlocks: number
  readonly baseModel: string
  readonly loras: readonly string[]
  /** Best possible prompt-token hit rate (unbounded cache, perfect placement). */
  readonly idealHitRate: number
  /** Offered loads to run, in requests/s (open loop) or sessions/s (closed loop). */
  readonly rates: readonly number[]
  /** Closed-loop concurrency for the saturation point (0: none). */
  readonly saturationConcurrency: number
  /** Canary split to check: requested model → target shares expected. */
  readonly split?: {
    readonly requested: string
    readonly expected: Readonly<Record<string, number>>
  }
}

/** WorkloadParams select size and seed. */
export interface WorkloadParams {
  readonly seed: number
  /** Fewer requests for a smoke run that finishes in seconds. */
  readonly quick: boolean
  /**
   * 'b': the end-to-end shape (real sockets, wall clock, 2 cores): fewer requests on the
   * small-fast profile, sized so the simulated servers, not the CPUs, saturate. Default 'a'.
   */
  readonly tier?: 'a' | 'b'
}
