import type { LoadPoint } from './lab-run.ts'
import { completionBody, type StreamResult, streamCompletion } from './tier-b-client.ts'
import type { LabRequest, LabWorkload } from './workload-types.ts'

/** ClientRecord is one request of a Tier B run: when it was due, sent, answered (ms from start). */
export interface ClientRecord extends StreamResult {
  readonly id: number
  readonly group: number
  /** When the arrival process wanted it sent. */
  readonly dueMs: number
  readonly sentMs: number
}

/** ReplayResult is every request's record plus the run's wall-clock span. */
export interface ReplayResult {
  readonly records: ClientRecord[]
  readonly startedAt: number
  readonly durationMs: number
}

/**
 * replay sends a workload's requests to `baseUrl` exactly as the lab feeds its pickers (lab-run):
 * open loop at `arrivalAtUnitRate / rps`, or closed loop with `n` in flight; a request with
 * `after` (a chat's next round) leaves its think time after the previous one finished. Each
 * request streams; nothing is retried.
 */
export function replay(
  w: LabWorkload,
  load: LoadPoint,
  baseUrl: string,
  timeoutMs: number
): Promise<ReplayResult> {
  const url = `${baseUrl}/v1/completions`
  const bodies = new Map<number, string>()
  for (const r of w.requests) bodies.set(r.id, completionBody(r.model, r.promptText, r.maxTokens))
  const followers = new Map<number, LabRequest[]>()
  const openLoop: LabRequest[] = []
  for (const r of w.requests) {
    if (!r.after) {
      openLoop.push(r)
      continue
    }
    const list = followers.get(r.after.afterId) ?? []
    list.push(r)
    followers.set(r.after.afterId, list)
  }
  const records: ClientRecord[] = []
  const startedAt = performance.now()
  const now = () => performance.now() - startedAt
  let outstanding = w.requests.length
  let nextClosed = 0
  return new Promise((resolve) => {
    const send = (req: LabRequest, dueMs: number): void => {
      const sentMs = now()
      void streamCompletion(url, bodies.get(req.id) as string, timeoutMs).then((r) => {
        const rel = (t: number) => (t < 0 ? -1 : t - startedAt)
        const record: ClientRecord = {
          ...r,
          firstTokenAt: rel(r.firstTokenAt),
          finishedAt: rel(r.finishedAt),
          id: req.id,
          group: req.group,
          dueMs,
          sentMs,
        }
        records.push(record)
        finished(req, record.finishedAt)
      })
    }
    const at = (req: LabRequest, dueMs: number): void => {
      setTimeout(() => send(req, dueMs), Math.max(0, dueMs - now()))
    }
    const finished = (req: LabRequest, t: number): void => {
      outstanding--
      for (const next of followers.get(req.id) ?? []) at(next, t + (next.after?.thinkMs ?? 0))
      if (load.kind === 'concurrency' && nextClosed < openLoop.length) {
        send(openLoop[nextClosed++] as LabRequest, t)
      }
      if (outstanding === 0) {
        records.sort((a, b) => a.id - b.id)
        resolve({ records, startedAt, durationMs: now() })
      }
    }
    if (load.kind === 'rate') {
      for (const req of openLoop) at(req, (req.arrivalAtUnitRate ?? 0) / load.rps)
    } else {
      for (; nextClosed < Math.min(load.n, openLoop.length); nextClosed++) {
        send(openLoop[nextClosed] as LabRequest, 0)
      }
    }
    if (outstanding === 0) resolve({ records, startedAt, durationMs: 0 })
  })
}
