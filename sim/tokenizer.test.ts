import { describe, expect, test } from 'bun:test'
import { tokenize } from './tokenizer.ts'

describe('tokenize', () => {
  test('is deterministic: the same text always gives the same ids', () => {
    expect([...tokenize('The quick brown fox.')]).toEqual([...tokenize('The quick brown fox.')])
  })

  test('one token per word and per punctuation mark; whitespace only separates', () => {
    expect(tokenize('hello, world!')).toHaveLength(4)
    expect([...tokenize('a  b\n\tc')]).toEqual([...tokenize('a b c')])
  })

  test('splits long words every 6 characters', () => {
    expect(tokenize('abcdefghijklm')).toHaveLength(3)
    expect(tokenize('abcdef')).toHaveLength(1)
  })

  test('English-like text lands at 4–6 characters per token', () => {
    const text =
      'Prefix caching lets a server skip the prefill of prompt tokens it has already seen, '.repeat(
        20
      )
    const ratio = text.length / tokenize(text).length
    expect(ratio).toBeGreaterThan(4)
    expect(ratio).toBeLessThan(6)
  })

  test('equal words give equal ids, different words different ids', () => {
    const [a, b, c] = tokenize('cat dog cat')
    expect(a).toBe(c as number)
    expect(a).not.toBe(b as number)
  })
})
