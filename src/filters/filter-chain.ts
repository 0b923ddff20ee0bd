import type { Exchange } from '../listeners/exchange.ts'
import type { Filter, MirrorRequest, ResponseHeadOut } from './filter.ts'

/**
 * FilterChain is the filters of one route match or one backendRef, split by phase once per
 * reload: the request phase (in the order listed; the first filter that answers ends the
 * exchange), the response phase (run on the response head before it is written to the client),
 * and the mirrors (sent beside the forwarded request). Compiled routes and backends own their
 * chain; the per-request Exchange carries none of it.
 */
export class FilterChain {
  static readonly NONE = new FilterChain([])
  readonly #request: readonly Filter[]
  readonly #response: readonly Filter[]
  readonly mirrors: readonly MirrorRequest[]
  readonly hasRequestPhase: boolean
  readonly hasResponsePhase: boolean

  constructor(filters: readonly Filter[]) {
    this.#request = filters.filter((f) => f.request)
    this.#response = filters.filter((f) => f.response)
    this.mirrors = filters.flatMap((f) => (f.mirror ? [f.mirror] : []))
    this.hasRequestPhase = this.#request.length > 0
    this.hasResponsePhase = this.#response.length > 0
  }

  /** request runs the request phase; true means a filter answered and nothing is forwarded. */
  request(ex: Exchange): boolean {
    const list = this.#request
    for (let i = 0; i < list.length; i++) if ((list[i] as Filter).request!(ex)) return true
    return false
  }

  /** response runs the response phase over the head about to be sent. */
  response(ex: Exchange, head: ResponseHeadOut): void {
    const list = this.#response
    for (let i = 0; i < list.length; i++) (list[i] as Filter).response!(ex, head)
  }
}
