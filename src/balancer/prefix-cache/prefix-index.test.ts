import { describe, expect, test } from 'bun:test'
import { PrefixIndex } from './prefix-index.ts'

function match(index: PrefixIndex, hashes: number[], keys: string[]): number[] {
  const out: number[] = []
  index.matchAll(hashes, keys, out)
  return out
}

describe('PrefixIndex', () => {
  test('matches the longest leading run each endpoint holds', () => {
    const index = new PrefixIndex(100)
    index.insert('a', [1, 2, 3, 4])
    index.insert('b', [1, 2])
    expect(match(index, [1, 2, 3, 9], ['a', 'b', 'c'])).toEqual([3, 2, 0])
    // A hole at the start means no match at all: keys are chained.
    expect(match(index, [7, 2, 3], ['a'])).toEqual([0])
  })

  test('never holds more blocks than its capacity', () => {
    const index = new PrefixIndex(5)
    index.insert('a', [1, 2, 3, 4, 5, 6, 7])
    expect(index.size('a')).toBe(5)
  })

  test('evicts the least recently inserted prompt first', () => {
    const index = new PrefixIndex(4)
    index.insert('a', [1, 2])
    index.insert('a', [3, 4])
    index.insert('a', [1, 2]) // touch the first prompt again
    index.insert('a', [5, 6]) // evicts [3, 4], not [1, 2]
    expect(match(index, [1, 2], ['a'])).toEqual([2])
    expect(match(index, [3, 4], ['a'])).toEqual([0])
  })

  test('trims a prompt from its end, so a shared prefix outlives its suffixes', () => {
    const index = new PrefixIndex(3)
    index.insert('a', [1, 2, 3, 4, 5])
    expect(match(index, [1, 2, 3, 4, 5], ['a'])).toEqual([3])
  })

  test('setCapacity shrinks by evicting the oldest blocks', () => {
    const index = new PrefixIndex(10)
    index.insert('a', [1, 2])
    index.insert('a', [3, 4])
    index.setCapacity('a', 2)
    expect(index.size('a')).toBe(2)
    expect(match(index, [3, 4], ['a'])).toEqual([2])
    expect(index.capacityOf('a')).toBe(2)
  })

  test('forget drops the blocks of a failed request after its matched part', () => {
    const index = new PrefixIndex(10)
    index.insert('a', [1, 2])
    index.insert('a', [1, 2, 3, 4])
    index.forget('a', [1, 2, 3, 4], 2)
    expect(match(index, [1, 2, 3, 4], ['a'])).toEqual([2])
  })

  test('purge forgets an endpoint entirely', () => {
    const index = new PrefixIndex(10)
    index.insert('a', [1, 2])
    index.purge('a')
    expect(index.size('a')).toBe(0)
    expect(match(index, [1], ['a'])).toEqual([0])
  })
})
