import { describe, expect, test } from 'bun:test'
import { compareHostnameSpecificity, effectiveHostnames, hostnamesOverlap, intersectHostname } from './hostnames.ts'

describe('intersectHostname', () => {
  test.each([
    ['test.example.com', 'test.example.com', 'test.example.com'],
    ['test.example.com', '*.example.com', 'test.example.com'],
    ['*.example.com', 'test.example.com', 'test.example.com'],
    ['*.example.com', 'foo.test.example.com', 'foo.test.example.com'],
    ['*.example.com', '*.example.com', '*.example.com'],
    ['*.example.com', '*.foo.example.com', '*.foo.example.com'],
    ['*.foo.example.com', '*.example.com', '*.foo.example.com'],
    ['*.example.com', 'example.com', undefined],
    ['*.example.com', 'test.example.net', undefined],
    ['a.example.com', 'b.example.com', undefined],
    ['example.com', '*.example.com', undefined],
  ])('listener %s and route %s intersect in %s', (listener, route, expected) => {
    expect(intersectHostname(listener, route)).toBe(expected)
  })
})

describe('effectiveHostnames', () => {
  test('a route without hostnames inherits the listener hostname, or matches any host', () => {
    expect(effectiveHostnames('*.example.com', [])).toEqual(['*.example.com'])
    expect(effectiveHostnames(undefined, [])).toEqual(['*'])
  })

  test('a listener without hostname keeps the route hostnames', () => {
    expect(effectiveHostnames(undefined, ['a.example.com', '*.b.org'])).toEqual(['a.example.com', '*.b.org'])
  })

  test('route hostnames that do not intersect the listener are dropped', () => {
    expect(effectiveHostnames('*.example.com', ['foo.example.com', 'other.org', 'example.com'])).toEqual(['foo.example.com'])
    expect(effectiveHostnames('*.example.com', ['other.org'])).toEqual([])
  })
})

describe('hostnamesOverlap', () => {
  test('an exact name under a wildcard overlaps it, unrelated names do not, and no hostname overlaps all', () => {
    expect(hostnamesOverlap('foo.example.com', '*.example.com')).toBe(true)
    expect(hostnamesOverlap('foo.example.com', 'foo.example.org')).toBe(false)
    expect(hostnamesOverlap(undefined, 'foo.example.org')).toBe(true)
  })
})

describe('compareHostnameSpecificity', () => {
  test('orders exact names, then longer wildcards, then the catch-all', () => {
    const sorted = ['*', '*.example.com', 'a.example.com', '*.eu.example.com', 'www.a.example.com'].sort(compareHostnameSpecificity)
    expect(sorted).toEqual(['www.a.example.com', 'a.example.com', '*.eu.example.com', '*.example.com', '*'])
  })
})
