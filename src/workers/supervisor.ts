import type { Subprocess } from 'bun'
import type { Logger } from 'pino'
import { mergeSnapshots, renderSnapshot, type MetricsSnapshot } from '../admin/metrics-snapshot.ts'
import type { ReloadOutcome } from '../gateway-control.ts'
import type { GatewayControl, StatusDocument } from '../gateway-control.ts'
import type { Explanation, ExplainRequest } from '../explain/explain.ts'
import { WORKER_ENV, type FromWorker, type ToWorker, type WorkerState } from './worker-protocol.ts'

/** REQUEST_TIMEOUT_MS bounds how long the admin server waits for a worker's answer. */
const REQUEST_TIMEOUT_MS = 5_000
/** Restart delays after a worker dies: doubling from the first to the last while it keeps dying. */
const FIRST_RESTART_DELAY_MS = 250
const MAX_RESTART_DELAY_MS = 30_000
/** A worker that ran this long before dying is restarted at once again next time. */
const STABLE_AFTER_MS = 10_000

/** WorkerSupervisorOptions say how many workers to run and how to start one. */
export interface WorkerSupervisorOptions {
  readonly count: number
  /** The command that starts this program with the user's arguments (see selfCommand). */
  readonly command: readonly string[]
  readonly logger: Logger
}

interface Pending {
  readonly resolve: (reply: FromWorker | undefined) => void
  readonly timer: ReturnType<typeof setTimeout>
}

/** Slot is one worker position; its process is replaced when it dies. */
interface Slot {
  readonly index: number
  proc: Subprocess | undefined
  state: WorkerState | undefined
  startedAt: number
  restartDelayMs: number
  /** Resolves with the first state, or rejects with the exit code if the worker exits first. */
  firstState: { resolve: () => void; reject: (code: number) => void } | undefined
}

/**
 * WorkerSupervisor is the supervisor of `--workers N` (nginx's master): it runs N copies of Weir that
 * bind the same sockets with SO_REUSEPORT, so the kernel spreads connections over them. It
 * forwards reloads to every worker, restarts a worker that dies, answers /ready only when every
 * worker is ready, takes /status from one worker (they all load the same files) and sums
 * /metrics over all of them.
 */
export class WorkerSupervisor implements GatewayControl {
  readonly #options: WorkerSupervisorOptions
  readonly #log: Logger
  readonly #slots: Slot[] = []
  readonly #pending = new Map<number, Pending>()
  #nextId = 1
  #stopping = false

  private constructor(options: WorkerSupervisorOptions) {
    this.#options = options
    this.#log = options.logger
  }

  /**
   * start launches the workers and resolves once each has applied the configuration. If one
   * exits first (a config error, a crash), the others are stopped once they have started or
   * exited too, and its exit code is the rejection.
   */
  static async start(options: WorkerSupervisorOptions): Promise<WorkerSupervisor> {
    const pool = new WorkerSupervisor(options)
    const first: Promise<void>[] = []
    for (let index = 0; index < options.count; index++) {
      const slot: Slot = { index, proc: undefined, state: undefined, startedAt: 0, restartDelayMs: FIRST_RESTART_DELAY_MS, firstState: undefined }
      pool.#slots.push(slot)
      first.push(new Promise<void>((resolve, reject) => (slot.firstState = { resolve, reject })))
      pool.#spawn(slot)
    }
    const results = await Promise.allSettled(first)
    const failed = results.find((r) => r.status === 'rejected')
    if (failed) {
      // Every worker has either started or exited by now, so none is killed while it prints.
      await pool.stop()
      throw failed.reason
    }
    return pool
  }

  get ready(): boolean {
    return !this.#stopping && this.#slots.every((s) => s.state?.ready === true)
  }

