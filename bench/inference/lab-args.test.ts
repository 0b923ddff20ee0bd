import { describe, expect, test } from 'bun:test'
import { parseInferenceArgs } from './lab-args.ts'

describe('bench:inference flags', () => {
  test('defaults: tier a, every workload and policy, 3 seeds', () => {
    const o = parseInferenceArgs([], '/out')
    expect(o).toMatchObject({ tier: 'a', seeds: 3, quick: false, outDir: '/out' })
    expect(o.workloads).toEqual(['w2', 'w3', 'w5', 'w6', 'w7'])
    expect(o.policies).toContain('oracle')
  })

  test('--quick defaults to one seed; explicit flags win', () => {
    expect(parseInferenceArgs(['--quick'], '/o').seeds).toBe(1)
    const o = parseInferenceArgs(
      [
        '--workload',
        'W2,w5',
        '--seeds',
        '2',
        '--policies',
        'round-robin,prefix-cache',
        '--tier',
        'b',
      ],
      '/o'
    )
    expect(o).toMatchObject({
      workloads: ['w2', 'w5'],
      seeds: 2,
      policies: ['round-robin', 'prefix-cache'],
      tier: 'b',
    })
  })

  test('rejects what it does not know', () => {
    expect(() => parseInferenceArgs(['--workload', 'w9'], '/o')).toThrow(/unknown workload/)
    expect(() => parseInferenceArgs(['--tier', 'c'], '/o')).toThrow(/tier/)
    expect(() => parseInferenceArgs(['--seeds', '0'], '/o')).toThrow(/seeds/)
    expect(() => parseInferenceArgs(['--policies', 'fastest'], '/o')).toThrow(/policy/)
    expect(() => parseInferenceArgs(['--bogus'], '/o')).toThrow()
  })
})
