// The config worker (a Bun Worker thread): reads, validates and translates the config directory
// away from the thread that serves requests. A 10,000-route directory takes seconds to load; here
// that time costs the serving thread nothing. The worker keeps the first-seen times (route
// precedence), seeded by the serving thread, which keeps a copy in case the worker is replaced.
import { loadResources } from '../resources/load.ts'
import { translate } from '../translate/translate.ts'
import type { FromConfigWorker, ToConfigWorker } from './config-messages.ts'
import { splitModel, type ModelPart } from './model-parts.ts'

declare const self: Worker

/** RecordingMap remembers which keys were set to a new value, to report them back. */
class RecordingMap extends Map<string, number> {
  changes = new Map<string, number>()
  override set(key: string, value: number): this {
    if (super.get(key) !== value) this.changes.set(key, value)
    return super.set(key, value)
  }
}

const firstSeen = new RecordingMap()
/** The parts of the last load not yet sent; a sent part's slot is emptied so it can be freed. */
let pending: { id: number; parts: (ModelPart | undefined)[]; next: number } | undefined

const post = (message: FromConfigWorker) => self.postMessage(message)

self.onmessage = (event: MessageEvent<ToConfigWorker>) => {
  const message = event.data
  if (message.type === 'next') {
    if (pending?.id !== message.id) return
    const part = pending.parts[pending.next] as ModelPart
    pending.parts[pending.next++] = undefined
    if (pending.next >= pending.parts.length) pending = undefined
    post({ type: 'part', id: message.id, part })
    if (!pending) collect()
    return
  }
  void load(message).catch((err: unknown) => post({ type: 'failed', id: message.id, message: (err as Error).message ?? String(err) }))
}

async function load(message: Extract<ToConfigWorker, { type: 'load' }>): Promise<void> {
  pending = undefined
  for (const [key, at] of message.seed ?? []) Map.prototype.set.call(firstSeen, key, at)
  firstSeen.changes = new Map()
  const loaded = await loadResources(message.configDir, { firstSeen })
  const changes = [...firstSeen.changes]
  if (loaded.errors.length > 0) {
    post({ type: 'rejected', id: message.id, errors: loaded.errors, warnings: loaded.warnings, firstSeen: changes })
    collect()
    return
  }
  const { model, status } = translate(loaded.resources, message.options)
  const { outline, parts } = splitModel(model, status)
  if (parts.length > 0) pending = { id: message.id, parts, next: 0 }
  post({
    type: 'translated',
    id: message.id,
    warnings: loaded.warnings,
    firstSeen: changes,
    resourceCount: loaded.resources.size,
    outline,
    parts: parts.length,
  })
}

/**
 * collect frees what a load left behind (parsed YAML, resources, the model) at once: this thread
 * is idle until the next reload, and without it the garbage of a big directory stays resident.
 */
function collect(): void {
  Bun.gc(true)
}
