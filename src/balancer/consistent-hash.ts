import type { Attempt } from './attempt.ts'
import type { Endpoint } from './endpoint.ts'
import { countOnlyStats, type Picker, type PickerFactory, type PickerParams, type PickerStats, type PickRequest } from './picker.ts'

/**
 * VIRTUAL_NODES is how many points each endpoint gets on the ring. With 100 points the load of
 * 2–16 endpoints stays within a few percent of even, and removing an endpoint moves only the keys
 * it owned (ketama's classic trade-off).
 */
const VIRTUAL_NODES = 100

/**
 * consistentHash sends requests with the same key (a header or a cookie) to the same endpoint, and
 * keeps most keys in place when endpoints come and go (a hash ring). A request without the key, or
 * whose endpoint is unavailable, goes to the next endpoint on the ring, or a random one.
 */
export const consistentHash: PickerFactory = {
  type: 'consistent-hash',
  create(endpoints: readonly Endpoint[], params: PickerParams): Picker {
    const points: { hash: number; endpoint: Endpoint }[] = []
    for (const e of endpoints) {
      for (let i = 0; i < VIRTUAL_NODES; i++) points.push({ hash: hash32(`${e.key}#${i}`), endpoint: e })
    }
    points.sort((a, b) => a.hash - b.hash)
    return new HashRing(points, Uint32Array.from(points.map((p) => p.hash)), keyReader(params))
  },
}

class HashRing implements Picker {
  #picks = 0

  constructor(
    private readonly points: readonly { hash: number; endpoint: Endpoint }[],
    private readonly hashes: Uint32Array,
    private readonly keyOf: (req: PickRequest) => string | undefined
  ) {}

  pick(candidates: readonly Endpoint[], req: PickRequest): Attempt | undefined {
    if (candidates.length === 0) return undefined
    this.#picks++
    const points = this.points
    const key = this.keyOf(req)
    if (key === undefined || points.length === 0) return (candidates[(Math.random() * candidates.length) | 0] as Endpoint).attempt
    const start = lowerBound(this.hashes, hash32(key))
    for (let k = 0; k < points.length; k++) {
      const e = (points[(start + k) % points.length] as { endpoint: Endpoint }).endpoint
      if (candidates.includes(e)) return e.attempt
    }
    return (candidates[0] as Endpoint).attempt
  }

  stats(): PickerStats {
    return countOnlyStats(this.#picks)
  }
}

function keyReader(params: PickerParams): (req: PickRequest) => string | undefined {
  if (params.header) {
    const name = params.header.toLowerCase()
    return (req) => req.header(name)
  }
  if (params.cookie) {
    const name = params.cookie
    return (req) => cookieValue(req.header('cookie'), name)
  }
  return () => undefined
}

/** cookieValue reads one cookie from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

function hash32(s: string): number {
  return Number(BigInt.asUintN(32, BigInt(Bun.hash(s))))
}

function lowerBound(a: Uint32Array, x: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((a[mid] as number) < x) lo = mid + 1
    else hi = mid
  }
  return lo % Math.max(1, a.length)
}
