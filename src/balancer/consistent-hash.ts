import type { Exchange } from '../listeners/exchange.ts'
import type { Endpoint } from './endpoint.ts'
import type { Picker, PickerFactory, PickerParams } from './picker.ts'

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
    const hashes = Uint32Array.from(points.map((p) => p.hash))
    const keyOf = keyReader(params)
    return {
      pick(candidates, ex) {
        const key = ex ? keyOf(ex) : undefined
        if (key === undefined || points.length === 0) return candidates[(Math.random() * candidates.length) | 0]
        const start = lowerBound(hashes, hash32(key))
        for (let k = 0; k < points.length; k++) {
          const e = (points[(start + k) % points.length] as { endpoint: Endpoint }).endpoint
          if (candidates.includes(e)) return e
        }
        return candidates[0]
      },
    }
  },
}

function keyReader(params: PickerParams): (ex: Exchange) => string | undefined {
  if (params.header) {
    const name = params.header.toLowerCase()
    return (ex) => ex.header(name)
  }
  if (params.cookie) {
    const name = params.cookie
    return (ex) => cookieValue(ex.header('cookie'), name)
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
