import { describe, expect, test } from 'bun:test'
import { HostIndex } from './host-index.ts'

describe('HostIndex', () => {
  const index = new HostIndex<string>()
  index.set('a.example.com', 'exact')
  index.set('*.example.com', 'wild')
  index.set('*.eu.example.com', 'eu-wild')
  index.set('*', 'any')

  test.each([
    ['a.example.com', 'exact'],
    ['b.example.com', 'wild'],
    ['x.y.example.com', 'wild'],
    ['fr.eu.example.com', 'eu-wild'],
    ['a.b.eu.example.com', 'eu-wild'],
    ['eu.example.com', 'wild'],
    ['example.com', 'any'],
    ['other.org', 'any'],
  ])('%s finds %s', (host, expected) => {
    expect(index.lookup(host)).toBe(expected)
  })

  test('without a catch-all, an unknown host finds nothing', () => {
    const i = new HostIndex<number>()
    i.set('*.example.com', 1)
    expect(i.lookup('example.com')).toBeUndefined()
    expect(i.lookup('a.example.com')).toBe(1)
  })
})
