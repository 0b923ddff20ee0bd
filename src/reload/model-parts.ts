import type { BackendModel, ListenerModel, Model, RouteAction, RouteModel, SocketModel } from '../model.ts'
import type { StatusEntry, StatusMap } from '../translate/status.ts'

/**
 * A translated configuration, cut into parts small enough that the serving thread can take one
 * per event-loop turn: structured clone copies one message at a time, and a 10,000-route model
 * in one message would stall every request while it is copied in.
 */

/** Route matches per part, and status entries per part: each copies in a few milliseconds. */
const ROUTES_PER_PART = 250
const STATUS_PER_PART = 500

/** ModelOutline is the model without its routes, plus the backends several route matches share. */
export interface ModelOutline {
  readonly sockets: readonly (Omit<SocketModel, 'listeners'> & { readonly listeners: readonly number[] })[]
  readonly listeners: readonly Omit<ListenerModel, 'routes'>[]
  /**
   * Backends with backendRef filters are compiled once per object (compile.ts CompileScope), and
   * a rule's matches share that object; a clone per part would break the sharing, so they travel
   * once, here, and route parts refer to them by index.
   */
  readonly sharedBackends: readonly BackendModel[]
}

/** SharedBackendRef stands for `outline.sharedBackends[shared]` in a route part. */
interface SharedBackendRef {
  readonly shared: number
}

type PartRoute = Omit<RouteModel, 'action'> & {
  readonly action: Exclude<RouteAction, { kind: 'forward' }> | { readonly kind: 'forward'; readonly backends: readonly (BackendModel | SharedBackendRef)[] }
}

/** ModelPart is a slice of one listener's routes, or a slice of the status entries. */
export type ModelPart =
  | { readonly kind: 'routes'; readonly listener: number; readonly routes: readonly PartRoute[] }
  | { readonly kind: 'status'; readonly entries: readonly (readonly [string, StatusEntry])[] }

/** splitModel cuts a model and its status into an outline and parts, in order. */
export function splitModel(model: Model, status: StatusMap): { outline: ModelOutline; parts: ModelPart[] } {
  const listenerIndex = new Map<ListenerModel, number>()
  const listeners: ListenerModel[] = []
  const sockets = model.sockets.map(({ listeners: ls, ...socket }) => ({
    ...socket,
    listeners: ls.map((l) => {
      let i = listenerIndex.get(l)
      if (i === undefined) listenerIndex.set(l, (i = listeners.push(l) - 1))
      return i
    }),
  }))
  const sharedIndex = new Map<BackendModel, number>()
  const sharedBackends: BackendModel[] = []
  const share = (b: BackendModel): BackendModel | SharedBackendRef => {
    if (!b.filters || b.filters.length === 0) return b
    let shared = sharedIndex.get(b)
    if (shared === undefined) sharedIndex.set(b, (shared = sharedBackends.push(b) - 1))
    return { shared }
  }
  const parts: ModelPart[] = []
  listeners.forEach((l, listener) => {
    for (let i = 0; i < l.routes.length; i += ROUTES_PER_PART) {
      const routes = l.routes.slice(i, i + ROUTES_PER_PART).map((r): PartRoute =>
        r.action.kind === 'forward' ? { ...r, action: { kind: 'forward', backends: r.action.backends.map(share) } } : r
      )
      parts.push({ kind: 'routes', listener, routes })
    }
  })
  const entries = [...status]
  for (let i = 0; i < entries.length; i += STATUS_PER_PART) parts.push({ kind: 'status', entries: entries.slice(i, i + STATUS_PER_PART) })
  const outline: ModelOutline = { sockets, listeners: listeners.map(({ routes: _, ...l }) => l), sharedBackends }
  return { outline, parts }
}

/** ModelAssembler puts a model and its status back together from an outline and its parts. */
export class ModelAssembler {
  readonly #outline: ModelOutline
  readonly #routes: RouteModel[][]
  readonly #status: StatusMap = new Map()

  constructor(outline: ModelOutline) {
    this.#outline = outline
    this.#routes = outline.listeners.map(() => [])
  }

  add(part: ModelPart): void {
    if (part.kind === 'status') {
      for (const [key, entry] of part.entries) this.#status.set(key, entry)
      return
    }
    const into = this.#routes[part.listener] as RouteModel[]
    const shared = this.#outline.sharedBackends
    for (const r of part.routes) {
      if (r.action.kind !== 'forward') {
        into.push(r as RouteModel)
        continue
      }
      const backends = r.action.backends.map((b) => ('shared' in b ? (shared[b.shared] as BackendModel) : b))
      into.push({ ...r, action: { kind: 'forward', backends } })
    }
  }

  finish(): { model: Model; status: StatusMap } {
    const listeners = this.#outline.listeners.map((l, i): ListenerModel => ({ ...l, routes: this.#routes[i] as RouteModel[] }))
    const sockets = this.#outline.sockets.map((s): SocketModel => ({ ...s, listeners: s.listeners.map((i) => listeners[i] as ListenerModel) }))
    return { model: { sockets }, status: this.#status }
  }
}
