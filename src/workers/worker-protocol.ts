import type { MetricsSnapshot } from '../admin/metrics-snapshot.ts'
import type { ReloadOutcome } from '../gateway-control.ts'
import type { StatusDocument } from '../gateway-control.ts'
import type { Explanation, ExplainRequest } from '../explain/explain.ts'

/** WORKER_ENV names the environment variable that makes a Weir process a worker (its index). */
export const WORKER_ENV = 'WEIR_WORKER'

/** ToWorker is what the supervisor asks of a worker; every request carries an id for its reply. */
export type ToWorker =
  | { readonly type: 'reload'; readonly id: number; readonly reason: string }
  | { readonly type: 'status'; readonly id: number }
  | { readonly type: 'metrics'; readonly id: number }
  | { readonly type: 'explain'; readonly id: number; readonly request: ExplainRequest }

/** WorkerState is how a worker describes itself after starting and after every reload. */
export interface WorkerState {
  readonly ready: boolean
  readonly generation: number
  readonly sockets: readonly string[]
}

/** FromWorker is a worker's report: its state, or the reply to a request. */
export type FromWorker =
  | ({ readonly type: 'state' } & WorkerState)
  | { readonly type: 'reloaded'; readonly id: number; readonly outcome: ReloadOutcome; readonly state: WorkerState }
  | { readonly type: 'status'; readonly id: number; readonly document: StatusDocument }
  | { readonly type: 'metrics'; readonly id: number; readonly snapshot: MetricsSnapshot }
  | { readonly type: 'explain'; readonly id: number; readonly explanation: Explanation | null }
