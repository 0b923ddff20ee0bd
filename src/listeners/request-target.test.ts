import { describe, expect, test } from 'bun:test'
import { normaliseHost, normalisePath, splitTarget } from './request-target.ts'

describe('normalisePath', () => {
  test.each([
    ['/plain/path', '/plain/path'],
    ['/a/../b', '/b'],
    ['/a/./b/', '/a/b/'],
    ['/../../etc', '/etc'],
    ['/a/b/..', '/a/'],
    ['/%61dmin', '/admin'],
    ['/caf%c3%a9', '/caf%C3%A9'],
    ['/a%2Fb', '/a%2Fb'],
    ['/a%2fb', '/a%2Fb'],
    ['/%2e%2e/x', '/x'],
    ['/.hidden', '/.hidden'],
  ])('%s is routed as %s', (input, expected) => {
    expect(normalisePath(input)).toBe(expected)
  })

  test('malformed percent-encoding is refused', () => {
    expect(normalisePath('/a%zz')).toBeUndefined()
    expect(normalisePath('/a%2')).toBeUndefined()
  })

  test('a path that needs no change is returned as the same string', () => {
    const p = '/api/v1/users'
    expect(normalisePath(p)).toBe(p)
  })
})

describe('splitTarget', () => {
  test('origin form splits path and query', () => {
    expect(splitTarget('/a/b?x=1&y=2')).toEqual({ path: '/a/b', rawQuery: 'x=1&y=2', host: undefined, authority: undefined })
  })

  test('absolute form takes the host from the target', () => {
    expect(splitTarget('http://Example.COM:8080/p?q')).toEqual({ path: '/p', rawQuery: 'q', host: 'example.com', authority: 'Example.COM:8080' })
    expect(splitTarget('http://example.com')).toMatchObject({ path: '/', host: 'example.com' })
    expect(splitTarget('http://example.com?x=1')).toMatchObject({ path: '/', rawQuery: 'x=1', host: 'example.com' })
  })

  test('targets that cannot be routed are refused', () => {
    expect(splitTarget('*')).toBeUndefined()
    expect(splitTarget('example.com:443')).toBeUndefined()
  })
})

describe('normaliseHost', () => {
  test.each([
    ['example.com', 'example.com'],
    ['Example.COM:8443', 'example.com'],
    ['example.com.', 'example.com'],
    ['[::1]:8080', '[::1]'],
  ])('%s routes as %s', (input, expected) => {
    expect(normaliseHost(input)).toBe(expected)
  })
})
