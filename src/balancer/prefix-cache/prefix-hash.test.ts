import { describe, expect, test } from 'bun:test'
import { promptBlockHashes } from './prefix-hash.ts'

const text = (n: number, seed = 'a'): string =>
  Array.from({ length: n }, (_, i) => `${seed}${i % 97} `)
    .join('')
    .slice(0, n)

describe('promptBlockHashes', () => {
  test('is stable: the same prompt and model give the same keys', () => {
    const prompt = text(1000)
    expect(promptBlockHashes('m', prompt, 128, 1024)).toEqual(
      promptBlockHashes('m', prompt, 128, 1024)
    )
  })

  test('hashes only full blocks; a prompt shorter than one block has none (no affinity)', () => {
    expect(promptBlockHashes('m', text(127), 128, 1024)).toEqual([])
    expect(promptBlockHashes('m', text(128), 128, 1024)).toHaveLength(1)
    expect(promptBlockHashes('m', text(1000), 128, 1024)).toHaveLength(7)
  })

  test('is chained: a change in block 2 changes block 2 and every later key, not the earlier ones', () => {
    const a = text(1024)
    const b = `${a.slice(0, 300)}X${a.slice(301)}`
    const ha = promptBlockHashes('m', a, 128, 1024)
    const hb = promptBlockHashes('m', b, 128, 1024)
    expect(hb.slice(0, 2)).toEqual(ha.slice(0, 2))
    for (let i = 2; i < 8; i++) expect(hb[i]).not.toBe(ha[i] as number)
  })

  test('equal later blocks after a different start never collide (the key names the whole prefix)', () => {
    const tail = text(512, 'z')
    const ha = promptBlockHashes('m', `${text(128, 'a')}${tail}`, 128, 1024)
    const hb = promptBlockHashes('m', `${text(128, 'b')}${tail}`, 128, 1024)
    expect(new Set([...ha, ...hb]).size).toBe(ha.length + hb.length)
  })

  test('is seeded by the target model/adapter and by cache_salt', () => {
    const prompt = text(512)
    const base = promptBlockHashes('base', prompt, 128, 1024)
    expect(promptBlockHashes('lora-v1', prompt, 128, 1024)[0]).not.toBe(base[0] as number)
    expect(promptBlockHashes('base', prompt, 128, 1024, 'tenant-1')[0]).not.toBe(base[0] as number)
  })

  test('stops at maxBlocks', () => {
    expect(promptBlockHashes('m', text(128 * 50), 128, 16)).toHaveLength(16)
  })

  test('keys are safe integers (usable as exact Map keys)', () => {
    for (const k of promptBlockHashes('m', text(4096), 128, 1024))
      expect(Number.isSafeInteger(k)).toBe(true)
  })
})
