import { CONFIG_WORKER_URL } from '../config-worker-url.ts'
import type { Model } from '../model.ts'
import type { ConfigError, ConfigWarning } from '../resources/config-error.ts'
import type { TranslateOptions } from '../translate/context.ts'
import type { StatusMap } from '../translate/status.ts'
import type { FromConfigWorker, ToConfigWorker } from './config-messages.ts'
import { ModelAssembler } from './model-parts.ts'
import { yieldToEventLoop } from './slices.ts'

/** LoadedConfig is one read of the config directory: rejected with errors, or translated. */
export type LoadedConfig =
  | { readonly kind: 'rejected'; readonly errors: readonly ConfigError[]; readonly warnings: readonly ConfigWarning[] }
  | {
      readonly kind: 'translated'
      readonly model: Model
      readonly status: StatusMap
      readonly warnings: readonly ConfigWarning[]
      readonly resourceCount: number
    }

/**
 * ConfigLoader runs load and translate in the config worker thread and brings the model and
 * status back to this thread one part per event-loop turn. It keeps `firstSeen` (route
 * precedence by first-seen time) up to date with what the worker recorded, and seeds a new
 * worker from it, so precedence survives a worker that failed and was replaced.
 */
export class ConfigLoader {
  readonly #firstSeen: Map<string, number>
  #worker: Worker | undefined
  #nextId = 1
  #reply: ((message: FromConfigWorker) => void) | undefined
  #fail: ((err: Error) => void) | undefined

  constructor(firstSeen: Map<string, number>) {
    this.#firstSeen = firstSeen
  }

  /** load reads and translates `configDir`; one load at a time (the Gateway serialises reloads). */
  async load(configDir: string, options: TranslateOptions): Promise<LoadedConfig> {
    const id = this.#nextId++
    const fresh = this.#worker === undefined
    const worker = (this.#worker ??= this.#start())
    const seed = fresh ? [...this.#firstSeen] : undefined
    const first = await this.#ask(worker, { type: 'load', id, configDir, options, ...(seed ? { seed } : {}) })
    if (first.type === 'failed') throw new Error(`config worker: ${first.message}`)
    if (first.type !== 'rejected' && first.type !== 'translated') throw new Error(`config worker: unexpected ${first.type}`)
    for (const [key, at] of first.firstSeen) this.#firstSeen.set(key, at)
    if (first.type === 'rejected') return { kind: 'rejected', errors: first.errors, warnings: first.warnings }
    const assembler = new ModelAssembler(first.outline)
    for (let i = 0; i < first.parts; i++) {
      await yieldToEventLoop()
      const reply = await this.#ask(worker, { type: 'next', id })
      if (reply.type !== 'part') throw new Error(`config worker: expected a part, got ${reply.type}`)
      assembler.add(reply.part)
    }
    const { model, status } = assembler.finish()
    return { kind: 'translated', model, status, warnings: first.warnings, resourceCount: first.resourceCount }
  }

  /** close ends the worker thread; a later load starts a new one. */
  close(): void {
    this.#worker?.terminate()
    this.#worker = undefined
    this.#fail?.(new Error('config worker closed'))
  }

  #start(): Worker {
    // An idle worker must not keep the process alive (stopping the gateway ends it); one with a
    // load in flight must, or a start with nothing else to wait on would exit half-way.
    const worker = new Worker(CONFIG_WORKER_URL, { ref: false })
    worker.onmessage = (event: MessageEvent<FromConfigWorker>) => this.#reply?.(event.data)
    worker.onerror = (event: ErrorEvent) => {
      // A worker that threw is replaced on the next load, seeded with the first-seen times here.
      if (this.#worker === worker) this.#worker = undefined
      worker.terminate()
      this.#fail?.(new Error(`config worker failed: ${event.message}`))
    }
    return worker
  }

  #ask(worker: Worker, message: ToConfigWorker): Promise<FromConfigWorker> {
    return new Promise((resolve, reject) => {
      worker.ref()
      this.#reply = (reply) => {
        if (reply.id !== message.id) return
        this.#reply = this.#fail = undefined
        worker.unref()
        resolve(reply)
      }
      this.#fail = (err) => {
        this.#reply = this.#fail = undefined
        worker.unref()
        reject(err)
      }
      worker.postMessage(message)
    })
  }
}