  get generation(): number {
    return Math.min(...this.#slots.map((s) => s.state?.generation ?? 0))
  }

  boundSockets(): string[] {
    return [...(this.#slots[0]?.state?.sockets ?? [])]
  }

  async reload(reason: string): Promise<ReloadOutcome> {
    const replies = await Promise.all(this.#live().map((slot) => this.#request(slot, (id) => ({ type: 'reload', id, reason }))))
    let outcome: ReloadOutcome | undefined
    for (const reply of replies) {
      if (reply?.type !== 'reloaded') continue
      if (!outcome || !reply.outcome.applied) outcome = reply.outcome
    }
    return outcome ?? { applied: false, generation: this.generation, errors: [], bindFailures: [] }
  }

  async statusDocument(): Promise<StatusDocument> {
    for (const slot of this.#live()) {
      const reply = await this.#request(slot, (id) => ({ type: 'status', id }))
      if (reply?.type === 'status') return reply.document
    }
    return { generation: this.generation, items: [], errors: ['no worker answered'] }
  }

  /** explain asks one worker (they serve the same files) how it would route a request. */
  async explain(request: ExplainRequest): Promise<Explanation | undefined> {
    for (const slot of this.#live()) {
      const reply = await this.#request(slot, (id) => ({ type: 'explain', id, request }))
      if (reply?.type === 'explain') return reply.explanation ?? undefined
    }
    return undefined
  }

  async metricsText(): Promise<string> {
    const replies = await Promise.all(this.#live().map((slot) => this.#request(slot, (id) => ({ type: 'metrics', id }))))
    const snapshots: MetricsSnapshot[] = []
    for (const reply of replies) if (reply?.type === 'metrics') snapshots.push(reply.snapshot)
    const workers = `# HELP weir_workers Worker processes running.\n# TYPE weir_workers gauge\nweir_workers ${this.#live().length}\n`
    return renderSnapshot(mergeSnapshots(snapshots)) + workers
  }

  /** stop asks every worker to drain (SIGTERM) and waits for all of them to exit. */
  async stop(): Promise<void> {
    this.#stopping = true
    const exits = this.#slots.flatMap((s) => (s.proc ? [s.proc.exited] : []))
    for (const s of this.#slots) s.proc?.kill('SIGTERM')
    await Promise.all(exits)
  }

  /** kill ends every worker at once (a second stop signal). */
  kill(): void {
    this.#stopping = true
    for (const s of this.#slots) s.proc?.kill('SIGKILL')
  }

  #live(): Slot[] {
    return this.#slots.filter((s) => s.proc !== undefined && s.state !== undefined)
  }

  #spawn(slot: Slot): void {
    slot.startedAt = Date.now()
    slot.state = undefined
    const proc = Bun.spawn([...this.#options.command], {
      env: { ...process.env, [WORKER_ENV]: String(slot.index) },
      stdio: ['ignore', 'inherit', 'inherit'],
      serialization: 'json',
      ipc: (message) => this.#onMessage(slot, message as FromWorker),
    })
    slot.proc = proc
    void proc.exited.then((code) => this.#onExit(slot, proc, code))
  }

  #onMessage(slot: Slot, message: FromWorker): void {
    if (message.type === 'state') {
      slot.state = message
      slot.firstState?.resolve()
      slot.firstState = undefined
      return
    }
    if (message.type === 'reloaded') slot.state = message.state
    const pending = this.#pending.get(message.id)
    if (!pending) return
    this.#pending.delete(message.id)
    clearTimeout(pending.timer)
    pending.resolve(message)
  }

  #onExit(slot: Slot, proc: Subprocess, code: number): void {
    if (slot.proc !== proc) return
    slot.proc = undefined
    slot.state = undefined
    if (slot.firstState) {
      slot.firstState.reject(code)
      slot.firstState = undefined
      return
    }
    if (this.#stopping) return
    const ranMs = Date.now() - slot.startedAt
    slot.restartDelayMs = ranMs > STABLE_AFTER_MS ? FIRST_RESTART_DELAY_MS : Math.min(MAX_RESTART_DELAY_MS, slot.restartDelayMs * 2)
    this.#log.error({ worker: slot.index, code, signal: proc.signalCode, restartInMs: slot.restartDelayMs }, 'worker exited; restarting it')
    setTimeout(() => {
      if (!this.#stopping) this.#spawn(slot)
    }, slot.restartDelayMs)
  }

  /** request sends a message with a fresh id and resolves with the reply, or undefined on timeout. */
  #request(slot: Slot, build: (id: number) => ToWorker): Promise<FromWorker | undefined> {
    const id = this.#nextId++
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        resolve(undefined)
      }, REQUEST_TIMEOUT_MS)
      this.#pending.set(id, { resolve, timer })
      try {
        slot.proc?.send(build(id))
      } catch {
        clearTimeout(timer)
        this.#pending.delete(id)
        resolve(undefined)
      }
    })
  }
}

/**
 * selfCommand is the command line that starts this same program with `args`: the executable
 * alone for a compiled binary (its script lives inside it), else the runtime and the script.
 */
export function selfCommand(args: readonly string[]): string[] {
  const script = process.argv[1]
  if (script === undefined || script.startsWith('/$bunfs/') || script === process.execPath) return [process.execPath, ...args]
  return [process.execPath, script, ...args]
}
