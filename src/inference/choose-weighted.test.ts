import { describe, expect, test } from 'bun:test'
import { chooseWeighted } from './choose-weighted.ts'
import { seededRandom } from '../testing/seeded-random.ts'

describe('chooseWeighted', () => {
  test('a 90/10 split over 10 000 draws lands within ±1.5 percentage points', () => {
    const targets = [
      { name: 'v1', weight: 90 },
      { name: 'v2', weight: 10 },
    ]
    const random = seededRandom(42)
    let v1 = 0
    for (let i = 0; i < 10_000; i++) if (chooseWeighted(targets, random)?.name === 'v1') v1++
    expect(Math.abs(v1 / 10_000 - 0.9)).toBeLessThan(0.015)
  })

  test('follows the random draw: the low end picks the first target, the high end the last', () => {
    const targets = [
      { name: 'a', weight: 1 },
      { name: 'b', weight: 3 },
    ]
    expect(chooseWeighted(targets, () => 0)?.name).toBe('a')
    expect(chooseWeighted(targets, () => 0.26)?.name).toBe('b')
    expect(chooseWeighted(targets, () => 0.999_999)?.name).toBe('b')
  })

  test('never picks a zero-weight target; no positive weight means no choice', () => {
    const targets = [
      { name: 'off', weight: 0 },
      { name: 'on', weight: 5 },
    ]
    for (let i = 0; i < 100; i++) expect(chooseWeighted(targets, Math.random)?.name).toBe('on')
    expect(chooseWeighted([{ weight: 0 }], Math.random)).toBeUndefined()
    expect(chooseWeighted([], Math.random)).toBeUndefined()
  })
})
