import { describe, expect, test } from 'bun:test'
import { KvBlockPool } from './kv-block-pool.ts'

describe('KvBlockPool', () => {
  test('a registered block stays cached after release and can be hit again', () => {
    const pool = new KvBlockPool(4)
    const held: number[] = []
    pool.allocate(2, held)
    pool.register(held[0] as number, 11n)
    pool.register(held[1] as number, 12n)
    pool.release(held)
    expect(pool.freeCount).toBe(4)
    expect(pool.matchPrefix([11n, 12n, 13n])).toBe(2)
    const again: number[] = []
    pool.acquireCached([11n, 12n], 2, again)
    expect(again).toEqual(held)
    expect(pool.usedCount).toBe(2)
  })

  test('allocation evicts the least recently freed cached block first', () => {
    const pool = new KvBlockPool(2)
    const a: number[] = []
    pool.allocate(1, a)
    pool.register(a[0] as number, 1n)
    pool.release(a)
    const b: number[] = []
    pool.allocate(1, b) // takes the never-used block first
    pool.register(b[0] as number, 2n)
    pool.release(b)
    pool.allocate(1, []) // now the oldest freed: block of hash 1
    expect(pool.matchPrefix([1n])).toBe(0)
    expect(pool.matchPrefix([2n])).toBe(1)
  })

  test('releases a sequence tail-first so its head is evicted last', () => {
    const pool = new KvBlockPool(3)
    const seq: number[] = []
    pool.allocate(3, seq)
    seq.forEach((b, i) => pool.register(b, BigInt(100 + i)))
    pool.release(seq)
    pool.allocate(1, [])
    expect(pool.matchPrefix([100n, 101n, 102n])).toBe(2)
  })

  test('a block held by a running sequence is never evicted', () => {
    const pool = new KvBlockPool(2)
    const held: number[] = []
    pool.allocate(1, held)
    pool.register(held[0] as number, 7n)
    expect(pool.allocate(2, [])).toBe(false)
    expect(pool.matchPrefix([7n])).toBe(1)
  })

  test('a duplicate of an already cached hash stays unnamed', () => {
    const pool = new KvBlockPool(2)
    const a: number[] = []
    const b: number[] = []
    pool.allocate(1, a)
    pool.allocate(1, b)
    pool.register(a[0] as number, 5n)
    pool.register(b[0] as number, 5n)
    expect(pool.cachedCount).toBe(1)
  })
})
