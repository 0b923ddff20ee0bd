import { describe, expect, test } from 'bun:test'
import { hostname } from 'node:os'
import { adminHostAllowed } from './admin-host.ts'

describe('adminHostAllowed (DNS rebinding)', () => {
  test.each([
    ['127.0.0.1:9901', true],
    ['[::1]:9901', true],
    ['10.1.2.3', true],
    ['localhost:9901', true],
    ['LOCALHOST', true],
    ['metrics.localhost:9901', true],
    [`${hostname()}:9901`, true],
    ['evil.example:9901', false],
    ['127.0.0.1.evil.example', false],
    ['localhost.evil.example', false],
    ['', false],
  ])('Host %p allowed: %p', (host, allowed) => {
    expect(adminHostAllowed(host, '127.0.0.1')).toBe(allowed)
  })

  test('the name the admin server was bound to is allowed', () => {
    expect(adminHostAllowed('admin.internal:9901', 'admin.internal')).toBe(true)
    expect(adminHostAllowed(null, 'admin.internal')).toBe(false)
  })
})
